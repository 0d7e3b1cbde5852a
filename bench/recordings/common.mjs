// What both benchmarks share: the running platform's address and keys, a project of their own, statistics.
import { readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const env = Object.fromEntries(['.flywheel/demo.env', '.flywheel/secrets.env']
  .flatMap((f) => readFileSync(new URL(f, root), 'utf8').split('\n'))
  .filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
export const gateway = env.FLYWHEEL_GATEWAY_URL ?? 'http://127.0.0.1:8080';
const bootstrap = env.FLYWHEEL_BOOTSTRAP_ADMIN_KEY;
export const stateDir = new URL('.flywheel/', root);

export async function call(path, { key = bootstrap, method = 'GET', body } = {}) {
  const response = await fetch(gateway + path, { method, headers: { 'Content-Type': 'application/json',
    Authorization: `Bearer ${key}` }, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A project with a huge rate limit (the benchmark measures the platform, not its limits) and its keys. */
export async function benchProject(name, origins = []) {
  const suffix = Date.now().toString(36);
  const organisation = (await call('/api/v1/organisations', { method: 'POST', body: { name: `${name}-${suffix}` } }))
    .id;
  const project = (await call('/api/v1/projects', { method: 'POST', body: { organisationId: organisation, name,
    corsOrigins: origins, rateLimit: { perSecond: 1000000, burst: 1000000 } } })).id;
  const admin = (await call(`/api/v1/projects/${project}/keys`, { method: 'POST', body: { kind: 'admin' } })).key;
  const client = (await call(`/api/v1/projects/${project}/keys`, { method: 'POST',
    body: { kind: 'client', environment: 'production' } })).key;
  return { project, admin, client };
}

export const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1,
  Math.max(0, Math.ceil(p / 100 * values.length) - 1))];
export const median = (values) => percentile(values, 50);

// What the Node benchmarks share: the running platform's address and bootstrap credential (from ./flywheel up's
// state), one way to call its API, and the statistics the figures are given in.
import { readFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const env = Object.fromEntries(['.flywheel/demo.env', '.flywheel/secrets.env']
  .flatMap((f) => readFileSync(new URL(f, root), 'utf8').split('\n'))
  .filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
export const gateway = env.FLYWHEEL_GATEWAY_URL ?? 'http://127.0.0.1:8080';
export const bootstrap = env.FLYWHEEL_BOOTSTRAP_ADMIN_KEY;

/** A JSON call with a key, or a console session (cookie and CSRF token); the body, and any new session cookie. */
export async function request(path, { key, method = 'GET', body, cookie, csrf } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (cookie) headers.Cookie = `fw_session=${cookie}`;
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(gateway + path, { method, headers, body: body && JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  const session = /fw_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  return { body: text ? JSON.parse(text) : null, session };
}

export const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1,
  Math.max(0, Math.ceil(p / 100 * values.length) - 1))];
export const median = (values) => percentile(values, 50);

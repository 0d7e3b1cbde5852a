// What both benchmarks share: the running platform's address and keys, a project of their own, statistics.
import { bootstrap, median, percentile, request } from '../common.mjs';

export { gateway } from '../common.mjs';
export { median, percentile };

/** The body of a JSON call, with the bootstrap credential unless another key is given. */
export async function call(path, { key = bootstrap, ...options } = {}) {
  return (await request(path, { key, ...options })).body;
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

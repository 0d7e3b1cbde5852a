// The console's figures against a running platform (./flywheel up, with
// FLYWHEEL_CONSOLE_SIGN_INS_PER_ADDRESS_PER_MINUTE raised: every sign-in here comes from one address).
//   node run.mjs            sign-in load, then the results page
// Prints JSON lines; medians and p99s over the runs.
import { chromium } from 'playwright-core';

import { bootstrap, gateway, median, percentile, request as call } from '../common.mjs';

const PASSWORD = 'a long benchmark password';
const RUNS = Number(process.env.RUNS ?? 5);


const suffix = Date.now().toString(36);
const organisation = (await call('/api/v1/organisations', { key: bootstrap, method: 'POST',
  body: { name: `bench-${suffix}` } })).body.id;
const project = (await call('/api/v1/projects', { key: bootstrap, method: 'POST',
  body: { organisationId: organisation, name: 'console-bench', rateLimit: { perSecond: 100000, burst: 100000 } } }))
  .body.id;

async function person(email, role) {
  const invited = await call(`/api/v1/projects/${project}/invitations`, { key: bootstrap, method: 'POST',
    body: { email, role } });
  return (await call('/api/v1/invitations/accept', { method: 'POST',
    body: { token: invited.body.token, name: email, password: PASSWORD } })).session;
}

// --- sign-in under 50 concurrent sign-ins: 50 people, each signing in 8 times back to back ---
const people = [];
for (let i = 0; i < 50; i++) {
  const email = `bench-${suffix}-${i}@example.com`;
  await person(email, 'viewer');
  people.push(email);
}
const signInRuns = [];
for (let run = 0; run < RUNS; run++) {
  const latencies = [];
  const started = performance.now();
  await Promise.all(people.map(async (email) => {
    for (let i = 0; i < 8; i++) {
      const t = performance.now();
      await call('/api/v1/sessions', { method: 'POST', body: { email, password: PASSWORD } });
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  signInRuns.push({ p50: median(latencies), p99: percentile(latencies, 99), perSecond: latencies.length / seconds });
  console.log(JSON.stringify({ signIn: signInRuns.at(-1) }));
}
console.log(JSON.stringify({ signInMedian: { p50: median(signInRuns.map((r) => r.p50)),
  p99: median(signInRuns.map((r) => r.p99)), perSecond: median(signInRuns.map((r) => r.perSecond)) } }));

// --- an experiment with 10 metrics and some traffic, its results page timed in Chromium ---
const owner = await person(`owner-${suffix}@example.com`, 'owner');
const admin = (await call(`/api/v1/projects/${project}/keys`, { key: bootstrap, method: 'POST',
  body: { kind: 'admin' } })).body.key;
const client = (await call(`/api/v1/projects/${project}/keys`, { key: bootstrap, method: 'POST',
  body: { kind: 'client', environment: 'production' } })).body.key;
const metrics = [];
for (let m = 0; m < 10; m++) {
  metrics.push(`metric-${m}`);
  await call(`/api/v1/projects/${project}/experiment-metrics/metric-${m}`, { key: admin, method: 'PUT',
    body: { name: `Did step ${m}`, type: 'conversion', events: { event: `Step ${m}` }, windowSeconds: 86400 } });
}
const experiment = `/api/v1/projects/${project}/environments/production/experiments/ten-metrics`;
await call(experiment, { key: admin, method: 'PUT', body: { name: 'Ten metrics', variations: [
  { key: 'control', value: false }, { key: 'treatment', value: true }], metrics: { primary: metrics.slice(0, 3),
  secondary: metrics.slice(3, 8), guardrails: metrics.slice(8) } } });
await call(`${experiment}/status`, { key: admin, method: 'POST', body: { status: 'running' } });
const batch = [];
for (let u = 0; u < 300; u++) {
  const user = `visitor-${u}`;
  const assigned = (await call('/api/v1/assign/ten-metrics', { key: client, method: 'POST',
    body: { attributes: { id: user } } })).body;
  metrics.forEach((_, m) => {
    if (Math.random() < 0.2 + 0.05 * assigned.variationIndex) {
      batch.push({ type: 'track', event: `Step ${m}`, userId: user, timestamp: new Date().toISOString() });
    }
  });
}
await fetch(`${gateway}/v1/batch`, { method: 'POST', headers: { 'Content-Type': 'application/json',
  Authorization: `Basic ${Buffer.from(`${client}:`).toString('base64')}` }, body: JSON.stringify({ batch }) });
for (let i = 0; i < 120; i++) {
  const results = (await call(`${experiment}/results`, { key: admin })).body;
  const counted = results.metrics.reduce((sum, m) => sum + m.variations.reduce((s, v) => s + (v.numeratorSum ?? 0), 0), 0);
  if (counted === batch.length) break;
  await new Promise((r) => setTimeout(r, 1000));
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const url = new URL(gateway);
const pageTimes = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'fw_session', value: owner, domain: url.hostname, path: '/' }]);
  const page = await context.newPage();
  await page.goto(`${gateway}/console/p/${project}/experiments/production/ten-metrics`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.querySelectorAll('.metric .forest svg').length === 10,
    null, { timeout: 30000 });
  pageTimes.push(await page.evaluate(() => performance.now()));
  await context.close();
  console.log(JSON.stringify({ resultsPageMs: pageTimes.at(-1) }));
}
console.log(JSON.stringify({ resultsPageMedianMs: median(pageTimes), runs: pageTimes.length }));
await browser.close();

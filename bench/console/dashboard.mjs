// A dashboard of 8 tiles over the events bench/clickhouse-load.sh (or AnalyticsLoad produce) put in the demo
// project's environment, timed in Chromium from navigation until every tile is drawn (issue 23):
//   cold: no answer kept (the gateway's kept answers are deleted from Redis first, with redis-cli);
//   warm: the same dashboard opened again within five minutes (every tile from the gateway's kept answers).
//   ENVIRONMENT=development RUNS=5 node dashboard.mjs
// And the session player's time to its first frame for a 30-minute recording (rrweb events sent to the gateway).
// Prints JSON lines; medians over the runs.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

import { bootstrap, gateway, median, request as call } from '../common.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const ENVIRONMENT = process.env.ENVIRONMENT ?? 'development';
const PASSWORD = 'a long benchmark password';
const demo = Object.fromEntries(readFileSync(new URL('../../.flywheel/demo.env', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
const project = demo.FLYWHEEL_DEMO_PROJECT_ID;
const admin = demo.FLYWHEEL_DEMO_ADMIN_KEY;
const suffix = Date.now().toString(36);

const invited = await call(`/api/v1/projects/${project}/invitations`, { key: bootstrap, method: 'POST',
  body: { email: `dashboard-bench-${suffix}@example.com`, role: 'viewer' } });
const session = (await call('/api/v1/invitations/accept', { method: 'POST',
  body: { token: invited.body.token, name: 'Dashboard bench', password: PASSWORD } })).session;

// AnalyticsLoad's traffic: 56 days from Monday 2026-09-07
const FIRST_DAY = '2026-09-07';
function lastDay(days) {
  const d = new Date(`${FIRST_DAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days - 1);
  return d.toISOString().slice(0, 10);
}
const TILES = {
  'funnel': { kind: 'funnel', steps: ['App Opened', 'Viewed Product', 'Purchased'], windowHours: 24 },
  'retention': { kind: 'retention', start: 'App Opened', returnEvent: 'App Opened', interval: 'week', periods: 8 },
  'active-users': { kind: 'active-users' },
  'buyers': { kind: 'trends', series: [{ event: 'Purchased', aggregation: 'unique_users' }] },
  'revenue': { kind: 'trends', series: [{ event: 'Purchased', aggregation: 'sum', property: 'amount' }],
    breakdown: 'plan', interval: 'week', display: 'bar' },
  'paths': { kind: 'paths', pathStart: 'App Opened', pathSteps: 5 },
  'lifecycle': { kind: 'lifecycle', interval: 'week' },
  'stickiness': { kind: 'stickiness' },
};

/** 8 saved insights over the first `days` days, and a dashboard of them. */
async function dashboard(days) {
  const key = `bench-${suffix}-${days}`;
  for (const [name, question] of Object.entries(TILES)) {
    await call(`/api/v1/projects/${project}/insights/${key}-${name}`, { key: admin, method: 'PUT', body: {
      name: `${name} (${days} days)`, environment: ENVIRONMENT,
      queryJson: JSON.stringify({ ...question, preset: 'custom', from: FIRST_DAY, to: lastDay(days) }) } });
  }
  await call(`/api/v1/projects/${project}/dashboards/${key}`, { key: admin, method: 'PUT', body: {
    name: `Bench ${days} days`, tiles: Object.keys(TILES).map((name, i) => ({ insightKey: `${key}-${name}`,
      width: i === 5 ? 2 : 1 })) } });
  return key;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const url = new URL(gateway);

/** Milliseconds from navigation until every tile's answer is drawn. */
async function open(path, ready) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ name: 'fw_session', value: session, domain: url.hostname, path: '/' }]);
  const page = await context.newPage();
  await page.goto(`${gateway}${path}`, { waitUntil: 'commit' });
  await page.waitForFunction(ready, null, { timeout: 120_000 });
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

const drawn = () => document.querySelector('.board[data-all-drawn=true]') !== null
  && document.querySelectorAll('.board-tile').length === 8
  && [...document.querySelectorAll('.board-tile')].every((t) => t.querySelector('svg, table.heat, .tiles'));
const cold = [];
const warm = [];
function forgetAnswers() {
  execSync(`redis-cli -u ${process.env.FLYWHEEL_REDIS_URL ?? 'redis://127.0.0.1:6379'} --scan --pattern `
    + `'${process.env.FLYWHEEL_REDIS_KEY_PREFIX ?? 'fw:'}gateway:answer:*' | xargs -r redis-cli `
    + `-u ${process.env.FLYWHEEL_REDIS_URL ?? 'redis://127.0.0.1:6379'} del`, { stdio: 'ignore' });
}
for (let run = 0; run < RUNS; run++) {
  const key = await dashboard(56 - run);
  forgetAnswers();
  cold.push(await open(`/console/p/${project}/dashboards/${key}`, drawn));
  warm.push(await open(`/console/p/${project}/dashboards/${key}`, drawn));
  console.log(JSON.stringify({ run, coldMs: Math.round(cold.at(-1)), warmMs: Math.round(warm.at(-1)) }));
}
console.log(JSON.stringify({ dashboard8TilesColdMedianMs: Math.round(median(cold)),
  dashboard8TilesWarmMedianMs: Math.round(median(warm)), runs: RUNS }));

// --- the player: a 30-minute session (a full snapshot, then a mouse move every 100 ms and a click every 10 s) ---
const client = demo[`FLYWHEEL_DEMO_${ENVIRONMENT.toUpperCase()}_CLIENT_KEY`];
const sessionId = `bench-${suffix}`;
const t0 = Date.now() - 40 * 60_000;
const node = (id, tagName, childNodes = [], attributes = {}) => ({ type: 2, id, tagName, attributes, childNodes });
const items = Array.from({ length: 200 }, (_, i) => node(100 + i * 2, 'li', [{ type: 3, id: 101 + i * 2,
  textContent: `Product ${i}` }]));
const snapshot = { type: 2, timestamp: t0 + 5, data: { initialOffset: { top: 0, left: 0 }, node: { type: 0, id: 1,
  childNodes: [{ type: 1, id: 2, name: 'html', publicId: '', systemId: '' }, node(3, 'html', [
    node(4, 'head', [node(5, 'style', [], { _cssText: 'li { padding: 4px; color: rgb(30, 40, 50); }' })]),
    node(6, 'body', [node(7, 'h1', [{ type: 3, id: 8, textContent: 'Catalogue' }]), node(9, 'ul', items)])])] } } };
const events = [{ type: 4, timestamp: t0, data: { href: 'https://shop.example/catalogue', width: 1280, height: 800 } },
  snapshot];
for (let t = 100; t <= 30 * 60_000; t += 100) {
  events.push(t % 10_000 === 0
    ? { type: 3, timestamp: t0 + t, data: { source: 2, type: 2, id: 100, x: 50, y: 80 } }
    : { type: 3, timestamp: t0 + t, data: { source: 1, positions: [{ x: (t / 100) % 1280, y: 300, id: 6,
      timeOffset: 0 }] } });
}
// sent as the SDK does: chunks of 1,000 events
for (let sequence = 0; sequence * 1000 < events.length; sequence++) {
  const response = await fetch(`${gateway}/api/v1/recordings`, { method: 'POST', headers: {
    'Content-Type': 'application/json', 'Content-Encoding': 'gzip', Authorization: `Bearer ${client}` },
  body: gzipSync(JSON.stringify({ sessionId, windowId: 'window-0001', sequence, distinctId: 'bench-viewer',
    events: events.slice(sequence * 1000, (sequence + 1) * 1000) })) });
  if (!response.ok) throw new Error(`chunk ${sequence}: ${response.status} ${await response.text()}`);
}
const firstFrame = [];
const player = `/console/player.html?p=${project}&e=${ENVIRONMENT}&s=${sessionId}`;
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'fw_session', value: session, domain: url.hostname, path: '/' }]);
  const page = await context.newPage();
  await page.goto(`${gateway}${player}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.body.dataset.firstFrameAt, null, { timeout: 60_000 });
  // from navigation to the first full snapshot rebuilt (the player's performance.now() then)
  const mark = await page.evaluate(() => Number(document.body.dataset.firstFrameAt));
  firstFrame.push(mark);
  await context.close();
  console.log(JSON.stringify({ run, playerFirstFrameMs: Math.round(mark) }));
}
console.log(JSON.stringify({ playerFirstFrameMedianMs: Math.round(median(firstFrame)), events: events.length,
  minutes: 30, runs: RUNS }));
await browser.close();

// Recording ingest and reads against a running platform (./flywheel up):
//   node run.mjs     ingest closed-loop (MB/s, chunks/s) and open-loop at 5 MB/s (acknowledgement p50/p99),
//                    the first replay byte of a 30-minute session, a heatmap over 1M clicks
// Prints JSON lines; medians over RUNS runs (default 3).
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';

import { benchProject, call, gateway, median, percentile } from './common.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
// PARTS=ingest,replay,heatmap (default: all)
const PARTS = new Set((process.env.PARTS ?? 'ingest,replay,heatmap').split(','));
const SECONDS = Number(process.env.SECONDS ?? 15);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
// events per chunk: 500 is ~5 s of a busy page (~16 KB gzip); 1,500 is near the SDK's size bound (~48 KB)
const EVENTS = Number(process.env.EVENTS ?? 500);
const { project, admin, client } = await benchProject('recordings-bench');

// --- chunk bodies: rrweb-like incremental events (pointer moves, mutations with text), ~5 s of a busy page. Each
// body is gzip members back to back (the ids, the precompressed events, the end): valid gzip, cheap to vary. ---
const WORDS = 'account basket checkout delivery email flywheel growth history invoice journey kit lead metric'
  .split(' ');
function events(seed, start) {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const list = [];
  for (let i = 0; i < EVENTS; i++) {
    const at = start + i * 10;
    if (i % 3 === 0) {
      list.push({ type: 3, timestamp: at, data: { source: 0, texts: [], attributes: [], removes: [], adds: [
        { parentId: Math.floor(random() * 500), nextId: null, node: { type: 2, tagName: 'li', attributes: {
          class: `row-${Math.floor(random() * 50)}` }, childNodes: [], id: 1000 + i } },
        { parentId: 1000 + i, nextId: null, node: { type: 3, textContent: Array.from({ length: 8 }, () =>
          WORDS[Math.floor(random() * WORDS.length)]).join(' '), id: 100000 + i } }] } });
    } else {
      list.push({ type: 3, timestamp: at, data: { source: 1, positions: Array.from({ length: 4 }, (_, k) => ({
        x: Math.floor(random() * 1280), y: Math.floor(random() * 800), id: 12, timeOffset: -k * 20 })) } });
    }
  }
  return JSON.stringify(list).slice(1, -1);
}
const NOW = Date.now() - 60_000;
const PAYLOADS = Array.from({ length: 64 }, (_, i) => gzipSync(events(i + 1, NOW)));
const END = gzipSync(']}');
let bodyBytes = 0;
function body(session, sequence) {
  const head = gzipSync(`{"sessionId":"${session}","windowId":"bench-window","sequence":${sequence},`
    + `"distinctId":"${session}","events":[`);
  const chunk = Buffer.concat([head, PAYLOADS[(sequence + session.length) % PAYLOADS.length], END]);
  bodyBytes = chunk.length;
  return chunk;
}
async function put(session, sequence) {
  const payload = body(session, sequence);
  const started = performance.now();
  const response = await fetch(`${gateway}/api/v1/recordings`, { method: 'POST', body: payload, headers: {
    Authorization: `Bearer ${client}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`chunk refused: ${response.status}`);
  return { ms: performance.now() - started, bytes: payload.length };
}
body('bench-size-probe', 0);
console.log(JSON.stringify({ chunk: { compressedBytes: bodyBytes, events: EVENTS } }));

if (PARTS.has('ingest')) {
// --- closed loop: CONCURRENCY senders, each its own sessions of 12 chunks (a minute at 5 s a chunk) ---
const closed = [];
for (let run = 0; run < RUNS; run++) {
  const until = performance.now() + SECONDS * 1000;
  let bytes = 0;
  let chunks = 0;
  const latencies = [];
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    for (let n = 0; performance.now() < until; n++) {
      const { ms, bytes: sent } = await put(`closed-${run}-${worker}-${Math.floor(n / 12)}`, n % 12);
      bytes += sent;
      chunks++;
      latencies.push(ms);
    }
  }));
  const result = { mbPerSecond: bytes / 1e6 / SECONDS, chunksPerSecond: chunks / SECONDS,
    sessionsPerSecond: chunks / 12 / SECONDS, p50: median(latencies), p99: percentile(latencies, 99) };
  closed.push(result);
  console.log(JSON.stringify({ closedLoop: result }));
}
console.log(JSON.stringify({ closedLoopMedian: { mbPerSecond: median(closed.map((r) => r.mbPerSecond)),
  chunksPerSecond: median(closed.map((r) => r.chunksPerSecond)),
  sessionsPerSecond: median(closed.map((r) => r.sessionsPerSecond)), p99: median(closed.map((r) => r.p99)) } }));

// --- open loop at 5 MB/s: requests on a fixed schedule whatever the answers' latency ---
const open = [];
for (let run = 0; run < RUNS; run++) {
  const perSecond = 5e6 / bodyBytes;
  const total = Math.round(perSecond * SECONDS);
  const started = performance.now();
  const latencies = [];
  await Promise.all(Array.from({ length: total }, async (_, i) => {
    const due = started + (i * 1000) / perSecond;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    const { ms } = await put(`open-${run}-${Math.floor(i / 12)}`, i % 12);
    latencies.push(ms);
  }));
  const result = { targetMbPerSecond: 5, chunksPerSecond: perSecond, p50: median(latencies),
    p99: percentile(latencies, 99) };
  open.push(result);
  console.log(JSON.stringify({ openLoop: result }));
}
console.log(JSON.stringify({ openLoopMedian: { p50: median(open.map((r) => r.p50)),
  p99: median(open.map((r) => r.p99)) } }));

}

const base = `/api/v1/projects/${project}/environments/production`;
if (PARTS.has('replay')) {
// --- the first replay byte of a 30-minute session (360 chunks of 5 s) ---
const long = 'thirty-minute-session';
for (let batch = 0; batch < 360; batch += 24) {
  await Promise.all(Array.from({ length: 24 }, (_, i) => put(long, batch + i)));
}
const firstByte = [];
let replayed = 0;
for (let run = 0; run < Math.max(RUNS, 7); run++) {
  const started = performance.now();
  const response = await fetch(`${gateway}${base}/recordings/${long}/replay`, { headers: {
    Authorization: `Bearer ${admin}`, 'Accept-Encoding': 'gzip' } });
  const reader = response.body.getReader();
  await reader.read();
  firstByte.push(performance.now() - started);
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    // drain
  }
  replayed = (await call(`${base}/recordings/${long}`, { key: admin })).chunks;
}
console.log(JSON.stringify({ replayFirstByteMs: { median: median(firstByte), runs: firstByte, chunks: replayed } }));

}

if (PARTS.has('heatmap')) {
// --- a heatmap over 1M clicks, sent as the SDK sends them (events through the gateway and Kafka to the
// aggregator, which adds them to its rollups), then queried. Clicks land on a page's 40 elements (95%, anywhere in
// the element's box) or anywhere on the page (5%), from 5 desktop widths, over the past two days. ---
const page = 'https://bench.example/pricing';
const CLICKS = Number(process.env.CLICKS ?? 1_000_000);
let state = 7;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
const elements = Array.from({ length: 40 }, (_, i) => ({ selector: `#el-${i}`, x: random() * 0.9, y: Math.floor(
  random() * 2800), w: 0.04 + random() * 0.08, h: 24 + Math.floor(random() * 40) }));
function click(n) {
  const element = elements[n % elements.length];
  const anywhere = n % 20 === 19;
  return { type: 'track', event: '$heatmap_click', anonymousId: `p${n % 20000}`,
    timestamp: new Date(Date.now() - Math.floor(random() * 2 * 86_400_000)).toISOString(),
    context: { page: { url: `${page}?utm=${n % 7}` } },
    properties: anywhere
      ? { x: random(), y: Math.floor(random() * 3000), viewportWidth: 1280 + (n % 5) * 40 }
      : { x: element.x + random() * element.w, y: element.y + Math.floor(random() * element.h),
        selector: element.selector, viewportWidth: 1280 + (n % 5) * 40, rage: n % 50 === 0 } };
}
const BATCH = 1000;
const sendStarted = performance.now();
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  while (next < CLICKS) {
    const from = next;
    next += BATCH;
    const batch = Array.from({ length: Math.min(BATCH, CLICKS - from) }, (_, i) => click(from + i));
    const response = await fetch(`${gateway}/v1/batch`, { method: 'POST', headers: { 'Content-Type':
      'application/json', Authorization: `Basic ${Buffer.from(`${client}:`).toString('base64')}` },
    body: JSON.stringify({ batch }) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`batch refused: ${response.status}`);
  }
}));
const acceptedSeconds = (performance.now() - sendStarted) / 1000;
const query = `/api/v1/projects/${project}/environments/production/heatmaps?url=${encodeURIComponent(page)}`;
for (let stored = 0; stored < CLICKS;) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  stored = (await call(query, { key: admin })).total;
  if (performance.now() - sendStarted > 900_000) throw new Error(`only ${stored} clicks stored after 15 minutes`);
}
const storedSeconds = (performance.now() - sendStarted) / 1000;
console.log(JSON.stringify({ heatmapClicks: { clicks: CLICKS, acceptedPerSecond: Math.round(CLICKS /
  acceptedSeconds), storedPerSecond: Math.round(CLICKS / storedSeconds) } }));
const [cells, elementRows] = execFileSync('psql', ['-h', process.env.FLYWHEEL_DB_HOST ?? '127.0.0.1', '-U', 'postgres', '-d',
  process.env.FLYWHEEL_DB_NAME ?? 'flywheel', '-At', '-c', `SELECT (SELECT count(*) FROM
  metrics_aggregator.heatmap_cell_daily WHERE project_id = '${project}') || ' ' || (SELECT count(*) FROM
  metrics_aggregator.heatmap_element_daily WHERE project_id = '${project}')`]).toString().trim().split(' ');
const heatmapMs = [];
let total = 0;
for (let run = 0; run < Math.max(RUNS, 7); run++) {
  const started = performance.now();
  const heatmap = await call(`${query}&minWidth=1024&maxWidth=1600`, { key: admin });
  heatmapMs.push(performance.now() - started);
  total = heatmap.total;
}
console.log(JSON.stringify({ heatmap1MClicksMs: { median: median(heatmapMs), runs: heatmapMs, total,
  rollupCells: Number(cells), rollupElements: Number(elementRows) } }));
}

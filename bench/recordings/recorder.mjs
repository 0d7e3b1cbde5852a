// The recorder in Chromium against a running platform (./flywheel up): a demo page (a form, a list that grows, a
// ticking counter) driven for SECONDS with typing, clicks and scrolling, with and without recording, alternating.
//   node recorder.mjs    main-thread time (CDP TaskDuration) with and without the recorder; bytes sent per minute
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

import { chromium } from 'playwright-core';

import { benchProject, gateway, median } from './common.mjs';

const RUNS = Number(process.env.RUNS ?? 3);
const SECONDS = Number(process.env.SECONDS ?? 30);
const version = JSON.parse(readFileSync(new URL('../../sdks/browser/package.json', import.meta.url))).version;
const script = `${gateway}/sdk/browser/v${version}/flywheel.min.js`;
const integrity = (await (await fetch(`${script}.json`)).json()).integrity;

const page = (config) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo</title>
<script src="${script}" integrity="${integrity}" crossorigin="anonymous"></script>
<style>body{font:16px sans-serif} #list li{padding:2px} .tall{height:1800px}</style></head><body>
<h1>Demo shop</h1><form><label>Name <input id="name"></label> <label>Password <input id="password" type="password">
</label> <button id="buy" type="button">Buy</button></form><p>Tick <span id="tick">0</span></p><ul id="list"></ul>
<div class="tall"></div>
<script>
flywheel.init(${JSON.stringify(config)}); flywheel.page();
let n = 0; setInterval(() => { document.getElementById('tick').textContent = String(++n);
  if (n % 5 === 0) { const li = document.createElement('li'); li.textContent = 'Order ' + n + ' placed by a customer';
    document.getElementById('list').prepend(li); } }, 200);
</script></body></html>`;

const { client } = await benchProject('recorder-bench', ['*']);
const server = createServer((request, response) => {
  const recording = request.url.includes('recording=1');
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  response.end(page({ writeKey: client, host: gateway, flushIntervalMs: 1000,
    ...(recording ? { recording: { minimumDurationMs: 0 } } : {}) }));
}).listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function session(recording) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const tab = await context.newPage();
  let sent = 0;
  tab.on('request', (r) => {
    if (r.url().endsWith('/api/v1/recordings') && r.method() === 'POST') {
      sent += r.postDataBuffer()?.length ?? 0;
    }
  });
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Performance.enable');
  await tab.goto(`${origin}/?recording=${recording ? 1 : 0}`);
  await tab.waitForFunction(() => window.flywheel && !Array.isArray(window.flywheel));
  if (recording) {
    await tab.waitForTimeout(1500); // the module arrives and takes its first snapshot before the clock starts
  }
  const metric = async (name) => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === name).value;
  const busyBefore = await metric('TaskDuration');
  const started = Date.now();
  const sentBefore = sent;
  for (let second = 0; Date.now() - started < SECONDS * 1000; second++) {
    await tab.fill('#name', `Customer number ${second}`);
    await tab.click('#buy');
    await tab.mouse.move(100 + (second * 37) % 900, 200 + (second * 53) % 400, { steps: 10 });
    await tab.mouse.wheel(0, second % 2 ? 300 : -300);
    await tab.waitForTimeout(400);
  }
  const elapsed = (Date.now() - started) / 1000;
  const busy = (await metric('TaskDuration')) - busyBefore;
  await tab.evaluate(() => window.dispatchEvent(new Event('pagehide')));
  await tab.waitForTimeout(1500);
  await context.close();
  return { elapsed, busy, bytesPerMinute: (sent - sentBefore) / elapsed * 60 };
}

const rows = [];
for (let run = 0; run < RUNS; run++) {
  const without = await session(false);
  const withRecording = await session(true);
  const row = { busyWithoutMs: without.busy * 1000, busyWithMs: withRecording.busy * 1000,
    overheadShareOfMainThread: (withRecording.busy / withRecording.elapsed) - (without.busy / without.elapsed),
    bytesPerRecordedMinute: withRecording.bytesPerMinute };
  rows.push(row);
  console.log(JSON.stringify({ recorder: row }));
}
console.log(JSON.stringify({ recorderMedian: {
  overheadShareOfMainThread: median(rows.map((r) => r.overheadShareOfMainThread)),
  busyWithoutMs: median(rows.map((r) => r.busyWithoutMs)), busyWithMs: median(rows.map((r) => r.busyWithMs)),
  bytesPerRecordedMinute: median(rows.map((r) => r.bytesPerRecordedMinute)), seconds: SECONDS } }));
await browser.close();
server.close();

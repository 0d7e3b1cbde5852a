// The browser SDK's costs in Debian's Chromium (playwright-core drives /usr/bin/chromium; nothing is downloaded),
// against the platform ./flywheel up started (its demo production client key, whose project allows any origin):
//   - main-thread time per track() call and per autocaptured click (Performance API, in the page),
//   - events per second one page delivers to the gateway (track N, time until the queue is empty).
// Each figure is the median of RUNS fresh pages. Usage: node run.mjs [runs]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';

const RUNS = Number(process.argv[2] ?? 5);
const env = Object.fromEntries(readFileSync(new URL('../../.flywheel/demo.env', import.meta.url), 'utf8')
  .split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')),
    l.slice(l.indexOf('=') + 1)]));
const gateway = env.FLYWHEEL_GATEWAY_URL;
const key = env.FLYWHEEL_DEMO_PRODUCTION_CLIENT_KEY;
const { version } = JSON.parse(readFileSync(new URL('../../sdks/browser/package.json', import.meta.url), 'utf8'));

const page = (config) => `<!doctype html><html><head><meta charset="utf-8"></head><body>
<button id="b">Buy</button><div id="out"></div>
<script src="${gateway}/sdk/browser/v${version}/flywheel.min.js"></script>
<script>flywheel.init(${JSON.stringify({ writeKey: key, host: gateway, flags: false, experiments: false, ...config })});</script>
</body></html>`;

const server = createServer((req, res) => {
  const config = JSON.parse(decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('c') ?? '{}'));
  res.writeHead(200, { 'Content-Type': 'text/html' }).end(page(config));
}).listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'] });

async function fresh(config) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`${origin}/?c=${encodeURIComponent(JSON.stringify(config))}`);
  await tab.waitForFunction(() => window.flywheel && !Array.isArray(window.flywheel));
  return { tab, close: () => context.close() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function trackCost() {
  const { tab, close } = await fresh({ maxQueuedEvents: 100000, flushIntervalMs: 60000 });
  const micros = await tab.evaluate(() => {
    for (let i = 0; i < 200; i++) flywheel.track('Warm Up', { i }); // JIT, storage
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) flywheel.track('Bench Event', { i, plan: 'pro', sku: 'S-' + i });
    return (performance.now() - t0) * 1000 / n;
  });
  await close();
  return micros;
}

/**
 * One track() per task, as a page calls it from its handlers; beside it, in the same tasks, the least any SDK does
 * for an event (an id, a time, the page's URL, the JSON), whose cost here is mostly that of code run cold.
 */
async function spacedTrackCost() {
  const { tab, close } = await fresh({ maxQueuedEvents: 100000, flushIntervalMs: 60000 });
  const micros = await tab.evaluate(async () => {
    const n = 500;
    let sdk = 0;
    let least = 0;
    for (let i = 0; i < n; i++) {
      let t0 = performance.now();
      if (i % 2 === 0) {
        flywheel.track('Bench Event', { i, plan: 'pro', sku: 'S-' + i });
        sdk += performance.now() - t0;
      } else {
        JSON.stringify({ type: 'track', event: 'Bench Event', messageId: crypto.randomUUID(),
          timestamp: new Date().toISOString(), properties: { i, plan: 'pro', sku: 'S-' + i },
          context: { page: { url: location.href, title: document.title } } });
        least += performance.now() - t0;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    return [sdk * 1000 / (n / 2), least * 1000 / (n / 2)];
  });
  await close();
  return micros;
}

async function clickCost(autocapture) {
  const { tab, close } = await fresh({ autocapture, maxQueuedEvents: 100000, flushIntervalMs: 60000 });
  const micros = await tab.evaluate(async () => {
    const button = document.getElementById('b');
    const n = 500;
    let total = 0;
    for (let i = 0; i < n; i++) {
      // a person's clicks: spaced out and apart, so no rage-click burst; dead-click watches included
      const click = new MouseEvent('click', { bubbles: true, cancelable: true, clientX: (i * 97) % 1000,
        clientY: (i * 53) % 700 });
      const t0 = performance.now();
      button.dispatchEvent(click);
      total += performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
    return total * 1000 / n;
  });
  await close();
  return micros;
}

async function deliveryRate(events, batch) {
  // from the first track() until the queue is empty: the page's main-thread work and the deliveries together
  const { tab, close } = await fresh({ maxQueuedEvents: 100000, maxBatchEvents: batch, flushIntervalMs: 50 });
  const rate = await tab.evaluate(async ({ events }) => {
    await flywheel.flush();
    const t0 = performance.now();
    for (let i = 0; i < events; i++) flywheel.track('Delivery Bench', { i, plan: 'pro' });
    while (flywheel.queued() > 0) await new Promise((r) => setTimeout(r, 2));
    return events / ((performance.now() - t0) / 1000);
  }, { events });
  await close();
  return rate;
}

const results = { track: [], trackSpaced: [], leastSpaced: [], clickOn: [], clickOff: [], rate100: [], rate500: [] };
for (let run = 0; run < RUNS; run++) {
  results.track.push(await trackCost());
  const [spaced, least] = await spacedTrackCost();
  results.trackSpaced.push(spaced);
  results.leastSpaced.push(least);
  results.clickOff.push(await clickCost(false));
  results.clickOn.push(await clickCost(true));
  results.rate100.push(await deliveryRate(5000, 100));
  results.rate500.push(await deliveryRate(5000, 500));
  console.log(`run ${run + 1}: ${JSON.stringify(Object.fromEntries(Object.entries(results)
    .map(([k, v]) => [k, Math.round(v[run] * 10) / 10])))}`);
}
console.log(`medians of ${RUNS}: track() ${median(results.track).toFixed(1)} µs/event in a loop, `
  + `${median(results.trackSpaced).toFixed(1)} µs one per task (the least an event needs, cold: `
  + `${median(results.leastSpaced).toFixed(1)} µs); click ${median(results.clickOff)
  .toFixed(1)} µs without autocapture, ${median(results.clickOn).toFixed(1)} µs with (autocapture's share `
  + `${(median(results.clickOn) - median(results.clickOff)).toFixed(1)} µs); delivery ${Math.round(median(results.rate100))}`
  + ` events/s in batches of 100, ${Math.round(median(results.rate500))} in batches of 500`);
await browser.close();
server.close();

// Unmodified @growthbook/growthbook against Flywheel's GrowthBook endpoints (GATEWAY_URL, key FLYWHEEL_KEY).
// Usage:
//   node growthbook-features.mjs assign < {"users": [{attributes}...], "features": ["key", ...]}
//     Loads /api/features/<key>, evaluates every feature for every user and prints one JSON line:
//     {"answers": [[[inExperiment, variationId, value, source], ...per feature], ...per user],
//      "exposures": [[userIndex, experimentKey, variationId, variationKey, hashAttribute, hashValue, bucket], ...]}
//     (exposures are what the trackingCallback was told, once per user and experiment, as GrowthBook tracks them)
//   node growthbook-features.mjs stream <feature>
//     Streams updates (/sub/<key>, server-sent events), prints {"event": "ready", "rules": n} and then
//     {"event": "changed"} as soon as the feature's payload changes (the test changes it after the first line).
import { GrowthBook, setPolyfills } from '@growthbook/growthbook';
import { EventSource } from 'eventsource';

setPolyfills({ EventSource });
const [mode, watched] = process.argv.slice(2);
const apiHost = process.env.GATEWAY_URL;
const clientKey = process.env.FLYWHEEL_KEY;

if (mode === 'assign') {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { users, features } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const exposures = [];
  let current = -1;
  const gb = new GrowthBook({
    apiHost, clientKey,
    trackingCallback: (experiment, result) => exposures.push([current, experiment.key, result.variationId,
      result.key, result.hashAttribute, result.hashValue, result.bucket]),
  });
  const loaded = await gb.init({ timeout: 10_000 });
  if (!loaded.success) throw new Error(`features not loaded: ${loaded.error}`);
  const answers = [];
  for (let u = 0; u < users.length; u++) {
    current = u;
    await gb.setAttributes(users[u]);
    answers.push(features.map((key) => {
      const result = gb.evalFeature(key);
      const experiment = result.experimentResult;
      return [experiment ? experiment.inExperiment : false, experiment ? experiment.variationId : null,
        result.value, result.source];
    }));
  }
  gb.destroy();
  process.stdout.write(JSON.stringify({ answers, exposures }) + '\n', () => process.exit(0));
} else if (mode === 'stream') {
  const gb = new GrowthBook({ apiHost, clientKey });
  const loaded = await gb.init({ timeout: 10_000, streaming: true });
  if (!loaded.success) throw new Error(`features not loaded: ${loaded.error}`);
  const initial = JSON.stringify(gb.getFeatures()[watched]);
  console.log(JSON.stringify({ event: 'ready', rules: (gb.getFeatures()[watched]?.rules || []).length }));
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (JSON.stringify(gb.getFeatures()[watched]) !== initial) {
      console.log(JSON.stringify({ event: 'changed' }));
      gb.destroy();
      process.exit(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  console.log(JSON.stringify({ event: 'timeout' }));
  process.exit(1);
} else {
  throw new Error(`unknown mode ${mode}`);
}

// Sends one of each Segment call with a real analytics library, configured only with Flywheel's host and a key.
// Usage: node send-events.mjs <segment|rudder> <gatewayUrl> <writeKey> <runId>
// Prints the number of events handed to the library; exits non-zero if the library reported a delivery error.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [library, host, writeKey, runId] = process.argv.slice(2);
const user = `user-${runId}`;
const anon = `anon-${runId}`;
const calls = [
  ['identify', { userId: user, anonymousId: anon, traits: { plan: 'pro', runId } }],
  ['track', { userId: user, event: 'Signed Up', properties: { runId, step: 1 } }],
  ['track', { userId: user, event: 'Order Completed', properties: { runId, revenue: 42.5 } }],
  ['page', { userId: user, name: 'Pricing', properties: { runId } }],
  ['screen', { userId: user, name: 'Home', properties: { runId } }],
  ['group', { userId: user, groupId: `group-${runId}`, traits: { runId } }],
  ['alias', { userId: user, previousId: `old-${runId}` }],
];

let failed = false;
if (library === 'segment') {
  const { Analytics } = require('@segment/analytics-node');
  const analytics = new Analytics({ writeKey, host, maxEventsInBatch: 5, flushInterval: 200 });
  analytics.on('error', (err) => { failed = true; console.error('segment error', err); });
  for (const [call, message] of calls) analytics[call](message);
  await analytics.closeAndFlush({ timeout: 20000 });
} else if (library === 'rudder') {
  const Analytics = require('@rudderstack/rudder-sdk-node');
  const client = new Analytics(writeKey, {
    dataPlaneUrl: host, flushAt: 5, flushInterval: 200, logLevel: 'error',
    errorHandler: (err) => { failed = true; console.error('rudder error', err.message); },
  });
  for (const [call, message] of calls) client[call](message);
  await client.flush();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await client.flush();
} else {
  console.error(`unknown library ${library}`);
  process.exit(2);
}
console.log(calls.length);
process.exit(failed ? 1 : 0);

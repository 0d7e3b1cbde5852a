// Evaluates Flywheel flags with an unmodified OpenFeature provider, then reports how soon a changed flag is seen.
// Usage: node evaluate-flags.mjs flagd|flagd-in-process|ofrep <watched flag key>
//   flagd: @openfeature/flagd-provider (gRPC, evaluation v2) to FLAGD_HOST:FLAGD_PORT, server key as the selector.
//   flagd-in-process: the same provider syncing the whole document (flagd.sync.v1) and evaluating it locally.
//   ofrep: @openfeature/ofrep-provider to GATEWAY_URL, client key as a bearer token.
// Prints one JSON line with every evaluation, then one when the watched flag's value changes (the test makes the
// change after reading the first line).
import { OpenFeature } from '@openfeature/server-sdk';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OFREPProvider } from '@openfeature/ofrep-provider';

const [mode, watched] = process.argv.slice(2);
const key = process.env.FLYWHEEL_KEY;

const provider = mode.startsWith('flagd')
  ? new FlagdProvider({ host: process.env.FLAGD_HOST, port: Number(process.env.FLAGD_PORT), tls: false,
      selector: `flagSetId=${key}`, resolverType: mode === 'flagd-in-process' ? 'in-process' : 'rpc' })
  : new OFREPProvider({ baseUrl: process.env.GATEWAY_URL, headers: [['Authorization', `Bearer ${key}`]] });

await OpenFeature.setProviderAndWait(provider);
const client = OpenFeature.getClient();

const staff = { targetingKey: 'user-1', email: 'ada@flywheel.dev', plan: 'pro' };
const details = (d) => ({ value: d.value, variant: d.variant, reason: d.reason, errorCode: d.errorCode });
const results = {
  'new-checkout': details(await client.getBooleanDetails('new-checkout', false)),
  greeting: details(await client.getStringDetails('greeting', 'fallback', staff)),
  'page-size': details(await client.getNumberDetails('page-size', 1, staff)),
  discount: details(await client.getNumberDetails('discount', 0)),
  theme: details(await client.getObjectDetails('theme', {})),
  'fractional-flag': details(await client.getStringDetails('fractional-flag', 'fallback', { user: { name: 'queen' } })),
  'switched-off': details(await client.getBooleanDetails('switched-off', true)),
  'no-such-flag': details(await client.getBooleanDetails('no-such-flag', false)),
  'bad-operator': details(await client.getNumberDetails('bad-operator', 7)),
  'greeting-as-boolean': details(await client.getBooleanDetails('greeting', false)),
};
console.log(JSON.stringify({ event: 'ready', results }));

const initial = await client.getBooleanValue(watched, false);
const deadline = Date.now() + 10_000;
while (Date.now() < deadline) {
  const value = await client.getBooleanValue(watched, initial);
  if (value !== initial) {
    console.log(JSON.stringify({ event: 'changed', value }));
    await OpenFeature.close();
    process.exit(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
console.log(JSON.stringify({ event: 'timeout' }));
await OpenFeature.close();
process.exit(1);

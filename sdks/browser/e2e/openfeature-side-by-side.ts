// For the e2e suite only (never published): OpenFeature's own web SDK with its OFREP provider, so a page can read the
// same flags through it and through Flywheel's SDK, side by side.
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature } from '@openfeature/web-sdk';

type Defaults = Record<string, boolean | string | number>;

async function openFeatureValues(host: string, clientKey: string, context: Record<string, unknown>,
  defaults: Defaults): Promise<Record<string, unknown>> {
  await OpenFeature.setContext(context as never);
  await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl: host,
    headers: [['Authorization', `Bearer ${clientKey}`]], pollInterval: 0 }));
  const client = OpenFeature.getClient();
  const values: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    values[key] = typeof fallback === 'boolean' ? client.getBooleanValue(key, fallback)
      : typeof fallback === 'number' ? client.getNumberValue(key, fallback) : client.getStringValue(key, fallback);
  }
  return values;
}

(window as unknown as { openFeatureValues: typeof openFeatureValues }).openFeatureValues = openFeatureValues;

import { beforeEach, describe, expect, it, vi } from 'vitest';

import { Flywheel } from '../src/client';

interface Call {
  url: string;
  body: Record<string, unknown>;
  keepalive: boolean;
}

/** A gateway assigning by the visitor's id, and recording the exposure tokens it is sent. */
function gateway(variationFor: (id: string) => string) {
  const calls: Call[] = [];
  let exposuresStatus = 200;
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    calls.push({ url: String(url), body, keepalive: init?.keepalive === true });
    if (String(url).endsWith('/api/v1/assign')) {
      const id = String(body.attributes.id);
      const variation = variationFor(id);
      return new Response(JSON.stringify({ assignments: [
        { experimentKey: 'checkout', inExperiment: true, variationKey: variation, variationIndex: variation === 'control' ? 0 : 1,
          value: variation === 'control' ? 'blue' : 'green', exposureToken: `token-${id}-${variation}` },
        { experimentKey: 'released', inExperiment: false, variationKey: 'winner', variationIndex: 1, value: 'w' },
      ] }), { status: 200 });
    }
    if (String(url).endsWith('/api/v1/exposures')) {
      return new Response(JSON.stringify({ accepted: (body.exposureTokens as string[]).length }),
        { status: exposuresStatus });
    }
    return new Response(JSON.stringify({ flags: [] }), { status: 200 });
  });
  const exposures = () => calls.filter((c) => c.url.endsWith('/api/v1/exposures'))
    .flatMap((c) => c.body.exposureTokens as string[]);
  return { calls, fetcher, exposures, failExposures: (status: number) => { exposuresStatus = status; } };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('experiments', () => {
  beforeEach(() => {
    window.localStorage.clear();
    document.cookie.split(';').forEach((c) => {
      document.cookie = `${c.split('=')[0].trim()}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`;
    });
  });

  it('assigns with deferred exposures and records an exposure only when a variation is read, once', async () => {
    const { calls, fetcher, exposures } = gateway(() => 'treatment');
    const flywheel = new Flywheel({ writeKey: 'fw_client_expkey01', host: 'https://gw.example', flags: false,
      fetch: fetcher as typeof fetch });
    expect(flywheel.getVariation('checkout')).toBeUndefined();
    await flywheel.reloadExperiments();
    const assign = calls.find((c) => c.url.endsWith('/api/v1/assign'))!;
    expect(assign.body.deferExposures).toBe(true);
    expect(assign.body.attributes).toMatchObject({ id: flywheel.anonymousId(), deviceId: flywheel.anonymousId() });
    await settle();
    expect(exposures()).toEqual([]);

    const seen = flywheel.getVariation('checkout');
    expect(seen).toEqual({ experimentKey: 'checkout', inExperiment: true, variationKey: 'treatment', variationIndex: 1,
      value: 'green' });
    flywheel.getVariation('checkout');
    flywheel.getVariation('released');
    await settle();
    expect(exposures()).toEqual([`token-${flywheel.anonymousId()}-treatment`]);

    // the next page view starts from the cache and does not record the same exposure again
    const next = new Flywheel({ writeKey: 'fw_client_expkey01', host: 'https://gw.example', flags: false,
      fetch: fetcher as typeof fetch });
    expect(next.getVariation('checkout')?.variationKey).toBe('treatment');
    await next.reloadExperiments();
    next.getVariation('checkout');
    await settle();
    expect(exposures()).toHaveLength(1);
  });

  it('assigns again when the visitor signs in, tells listeners, and exposes the new variation', async () => {
    const { fetcher, exposures } = gateway((id) => (id === 'user-7' ? 'control' : 'treatment'));
    const flywheel = new Flywheel({ writeKey: 'fw_client_expkey02', host: 'https://gw.example', flags: false,
      fetch: fetcher as typeof fetch });
    await flywheel.reloadExperiments();
    flywheel.getVariation('checkout');
    const changed: string[][] = [];
    flywheel.onExperimentsChange((keys) => changed.push(keys));
    flywheel.identify('user-7');
    await flywheel.reloadExperiments();
    expect(changed).toEqual([['checkout']]);
    expect(flywheel.getVariation('checkout')?.variationKey).toBe('control');
    await settle();
    expect(exposures()).toEqual([`token-${flywheel.anonymousId()}-treatment`, 'token-user-7-control']);
  });

  it('keeps exposures the gateway could not take and sends them again; never throws', async () => {
    vi.useFakeTimers();
    try {
      const errors: unknown[] = [];
      const { fetcher, exposures, failExposures } = gateway(() => 'treatment');
      failExposures(503);
      const flywheel = new Flywheel({ writeKey: 'fw_client_expkey03', host: 'https://gw.example', flags: false,
        fetch: fetcher as typeof fetch, onError: (error) => errors.push(error) });
      await flywheel.reloadExperiments();
      flywheel.getVariation('checkout');
      await vi.advanceTimersByTimeAsync(10);
      expect(exposures()).toHaveLength(1);
      expect(String(errors[0])).toContain('HTTP 503');
      failExposures(200);
      await vi.advanceTimersByTimeAsync(2000);
      expect(exposures()).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(exposures()).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('assigns nothing before consent in opt-in mode, and nothing when switched off', async () => {
    const { calls, fetcher } = gateway(() => 'treatment');
    const optIn = new Flywheel({ writeKey: 'fw_client_expkey04', host: 'https://gw.example', flags: false,
      consent: 'opt-in', fetch: fetcher as typeof fetch });
    await optIn.reloadExperiments();
    expect(calls).toEqual([]);
    optIn.consent.grant();
    await optIn.reloadExperiments();
    expect(calls.filter((c) => c.url.endsWith('/api/v1/assign'))).toHaveLength(1);
    const off = new Flywheel({ writeKey: 'fw_client_expkey05', host: 'https://gw.example', flags: false,
      experiments: false, fetch: fetcher as typeof fetch });
    await off.reloadExperiments();
    expect(off.getVariation('checkout')).toBeUndefined();
    expect(calls.filter((c) => c.url.endsWith('/api/v1/assign'))).toHaveLength(1);
  });
});

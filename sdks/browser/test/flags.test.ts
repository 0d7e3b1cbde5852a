import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Flywheel } from '../src/client';
import { changes } from '../src/flags';

interface Asked {
  context: Record<string, unknown>;
  headers: Record<string, string>;
}

/** A gateway answering OFREP bulk evaluations: the flags it is given, with an ETag per answer. */
function gateway(flags: (context: Record<string, unknown>) => Array<Record<string, unknown>>) {
  const asked: Asked[] = [];
  let status: number | null = null;
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url).endsWith('/api/v1/assign')) {
      return new Response(JSON.stringify({ assignments: [] }), { status: 200 });
    }
    if (!String(url).endsWith('/ofrep/v1/evaluate/flags')) {
      return new Response(null, { status: 200 });
    }
    const headers = init?.headers as Record<string, string>;
    const { context } = JSON.parse(String(init?.body));
    asked.push({ context, headers });
    if (status !== null) {
      return new Response(null, { status });
    }
    const body = JSON.stringify({ flags: flags(context) });
    const etag = `"${body.length}-${JSON.stringify(context).length}"`;
    if (headers['If-None-Match'] === etag) {
      return new Response(null, { status: 304, headers: { ETag: etag } });
    }
    return new Response(body, { status: 200, headers: { ETag: etag } });
  });
  return { asked, fetcher, fail: (s: number | null) => { status = s; } };
}

const BETA_FOR_PRO = (context: Record<string, unknown>) => [
  { key: 'beta', value: context.plan === 'pro', variant: context.plan === 'pro' ? 'on' : 'off', reason: 'TARGETING_MATCH' },
  { key: 'banner', value: 'spring', variant: 'spring', reason: 'STATIC' },
  { key: 'broken', errorCode: 'PARSE_ERROR', errorDetails: 'bad rule' },
];

describe('flags', () => {
  beforeEach(() => {
    window.localStorage.clear();
    document.cookie.split(';').forEach((c) => {
      document.cookie = `${c.split('=')[0].trim()}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`;
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('evaluates for the visitor, answers defaults until then, and never fails a read', async () => {
    const { asked, fetcher } = gateway(BETA_FOR_PRO);
    const flywheel = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example', fetch: fetcher as typeof fetch });
    expect(flywheel.getFlag('beta', true)).toBe(true);
    await flywheel.reloadFlags();
    expect(asked[0].headers.Authorization).toBe('Bearer fw_client_flagkey1');
    expect(asked[0].context.targetingKey).toBe(flywheel.anonymousId());
    expect(flywheel.getFlag('beta', true)).toBe(false);
    expect(flywheel.getFlag('banner', 'none')).toBe('spring');
    expect(flywheel.getFlag('banner', 0)).toBe(0);
    expect(flywheel.getFlag('broken', 'fallback')).toBe('fallback');
    expect(flywheel.getFlag('missing', 42)).toBe(42);
    expect(flywheel.flagDetails('beta')?.variant).toBe('off');
  });

  it('re-evaluates when the visitor is identified, and tells listeners what changed', async () => {
    const { asked, fetcher } = gateway(BETA_FOR_PRO);
    const flywheel = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example', fetch: fetcher as typeof fetch });
    await flywheel.reloadFlags();
    const changed: string[][] = [];
    flywheel.onFlagsChange((keys) => changed.push(keys));
    flywheel.identify('user-1', { plan: 'pro' });
    await flywheel.reloadFlags();
    expect(asked.at(-1)?.context).toMatchObject({ targetingKey: 'user-1', plan: 'pro', userId: 'user-1' });
    expect(flywheel.getFlag('beta', false)).toBe(true);
    expect(changed).toEqual([['beta']]);
  });

  it('starts the next page view from the cached answer, then revalidates with its ETag', async () => {
    const first = gateway(BETA_FOR_PRO);
    const page1 = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example', fetch: first.fetcher as typeof fetch });
    await page1.reloadFlags();
    const second = gateway(BETA_FOR_PRO);
    second.fail(503);
    const page2 = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example', fetch: second.fetcher as typeof fetch });
    expect(page2.getFlag('banner', 'none')).toBe('spring');
    await page2.reloadFlags();
    expect(second.asked[0].headers['If-None-Match']).toMatch(/^"/);
    expect(page2.getFlag('banner', 'none')).toBe('spring');
    second.fail(null);
    await page2.reloadFlags();
    expect(page2.getFlag('banner', 'none')).toBe('spring');
  });

  it('revalidates on an interval', async () => {
    vi.useFakeTimers();
    const { asked, fetcher } = gateway(BETA_FOR_PRO);
    const flywheel = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example',
      fetch: fetcher as typeof fetch, flags: { refreshIntervalMs: 10_000 } });
    await flywheel.reloadFlags();
    const before = asked.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(asked.length - before).toBe(3);
  });

  it('asks nothing before consent in opt-in mode, nor when flags are off', async () => {
    const optIn = gateway(BETA_FOR_PRO);
    const waiting = new Flywheel({ writeKey: 'fw_client_flagkey1', host: 'https://gw.example', consent: 'opt-in',
      fetch: optIn.fetcher as typeof fetch });
    await waiting.reloadFlags();
    expect(optIn.asked).toHaveLength(0);
    expect(waiting.getFlag('beta', true)).toBe(true);
    waiting.consent.grant();
    await waiting.reloadFlags();
    expect(optIn.asked).toHaveLength(1);
    const off = gateway(BETA_FOR_PRO);
    const none = new Flywheel({ writeKey: 'fw_client_flagkey2', host: 'https://gw.example', flags: false,
      fetch: off.fetcher as typeof fetch });
    await none.reloadFlags();
    expect(off.asked).toHaveLength(0);
  });

  it.each([
    [{ a: { key: 'a', value: 1 } }, { a: { key: 'a', value: 1 } }, []],
    [{ a: { key: 'a', value: 1 } }, { a: { key: 'a', value: 2 } }, ['a']],
    [{ a: { key: 'a', value: 1 } }, {}, ['a']],
    [{}, { b: { key: 'b', value: true } }, ['b']],
    [{ a: { key: 'a', value: { x: 1 } } }, { a: { key: 'a', value: { x: 1 } } }, []],
  ])('changes(%j, %j) = %j', (before, after, expected) => {
    expect(changes(before, after)).toEqual(expected);
  });
});

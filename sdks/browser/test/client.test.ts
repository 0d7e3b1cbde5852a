import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Flywheel, type FlywheelOptions } from '../src/client';

interface Event {
  type: string;
  messageId: string;
  anonymousId: string;
  userId?: string;
  event?: string;
  name?: string;
  previousId?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: Record<string, unknown> & { sessionId: string; library: { name: string } };
}

function clearBrowserState() {
  window.localStorage.clear();
  for (const cookie of document.cookie.split(';')) {
    const name = cookie.split('=')[0].trim();
    if (name) {
      document.cookie = `${name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/`;
    }
  }
}

/** What a page's leaving (pagehide) does to one client's queue: written to storage at once. */
function leave(flywheel: Flywheel) {
  (flywheel as unknown as { queue: { persist(): void } }).queue.persist();
}

function client(options: Partial<FlywheelOptions> = {}) {
  const sent: Event[] = [];
  const errors: Array<[unknown, string]> = [];
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    if (String(url).endsWith('/ofrep/v1/evaluate/flags')) {
      return new Response(JSON.stringify({ flags: [] }), { status: 200 });
    }
    if (String(url).endsWith('/api/v1/assign')) {
      return new Response(JSON.stringify({ assignments: [] }), { status: 200 });
    }
    sent.push(...JSON.parse(String(init?.body)).batch);
    return new Response(null, { status: 200 });
  });
  const flywheel = new Flywheel({
    writeKey: 'fw_client_testkey1', host: 'https://gw.example/', fetch: fetcher as typeof fetch,
    onError: (error, during) => errors.push([error, during]), ...options,
  });
  return { flywheel, sent, errors, fetcher };
}

describe('client', () => {
  beforeEach(() => {
    clearBrowserState();
    history.replaceState(null, '', '/shop/shoes?utm_source=news&utm_campaign=spring');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends Segment events with identity, session and context', async () => {
    const { flywheel, sent, errors } = client();
    flywheel.register({ plan: 'free' });
    flywheel.page('Shoes', { section: 'catalog' });
    flywheel.track('Product Viewed', { sku: 'S-1' });
    flywheel.identify('user-1', { email: 'a@example.com' });
    flywheel.group('acme', { seats: 5 });
    await flywheel.flush();
    expect(errors).toEqual([]);
    expect(sent.map((e) => e.type)).toEqual(['page', 'track', 'identify', 'group']);
    const [page, track, identify] = sent;
    expect(page.name).toBe('Shoes');
    expect(page.properties).toMatchObject({ path: '/shop/shoes', section: 'catalog', plan: 'free' });
    expect(track.properties).toEqual({ plan: 'free', sku: 'S-1' });
    expect(track.context.campaign).toEqual({ source: 'news', name: 'spring' });
    expect(track.context.library.name).toBe('@flywheel/browser');
    expect(track.context.page).toMatchObject({ path: '/shop/shoes' });
    expect(new Set(sent.map((e) => e.anonymousId)).size).toBe(1);
    expect(new Set(sent.map((e) => e.context.sessionId)).size).toBe(1);
    expect(new Set(sent.map((e) => e.messageId)).size).toBe(4);
    expect(identify.userId).toBe('user-1');
    expect(identify.traits).toEqual({ email: 'a@example.com' });
    expect(track.userId).toBeUndefined();
    expect(flywheel.userId()).toBe('user-1');
  });

  it('keeps the visitor across page loads, and forgets them on reset', () => {
    const first = client().flywheel;
    const anonymousId = first.anonymousId();
    first.identify('user-1');
    const second = client().flywheel;
    expect(second.anonymousId()).toBe(anonymousId);
    expect(second.userId()).toBe('user-1');
    second.reset();
    expect(second.userId()).toBeNull();
    expect(second.anonymousId()).not.toBe(anonymousId);
  });

  it('keeps only the identifiers in the cookie: the queue and the rest live in localStorage', async () => {
    const down = client({ flags: false, fetch: (async () => new Response(null, { status: 503 })) as typeof fetch });
    down.flywheel.identify('user-1', { bio: 'x'.repeat(2000) });
    for (let i = 0; i < 5; i++) {
      down.flywheel.track('Big', { blob: 'y'.repeat(2000) });
    }
    expect(down.flywheel.queued()).toBe(6);
    leave(down.flywheel);
    const cookieNames = document.cookie.split(';').map((c) => c.split('=')[0].trim()).filter(Boolean);
    expect(cookieNames.sort()).toEqual(['fw_aid_testkey1', 'fw_session_testkey1', 'fw_uid_testkey1']);
    const queued = Object.keys(window.localStorage).filter((k) => k.startsWith('fw_queue_testkey1.'));
    expect(queued).toHaveLength(1);
    expect(JSON.parse(window.localStorage.getItem(queued[0])!)).toHaveLength(6);
    expect(client({ flags: false }).flywheel.queued()).toBe(6);
  });

  it('aliases from whoever the visitor was', async () => {
    const { flywheel, sent } = client();
    const anonymousId = flywheel.anonymousId();
    flywheel.alias('user-9');
    await flywheel.flush();
    expect(sent[0]).toMatchObject({ type: 'alias', previousId: anonymousId, userId: 'user-9' });
    expect(flywheel.userId()).toBe('user-9');
  });

  it('in opt-in mode sends and stores nothing before consent', async () => {
    const { flywheel, sent, fetcher } = client({ consent: 'opt-in' });
    flywheel.page();
    flywheel.track('Clicked');
    flywheel.identify('user-1');
    await flywheel.flush();
    expect(fetcher).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    expect(window.localStorage.length).toBe(0);
    flywheel.consent.grant();
    flywheel.track('After consent');
    await flywheel.flush();
    expect(sent.map((e) => e.event)).toEqual(['After consent']);
    expect(document.cookie).toContain('fw_consent_');
    expect(client({ consent: 'opt-in' }).flywheel.consent.state()).toBe('granted');
  });

  it('stops and forgets on denial', async () => {
    const { flywheel, sent } = client();
    flywheel.identify('user-1');
    flywheel.consent.deny();
    flywheel.track('Hidden');
    await flywheel.flush();
    expect(sent).toEqual([]);
    expect(window.localStorage.getItem('fw_uid_testkey1')).toBeNull();
    expect(flywheel.consent.state()).toBe('denied');
  });

  it('honours Global Privacy Control when asked to', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: true });
    try {
      const ignoring = client();
      ignoring.flywheel.track('Seen');
      await ignoring.flywheel.flush();
      expect(ignoring.sent).toHaveLength(1);
      clearBrowserState();
      const honouring = client({ respectGlobalPrivacyControl: true });
      honouring.flywheel.track('Not seen');
      await honouring.flywheel.flush();
      expect(honouring.sent).toHaveLength(0);
      expect(honouring.flywheel.consent.state()).toBe('denied');
    } finally {
      Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, value: undefined });
    }
  });

  it('never throws into the page', () => {
    const { flywheel, errors } = client();
    expect(() => flywheel.track(undefined as unknown as string)).not.toThrow();
    expect(() => flywheel.track('')).not.toThrow();
    expect(errors.map(([, during]) => during)).toEqual(['track', 'track']);
    expect(() => new Flywheel({} as FlywheelOptions)).toThrow(/writeKey/);
  });

  it('delivers what an earlier page left in the queue', async () => {
    const down = client({ flags: false, fetch: (async () => new Response(null, { status: 503 })) as typeof fetch });
    down.flywheel.track('Queued while down');
    await down.flywheel.flush();
    expect(down.flywheel.queued()).toBe(1);
    leave(down.flywheel);
    vi.useFakeTimers();
    try {
      const reloaded = client();
      await vi.advanceTimersByTimeAsync(2000);
      expect(reloaded.sent.map((e) => e.event)).toEqual(['Queued while down']);
      expect(reloaded.flywheel.queued()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

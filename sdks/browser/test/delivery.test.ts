import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Failures } from '../src/errors';
import { EventQueue } from '../src/queue';
import { MemoryStorage } from '../src/storage';
import { Delivery, type DeliveryOptions, retryAfterMs } from '../src/transport';

const OPTIONS: DeliveryOptions = {
  host: 'https://gw.example', writeKey: 'fw_client_key', maxBatchEvents: 3, maxBatchBytes: 450_000,
  flushIntervalMs: 2000, retryDelayMs: 1000, maxRetryDelayMs: 60_000,
};

interface Sent {
  url: string;
  body: { batch: Array<{ messageId: string }>; writeKey: string; sentAt: string };
  init: RequestInit;
}

function setup(answers: Array<number | Error | [number, string]>) {
  const sent: Sent[] = [];
  const errors: unknown[] = [];
  const queue = new EventQueue(new MemoryStorage(), 'q', 100, () => undefined);
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    sent.push({ url: String(url), body: JSON.parse(String(init?.body)), init: init ?? {} });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer instanceof Error) {
      throw answer;
    }
    const [status, retryAfter] = Array.isArray(answer) ? answer : [answer, null];
    return new Response(null, { status, headers: retryAfter ? { 'Retry-After': retryAfter } : {} });
  });
  const delivery = new Delivery(queue, OPTIONS, new Failures((error) => errors.push(error)), fetcher as typeof fetch,
    () => 0.5);
  const add = (...ids: string[]) => ids.forEach((id) => {
    delivery.scheduled(queue.add({ messageId: id, type: 'track', event: 'e' }));
  });
  return { sent, errors, queue, delivery, add };
}

describe('delivery', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits for the interval, or sends at once when a batch is full', async () => {
    const { sent, add } = setup([200]);
    add('a');
    await vi.advanceTimersByTimeAsync(1999);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.map((s) => s.body.batch.length)).toEqual([1]);
    add('b', 'c', 'd');
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.body.batch.length)).toEqual([1, 3]);
  });

  it('sends text/plain with the write key in the body, so browsers need no preflight', async () => {
    const { sent, add, delivery } = setup([200]);
    add('a');
    await delivery.flush();
    expect(sent[0].url).toBe('https://gw.example/v1/batch');
    expect(sent[0].init.headers).toEqual({ 'Content-Type': 'text/plain' });
    expect(sent[0].init.keepalive).toBe(true);
    expect(sent[0].body.writeKey).toBe('fw_client_key');
    expect(Date.parse(sent[0].body.sentAt)).not.toBeNaN();
  });

  it.each([
    ['503 with Retry-After: 5', [[503, '5'], 200], 5000 + 500],
    ['429 with Retry-After: 2', [[429, '2'], 200], 2000 + 500],
    ['500 without Retry-After', [500, 200], 750],
    ['a network failure', [new TypeError('offline'), 200], 750],
  ])('retries after %s, then delivers once', async (_name, answers, delay) => {
    const { sent, queue, add } = setup(answers as Array<number | Error | [number, string]>);
    add('a');
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(delay - 1);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(queue.size()).toBe(0);
    expect(sent.flatMap((s) => s.body.batch.map((e) => e.messageId))).toEqual(['a', 'a']);
  });

  it('keeps retrying when events arrive while a failing request is in flight', async () => {
    const sent: string[][] = [];
    const answers = [[503, '2'], [200, null]] as Array<[number, string | null]>;
    const queue = new EventQueue(new MemoryStorage(), 'q', 100, () => undefined);
    const slow = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      sent.push(JSON.parse(String(init?.body)).batch.map((e: { messageId: string }) => e.messageId));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [status, retryAfter] = answers.length > 1 ? answers.shift()! : answers[0];
      return new Response(null, { status, headers: retryAfter ? { 'Retry-After': retryAfter } : {} });
    }) as typeof fetch;
    const delivery = new Delivery(queue, OPTIONS, new Failures(undefined), slow, () => 0.5);
    delivery.scheduled(queue.add({ messageId: 'a', type: 'track' }));
    await vi.advanceTimersByTimeAsync(2050);
    delivery.scheduled(queue.add({ messageId: 'b', type: 'track' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toEqual([['a'], ['a', 'b']]);
    expect(queue.size()).toBe(0);
  });

  it('backs off exponentially while the gateway stays down, up to a minute', async () => {
    const { sent, add } = setup([503]);
    add('a');
    await vi.advanceTimersByTimeAsync(2000);
    const times: number[] = [];
    let last = sent.length;
    for (let t = 0; t < 400_000; t += 250) {
      await vi.advanceTimersByTimeAsync(250);
      if (sent.length > last) {
        times.push(t + 250);
        last = sent.length;
      }
    }
    const gaps = times.map((t, i) => t - (i === 0 ? 0 : times[i - 1]));
    // with jitter at its middle: 0.75 s, 1.5 s, 3 s, 6 s, 12 s, 24 s, 45 s, 45 s, ...
    expect(gaps.slice(0, 6)).toEqual([750, 1500, 3000, 6000, 12000, 24000]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(45_000 + 250);
  });

  it('drops a batch the gateway refuses for good, and reports it', async () => {
    const { sent, queue, errors, add, delivery } = setup([400]);
    add('a');
    await delivery.flush();
    expect(queue.size()).toBe(0);
    expect(sent).toHaveLength(1);
    expect(String(errors[0])).toContain('HTTP 400');
  });

  it.each([['60', 60_000], ['0', 0], ['soon', null], [null, null]])('reads Retry-After %s', (header, ms) => {
    expect(retryAfterMs(header, 0)).toBe(ms);
  });

  it('reads an HTTP-date Retry-After', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(retryAfterMs('Wed, 02 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('hands the queue to a beacon when the page goes, keeping it until a confirmed delivery', async () => {
    const beacons: Array<{ url: string; body: string; type: string }> = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: (url: string, blob: Blob) => {
        void blob.text().then((body) => beacons.push({ url, body, type: blob.type }));
        return true;
      },
    });
    const { queue, add, delivery } = setup([200]);
    add('a', 'b');
    delivery.unload();
    await vi.advanceTimersByTimeAsync(0);
    expect(beacons).toHaveLength(1);
    expect(beacons[0].type).toBe('text/plain');
    expect(JSON.parse(beacons[0].body).batch).toHaveLength(2);
    expect(queue.size()).toBe(2);
  });
});

import { gunzipSync } from 'node:zlib';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { Failures } from '../src/errors';
import { ChunkBuffer, maskAttributes, maskText, sampled } from '../src/recording/chunks';
import { Recorder } from '../src/recording/index';
import { ChunkUploader, type UploaderOptions } from '../src/recording/uploader';

const OPTIONS: UploaderOptions = { host: 'https://gw.example', clientKey: 'fw_client_key', pendingKey: 'pending',
  maxPending: 3, retryDelayMs: 1000, maxRetryDelayMs: 60_000 };

function uploader(answers: Array<number | Error>) {
  const sent: Array<{ url: string; init: RequestInit; json: string }> = [];
  const errors: unknown[] = [];
  const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const body = init?.body;
    const json = body instanceof ArrayBuffer ? gunzipSync(Buffer.from(body)).toString('utf8') : String(body);
    sent.push({ url: String(url), init: init ?? {}, json });
    const answer = answers.length > 1 ? answers.shift()! : answers[0];
    if (answer instanceof Error) {
      throw answer;
    }
    return new Response(null, { status: answer });
  });
  const up = new ChunkUploader(OPTIONS, new Failures((error) => errors.push(error)), fetcher as typeof fetch,
    () => 0.5);
  return { up, sent, errors };
}

/** Waits (real time: compression runs off the main thread) until the condition holds, failing after ~5 s. */
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 5000 && !condition(); i++) {
    await new Promise((r) => setImmediate(r));
  }
  expect(condition()).toBe(true);
};

const settle = async () => {
  for (let i = 0; i < 20; i++) {
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
  }
};

describe('masking', () => {
  it('masks text-like attributes in snapshots and mutations, and leaves the rest', () => {
    const snapshot = { type: 2, timestamp: 1, data: { node: { type: 0, childNodes: [{ type: 2, tagName: 'input',
      attributes: { placeholder: 'Your card number', type: 'text', class: 'field', title: 'Secret tip' },
      childNodes: [] }] } } };
    maskAttributes(snapshot);
    const input = (snapshot.data.node.childNodes[0]).attributes;
    expect(input).toEqual({ placeholder: '**** **** ******', type: 'text', class: 'field', title: '****** ***' });
    const mutation = { type: 3, timestamp: 2, data: { source: 0, adds: [{ parentId: 1, node: { type: 2,
      attributes: { alt: 'Jane Doe' } } }], attributes: [{ id: 5, attributes: { 'aria-label': 'Jane', href: '/x' } }],
    texts: [], removes: [] } };
    maskAttributes(mutation);
    expect(mutation.data.adds[0].node.attributes.alt).toBe('**** ***');
    expect(mutation.data.attributes[0].attributes).toEqual({ 'aria-label': '****', href: '/x' });
    expect(maskText('a b\tc')).toBe('* *\t*');
  });
});

describe('chunks', () => {
  it('fill up by size and carry the ids and context', () => {
    const buffer = new ChunkBuffer(100);
    expect(buffer.add({ type: 3, timestamp: 10, data: { source: 1 } })).toBe(false);
    expect(buffer.add({ type: 3, timestamp: 20, data: { source: 1, positions: 'x'.repeat(80) } })).toBe(true);
    expect(buffer.firstTimestamp()).toBe(10);
    const chunk = JSON.parse(buffer.take({ sessionId: 's', windowId: 'w', sequence: 4, distinctId: 'd' },
      { flags: { f: 'on' }, variations: { e: 'b' } }));
    expect(chunk).toMatchObject({ sessionId: 's', windowId: 'w', sequence: 4, distinctId: 'd',
      context: { flags: { f: 'on' }, variations: { e: 'b' } } });
    expect(chunk.events).toHaveLength(2);
    expect(buffer.size()).toBe(0);
  });

  it('samples sessions by id, the same way every time', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `session-${i}`);
    const share = ids.filter((id) => sampled(id, 0.25)).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(ids.filter((id) => sampled(id, 0.25))).toEqual(ids.filter((id) => sampled(id, 0.25)));
    expect(sampled('x', 1)).toBe(true);
    expect(sampled('x', 0)).toBe(false);
  });
});

describe('uploads', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    sessionStorage.clear();
  });
  afterEach(() => vi.useRealTimers());

  it('go gzip-compressed with the key, in order, retried after failures until acknowledged', async () => {
    const { up, sent, errors } = uploader([503, new Error('offline'), 200]);
    up.enqueue('{"n":1}');
    up.enqueue('{"n":2}');
    await until(() => sent.length === 1);
    await settle();
    expect(sent.map((s) => s.json)).toEqual(['{"n":1}']);
    expect(sent[0].url).toBe('https://gw.example/api/v1/recordings');
    expect((sent[0].init.headers as Record<string, string>).Authorization).toBe('Bearer fw_client_key');
    expect((sent[0].init.headers as Record<string, string>)['Content-Encoding']).toBe('gzip');
    await vi.advanceTimersByTimeAsync(1000);
    await until(() => sent.length === 2);
    await settle();
    await vi.advanceTimersByTimeAsync(2000);
    await until(() => sent.length === 4);
    expect(sent.map((s) => s.json)).toEqual(['{"n":1}', '{"n":1}', '{"n":1}', '{"n":2}']);
    expect(up.waiting()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('drop a chunk the gateway refuses for good, and the oldest when too many wait', async () => {
    const { up, sent, errors } = uploader([400, 503]);
    up.enqueue('{"n":1}');
    await until(() => errors.length === 1 && up.waiting() === 0);
    for (let n = 2; n <= 6; n++) {
      up.enqueue(`{"n":${n}}`);
    }
    await until(() => sent.length === 2);
    await settle();
    expect(up.waiting()).toBe(3);
    expect(errors.length).toBeGreaterThan(1);
    expect(sent.length).toBeGreaterThan(1);
  });

  it('keep what was not acknowledged for the tab\'s next page, and send it from there', async () => {
    const first = uploader([new Error('offline')]);
    first.up.enqueue('{"n":1}');
    await until(() => first.sent.length === 1);
    await settle();
    first.up.leaving();
    // the small chunk also left with keepalive
    expect(first.sent.some((s) => s.init.keepalive === true && s.json === '{"n":1}')).toBe(true);
    expect(JSON.parse(sessionStorage.getItem('pending')!)).toEqual(['{"n":1}']);
    const next = uploader([200]);
    await until(() => next.sent.length === 1 && next.up.waiting() === 0);
    expect(next.sent.map((s) => s.json)).toEqual(['{"n":1}']);
    expect(sessionStorage.getItem('pending')).toBeNull();
  });
});

describe('the recorder', () => {
  it('starts only once a trigger fires, masks inputs, and holds sessions shorter than the minimum', async () => {
    // happy-dom names these globals without defining them; rrweb's polyfill reads their prototypes
    const dom = window as unknown as Record<string, unknown>;
    dom.DOMTokenList ??= document.body.classList.constructor;
    dom.NodeList ??= document.body.childNodes.constructor;
    document.body.innerHTML = '<form><input id="secret" type="password" placeholder="Password">'
      + '<input id="name" type="text"></form><p data-fw-mask>Private text</p>';
    const sent: string[] = [];
    const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = init?.body;
      sent.push(body instanceof ArrayBuffer ? gunzipSync(Buffer.from(body)).toString('utf8') : String(body));
      return new Response(null, { status: 200 });
    });
    const recorder = new Recorder({ host: 'https://gw.example', clientKey: 'fw_client_key', keySuffix: 'test1234',
      sessionId: () => 'session-0001', distinctId: () => 'user-1', flags: () => ({ beta: true }),
      variations: () => ({}), failures: new Failures(() => undefined), send: fetcher as typeof fetch },
    { triggers: { event: 'Checkout Started' }, minimumDurationMs: 0, chunkIntervalMs: 60_000 });
    expect(recorder.recording()).toBe(false);
    recorder.observe('Something Else');
    expect(recorder.recording()).toBe(false);
    recorder.observe('Checkout Started');
    expect(recorder.recording()).toBe(true);
    const input = document.getElementById('secret') as HTMLInputElement;
    input.value = 'hunter2-secret';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    recorder.leaving();
    await until(() => sent.length > 0);
    recorder.stop();
    const all = sent.join('\n');
    expect(sent.length).toBeGreaterThan(0);
    expect(all).not.toContain('hunter2-secret');
    expect(all).not.toContain('Private text');
    expect(all).not.toContain('Password');
    const chunk = JSON.parse(sent[0]);
    expect(chunk).toMatchObject({ sessionId: 'session-0001', sequence: 0, distinctId: 'user-1',
      context: { flags: { beta: 'true' } } });
    expect(chunk.events.some((e: { type: number }) => e.type === 2)).toBe(true);
  });

  it('records console errors only when asked to', async () => {
    const dom = window as unknown as Record<string, unknown>;
    dom.DOMTokenList ??= document.body.classList.constructor;
    dom.NodeList ??= document.body.childNodes.constructor;
    document.body.innerHTML = '<p>page</p>';
    const sent: string[] = [];
    const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = init?.body;
      sent.push(body instanceof ArrayBuffer ? gunzipSync(Buffer.from(body)).toString('utf8') : String(body));
      return new Response(null, { status: 200 });
    });
    // quiet, and under the plugin's own wrapper (which is installed when recording starts)
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const recorder = new Recorder({ host: 'https://gw.example', clientKey: 'fw_client_key', keySuffix: 'test5678',
      sessionId: () => 'session-0002', distinctId: () => 'user-2', flags: () => ({}), variations: () => ({}),
      failures: new Failures(() => undefined), send: fetcher as typeof fetch },
    { consoleErrors: true, minimumDurationMs: 0, chunkIntervalMs: 60_000 });
    console.error('checkout failed: card declined');
    recorder.leaving();
    await until(() => sent.length > 0);
    recorder.stop();
    quiet.mockRestore();
    const events = sent.flatMap((chunk) => JSON.parse(chunk).events) as Array<{ type: number;
      data: { plugin?: string; payload?: { level?: string } } }>;
    const errors = events.filter((e) => e.type === 6 && e.data.plugin === 'rrweb/console@1');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0].data.payload?.level).toBe('error');
  });
});

import { describe, expect, it, vi } from 'vitest';

describe('the loaded script', () => {
  it('replays the calls the loader snippet queued, then answers directly', async () => {
    const sent: Array<{ event?: string; type: string }> = [];
    const fetcher = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      sent.push(...JSON.parse(String(init?.body)).batch);
      return new Response(null, { status: 200 });
    });
    // what the snippet leaves behind: calls in an array, init possibly not first
    const stub: unknown[] = [['track', 'Before init'], ['init', { writeKey: 'fw_client_stubkey1',
      host: 'https://gw.example', fetch: fetcher, flags: false, experiments: false }], ['page']];
    (window as unknown as { flywheel: unknown }).flywheel = stub;
    await import('../src/script');
    const api = (window as unknown as { flywheel: Record<string, (...args: unknown[]) => unknown> }).flywheel;
    expect(Array.isArray(api)).toBe(false);
    api.track('After load');
    await api.flush();
    expect(sent.map((e) => e.event ?? e.type)).toEqual(['Before init', 'page', 'After load']);
    expect(() => api.init(undefined)).not.toThrow();
  });
});

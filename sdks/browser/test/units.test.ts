import { beforeEach, describe, expect, it, vi } from 'vitest';

import { campaign } from '../src/context';
import { Failures } from '../src/errors';
import { uuid } from '../src/ids';
import { EventQueue, type QueuedEvent } from '../src/queue';
import { SESSION_IDLE_MS, SESSION_MAX_MS, Session } from '../src/session';
import { CookieStorage, MemoryStorage } from '../src/storage';

const event = (id: string, size = 0): QueuedEvent => ({ messageId: id, type: 'track', padding: 'x'.repeat(size) });

describe('campaign', () => {
  it.each([
    ['?utm_source=news&utm_medium=email&utm_campaign=spring&utm_term=shoes&utm_content=a',
      { source: 'news', medium: 'email', name: 'spring', term: 'shoes', content: 'a' }],
    ['?utm_source=ads&other=1', { source: 'ads' }],
    ['?utm_source=', undefined],
    ['', undefined],
  ])('reads %s', (search, expected) => {
    expect(campaign(search)).toEqual(expected);
  });
});

describe('uuid', () => {
  it('is a v4 UUID, different each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => uuid()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});

describe('session', () => {
  it('lasts while active, ends after 30 idle minutes, and after 24 hours at most', () => {
    const storage = new MemoryStorage();
    const session = new Session(storage, 's');
    const start = 1_000_000;
    const first = session.touch(start);
    expect(session.touch(start + SESSION_IDLE_MS - 1)).toBe(first);
    // another tab (same storage) sees the same session
    expect(new Session(storage, 's').touch(start + SESSION_IDLE_MS)).toBe(first);
    const afterIdle = session.touch(start + 2 * SESSION_IDLE_MS + 1);
    expect(afterIdle).not.toBe(first);
    // active every 20 minutes for a day: a new session at 24 hours
    let now = start + 2 * SESSION_IDLE_MS + 1;
    let id = afterIdle;
    while (now <= start + 2 * SESSION_IDLE_MS + 1 + SESSION_MAX_MS) {
      now += 20 * 60 * 1000;
      id = session.touch(now);
    }
    expect(id).not.toBe(afterIdle);
  });
});

describe('queue', () => {
  let dropped: QueuedEvent[];
  let queue: EventQueue;
  const storage = new MemoryStorage();

  beforeEach(() => {
    storage.keys('q.').forEach((key) => storage.remove(key));
    vi.useRealTimers();
    dropped = [];
    queue = new EventQueue(storage, 'q', 3, (events) => dropped.push(...events));
  });

  it('keeps each messageId once', () => {
    queue.add(event('a'));
    queue.add(event('a'));
    expect(queue.size()).toBe(1);
  });

  it('drops the oldest when full, and says so', () => {
    ['a', 'b', 'c', 'd'].forEach((id) => queue.add(event(id)));
    expect(queue.peek(10, 1e6).map((e) => e.messageId)).toEqual(['b', 'c', 'd']);
    expect(dropped.map((e) => e.messageId)).toEqual(['a']);
  });

  it('hands out batches by count and bytes, at least one event', () => {
    ['a', 'b', 'c'].forEach((id) => queue.add(event(id, 100)));
    expect(queue.peek(2, 1e6)).toHaveLength(2);
    expect(queue.peek(10, 250)).toHaveLength(1);
    expect(queue.peek(10, 10)).toHaveLength(1);
  });

  it('survives a reload: the next page takes over what this one wrote, and only it keeps it', () => {
    queue.add(event('a'));
    queue.add(event('b'));
    queue.persist();
    const reloaded = new EventQueue(storage, 'q', 3, () => undefined);
    expect(reloaded.peek(10, 1e6).map((e) => e.messageId)).toEqual(['a', 'b']);
    expect(storage.keys('q.')).toHaveLength(1);
    reloaded.remove(['a']);
    reloaded.persist();
    expect(new EventQueue(storage, 'q', 3, () => undefined).peek(10, 1e6).map((e) => e.messageId)).toEqual(['b']);
  });

  it('ignores entries it cannot read', () => {
    storage.set('q.broken', '{not json');
    storage.set('q.other', '[{"no": "messageId"}, {"messageId": "x", "type": "track"}]');
    const reloaded = new EventQueue(storage, 'q', 3, () => undefined);
    expect(reloaded.peek(10, 1e6).map((e) => e.messageId)).toEqual(['x']);
  });

  it('writes each tab under its own name, so tabs adding at once keep each other\'s events', () => {
    const otherTab = new EventQueue(storage, 'q', 3, () => undefined);
    queue.add(event('a'));
    otherTab.add(event('b'));
    queue.persist();
    otherTab.persist();
    expect(storage.keys('q.')).toHaveLength(2);
    const next = new EventQueue(storage, 'q', 3, () => undefined);
    expect(next.peek(10, 1e6).map((e) => e.messageId).sort()).toEqual(['a', 'b']);
  });

  it('writes to storage shortly after a change, not on every event', () => {
    vi.useFakeTimers();
    try {
      const writes = vi.spyOn(storage, 'set');
      for (let i = 0; i < 50; i++) {
        queue.add(event(`e${i}`));
      }
      expect(writes).not.toHaveBeenCalled();
      vi.advanceTimersByTime(300);
      expect(writes).toHaveBeenCalledTimes(1);
      writes.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('cookie storage', () => {
  it('keeps a value in a first-party cookie and localStorage, each restoring the other', () => {
    const cookies = new CookieStorage({ cacheMs: 0 });
    cookies.set('fw_test', 'v 1');
    expect(document.cookie).toContain('fw_test=v%201');
    expect(window.localStorage.getItem('fw_test')).toBe('v 1');
    document.cookie = 'fw_test=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/';
    expect(cookies.get('fw_test')).toBe('v 1');
    expect(document.cookie).toContain('fw_test=v%201');
    cookies.remove('fw_test');
    expect(cookies.get('fw_test')).toBeNull();
  });

  it('trusts what it read for a while, and hears of another tab\'s change at once', () => {
    const cookies = new CookieStorage();
    cookies.set('fw_tab', 'mine');
    // another tab of the site changes it: cookie and localStorage, then the storage event
    document.cookie = 'fw_tab=theirs; Path=/';
    window.localStorage.setItem('fw_tab', 'theirs');
    expect(cookies.get('fw_tab')).toBe('mine');
    window.dispatchEvent(new StorageEvent('storage', { key: 'fw_tab' }));
    expect(cookies.get('fw_tab')).toBe('theirs');
    cookies.remove('fw_tab');
  });
});

describe('failures', () => {
  it('are reported, never thrown, even when the handler throws', () => {
    const seen: string[] = [];
    const failures = new Failures((_error, during) => seen.push(during));
    expect(failures.guard('work', () => {
      throw new Error('boom');
    }, 'fallback')).toBe('fallback');
    expect(seen).toEqual(['work']);
    const broken = new Failures(() => {
      throw new Error('handler');
    });
    expect(() => broken.report(new Error('x'), 'y')).not.toThrow();
    vi.restoreAllMocks();
  });
});

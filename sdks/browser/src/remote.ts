import type { Failures } from './errors';
import type { Storage } from './storage';

/**
 * What flags and experiments share: state the gateway answers for the visitor, asked for one request at a time,
 * cached in storage for an instant start, with listeners told of what changed.
 */
export class RemoteState<Cached> {
  private readonly listeners = new Set<(changed: string[]) => void>();
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly cacheKey: string,
    private readonly failures: Failures,
    private readonly valid: (cached: Cached) => boolean,
  ) {}

  onChange(listener: (changed: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs {@code ask} unless it runs already; resolves when it is done. */
  once(ask: () => Promise<void>): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = ask().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  tell(changed: string[], during: string): void {
    if (changed.length > 0) {
      for (const listener of this.listeners) {
        this.failures.guard(during, () => listener(changed), undefined);
      }
    }
  }

  save(cached: Cached): void {
    this.storage.set(this.cacheKey, JSON.stringify(cached));
  }

  cached(): Cached | null {
    const raw = this.storage.get(this.cacheKey);
    if (!raw) {
      return null;
    }
    try {
      const cached = JSON.parse(raw) as Cached;
      return cached && this.valid(cached) ? cached : null;
    } catch {
      return null;
    }
  }
}

/** A JSON POST to the gateway with a client key, credentials left out (the key is the credential). */
export function postJson(clientKey: string, body: unknown, extra: { keepalive?: boolean;
  headers?: Record<string, string> } = {}): RequestInit {
  return {
    method: 'POST', credentials: 'omit', keepalive: extra.keepalive === true,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${clientKey}`, ...extra.headers },
    body: JSON.stringify(body),
  };
}

/** The well-formed items of an answer by their key (items without a string key are left out). */
export function byKey<T>(items: T[] | undefined, key: (item: T) => unknown): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items ?? []) {
    const name = item ? key(item) : undefined;
    if (typeof name === 'string') {
      out[name] = item;
    }
  }
  return out;
}

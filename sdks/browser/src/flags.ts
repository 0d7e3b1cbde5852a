import type { Failures } from './errors';
import { byKey, postJson, RemoteState } from './remote';
import type { Storage } from './storage';

/** One flag as OFREP's bulk answer gives it. */
export interface FlagValue {
  key: string;
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorDetails?: string;
  metadata?: Record<string, unknown>;
}

export type EvaluationContext = Record<string, unknown> & { targetingKey: string };

export type FlagsListener = (changed: string[]) => void;

interface Cached {
  targetingKey: string;
  etag: string | null;
  flags: Record<string, FlagValue>;
}

/**
 * The environment's flags for this visitor, from OFREP's bulk evaluation at the gateway (the same answers an
 * OpenFeature OFREP provider gets): the last answer is cached for an instant start on the next page view, then
 * revalidated with its ETag at start, on every interval and when the visitor's identity changes. Reading a flag never
 * waits and never fails: it is the code's default until there is a value of the default's type.
 */
export class Flags {
  private flags: Record<string, FlagValue> = {};
  private etag: string | null = null;
  private targetingKey: string | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly remote: RemoteState<Cached>;

  constructor(
    private readonly host: string,
    private readonly clientKey: string,
    storage: Storage,
    cacheKey: string,
    private readonly context: () => EvaluationContext,
    private readonly failures: Failures,
    private readonly send: typeof fetch,
  ) {
    this.remote = new RemoteState<Cached>(storage, cacheKey, failures,
        (cached) => typeof cached.targetingKey === 'string' && !!cached.flags);
  }

  /** Serves the cached answer for this visitor at once, then asks the gateway; repeats every {@code intervalMs}. */
  start(intervalMs: number): Promise<void> {
    const cached = this.remote.cached();
    const key = this.context().targetingKey;
    if (cached && cached.targetingKey === key) {
      this.flags = cached.flags;
      this.etag = cached.etag;
      this.targetingKey = key;
    }
    if (intervalMs > 0 && this.timer === undefined) {
      this.timer = setInterval(() => void this.refresh(), intervalMs);
    }
    return this.refresh();
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** The flag's value when the gateway gave one of the default's type, else the default. */
  get<T>(key: string, defaultValue: T): T {
    const flag = this.flags[key];
    if (!flag || flag.errorCode || flag.value === undefined || !sameType(flag.value, defaultValue)) {
      return defaultValue;
    }
    return flag.value as T;
  }

  /** The flag as evaluated (variant, reason, metadata), or undefined. */
  details(key: string): FlagValue | undefined {
    return this.flags[key];
  }

  /** Every flag's value as text (for survey targeting). */
  values(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, flag] of Object.entries(this.flags)) {
      if (!flag.errorCode && flag.value !== undefined) {
        out[key] = typeof flag.value === 'string' ? flag.value : JSON.stringify(flag.value);
      }
    }
    return out;
  }

  onChange(listener: FlagsListener): () => void {
    return this.remote.onChange(listener);
  }

  /** Asks the gateway again (one request at a time); resolves when answered, never rejects. */
  refresh(): Promise<void> {
    return this.remote.once(() => this.fetch());
  }

  private async fetch(): Promise<void> {
    const context = this.context();
    const sameVisitor = context.targetingKey === this.targetingKey;
    const headers: Record<string, string> = sameVisitor && this.etag ? { 'If-None-Match': this.etag } : {};
    try {
      const response = await this.send(`${this.host}/ofrep/v1/evaluate/flags`,
          postJson(this.clientKey, { context }, { headers }));
      if (response.status === 304) {
        return;
      }
      if (!response.ok) {
        this.failures.report(new Error(`flag evaluation answered HTTP ${response.status}`), 'flags');
        return;
      }
      const body = await response.json() as { flags?: FlagValue[] };
      const next = byKey(body.flags, (flag) => flag.key);
      const changed = changes(this.flags, next);
      this.flags = next;
      this.etag = response.headers.get('ETag');
      this.targetingKey = context.targetingKey;
      this.remote.save({ targetingKey: context.targetingKey, etag: this.etag, flags: next });
      this.remote.tell(changed, 'flags listener');
    } catch (error) {
      this.failures.report(error, 'flags');
    }
  }
}

/** Keys whose value, variant or error changed between two answers. */
export function changes(before: Record<string, FlagValue>, after: Record<string, FlagValue>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((key) => {
    const a = before[key];
    const b = after[key];
    return !a || !b || a.variant !== b.variant || a.errorCode !== b.errorCode
      || JSON.stringify(a.value) !== JSON.stringify(b.value);
  });
}

function sameType(value: unknown, defaultValue: unknown): boolean {
  if (defaultValue === null || defaultValue === undefined) {
    return true;
  }
  if (Array.isArray(defaultValue)) {
    return Array.isArray(value);
  }
  return typeof value === typeof defaultValue && Array.isArray(value) === Array.isArray(defaultValue);
}

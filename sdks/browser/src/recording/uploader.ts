import type { Failures } from '../errors';
import { retryAfterMs } from '../transport';

export interface UploaderOptions {
  host: string;
  clientKey: string;
  /** Where chunks not yet acknowledged wait across the tab's page loads (sessionStorage). */
  pendingKey: string;
  /** Chunks kept while the gateway cannot be reached; the oldest go first (reported). */
  maxPending: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** What keepalive requests may carry in all (the fetch standard's limit). */
const KEEPALIVE_BYTES = 60_000;
/** How much of the unacknowledged chunks a page leaves behind for the tab's next page (sessionStorage is small). */
const MAX_PERSISTED_CHARS = 2_000_000;

/** gzip in the browser (CompressionStream), or null where the browser has none: the chunk then goes as JSON. */
export async function gzip(json: string): Promise<ArrayBuffer | null> {
  if (typeof CompressionStream === 'undefined') {
    return null;
  }
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/**
 * Sends chunks to the gateway one at a time, in order, compressed; retries on 429, 5xx and network failures with
 * exponential backoff and jitter (or as Retry-After asks), drops and reports a chunk the gateway refuses for good.
 * When the page goes away, what is small enough leaves with keepalive and everything unacknowledged is kept for the
 * tab's next page; the gateway stores a chunk sent twice once.
 */
export class ChunkUploader {
  private pending: string[] = [];
  private sending = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: UploaderOptions,
    private readonly failures: Failures,
    private readonly send: typeof fetch,
    private readonly random: () => number = Math.random,
  ) {
    try {
      const left = sessionStorage.getItem(options.pendingKey);
      sessionStorage.removeItem(options.pendingKey);
      if (left) {
        this.pending = (JSON.parse(left) as unknown[]).filter((c): c is string => typeof c === 'string');
      }
    } catch {
      // no sessionStorage (or garbage in it): nothing carried over
    }
    if (this.pending.length) {
      void this.pump();
    }
  }

  enqueue(chunk: string): void {
    this.pending.push(chunk);
    if (this.pending.length > this.options.maxPending) {
      this.pending.shift();
      this.failures.report(new Error('recording: the gateway could not be reached; the oldest chunk was dropped'),
          'recording');
    }
    void this.pump();
  }

  waiting(): number {
    return this.pending.length;
  }

  /** The page is going: small chunks leave with keepalive; all unacknowledged ones wait for the tab's next page. */
  leaving(): void {
    let budget = KEEPALIVE_BYTES;
    for (const chunk of this.pending) {
      if (chunk.length > budget) {
        break;
      }
      budget -= chunk.length;
      this.post(chunk, null, true).catch(() => undefined);
    }
    try {
      const kept: string[] = [];
      let size = 0;
      for (const chunk of this.pending) {
        size += chunk.length;
        if (size > MAX_PERSISTED_CHARS) {
          break;
        }
        kept.push(chunk);
      }
      if (kept.length) {
        sessionStorage.setItem(this.options.pendingKey, JSON.stringify(kept));
      }
    } catch (error) {
      this.failures.report(error, 'recording');
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.pending = [];
  }

  private async pump(): Promise<void> {
    if (this.sending || this.timer !== undefined) {
      return;
    }
    this.sending = true;
    try {
      while (this.pending.length) {
        const chunk = this.pending[0];
        let response: Response;
        try {
          response = await this.post(chunk, await gzip(chunk), false);
        } catch {
          this.retry(null);
          return;
        }
        if (response.status === 429 || response.status >= 500) {
          this.retry(retryAfterMs(response.headers.get('Retry-After'), Date.now()));
          return;
        }
        if (!response.ok) {
          this.failures.report(new Error(`recording: the gateway refused a chunk (${response.status})`),
              'recording');
        }
        if (this.pending[0] === chunk) {
          this.pending.shift();
        }
        this.attempt = 0;
      }
    } finally {
      this.sending = false;
    }
  }

  private retry(asked: number | null): void {
    const backoff = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** this.attempt);
    this.attempt++;
    const delay = asked ?? backoff * (0.5 + this.random() / 2);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, delay);
  }

  private post(chunk: string, compressed: ArrayBuffer | null, keepalive: boolean): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.clientKey}`,
      'Content-Type': 'application/json' };
    if (compressed) {
      headers['Content-Encoding'] = 'gzip';
    }
    return this.send(`${this.options.host}/api/v1/recordings`, { method: 'POST', headers,
      body: compressed ?? chunk, keepalive, credentials: 'omit' });
  }
}

import type { Failures } from './errors';
import type { EventQueue, QueuedEvent } from './queue';

export interface DeliveryOptions {
  /** The gateway's base URL, e.g. https://flywheel.example.com */
  host: string;
  writeKey: string;
  /** Events per request, at most (the gateway takes 2,500). */
  maxBatchEvents: number;
  /** Bytes per request, at most (the gateway takes 500 KB). */
  maxBatchBytes: number;
  /** How long an event may wait for others to share its request. */
  flushIntervalMs: number;
  /** The first retry's delay; each next one doubles, up to {@link maxRetryDelayMs}. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** What keepalive requests may carry in all (the fetch standard's limit). */
const KEEPALIVE_BYTES = 60_000;

/** The delay a Retry-After header asks for (seconds, or an HTTP date), null without a usable one. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) {
    return null;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Delivers the queue to the gateway's Segment batch endpoint: in batches by size and time, one request at a time,
 * retrying with exponential backoff and jitter (or as Retry-After asks) on 429, 5xx and network failures, and
 * dropping (and reporting) a batch the gateway refuses for good (400, 401, 403, 413). The write key travels in the
 * body and the body as text/plain, so a browser sends it without a CORS preflight, by fetch or by beacon alike.
 */
export class Delivery {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = 0;
  private sending = false;
  private attempt = 0;
  private retryAt = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly options: DeliveryOptions,
    private readonly failures: Failures,
    private readonly send: typeof fetch = (input, init) => fetch(input, init),
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Events were queued ({@code queued} wait now): send once a batch is full, else when the interval is up. A full
   * batch goes in a task of its own: starting a request costs ~1.5 ms of main thread, not for the page's handler.
   */
  scheduled(queued: number): void {
    if (queued >= this.options.maxBatchEvents && this.now() >= this.retryAt) {
      this.arm(0);
    } else {
      this.arm(this.options.flushIntervalMs);
    }
  }

  /** Sends what is queued now, batch after batch, unless a retry is pending or a request is in flight. */
  async flush(): Promise<void> {
    if (this.sending) {
      return; // the request in flight re-arms when it is answered
    }
    if (this.now() < this.retryAt) {
      this.arm(this.retryAt - this.now());
      return;
    }
    const batch = this.queue.peek(this.options.maxBatchEvents, this.options.maxBatchBytes);
    if (batch.length === 0) {
      return;
    }
    this.sending = true;
    let next: number | null = null;
    try {
      const body = this.body(batch);
      const response = await this.send(this.options.host + '/v1/batch', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body,
        keepalive: body.length <= KEEPALIVE_BYTES,
        credentials: 'omit',
      });
      if (response.ok) {
        this.delivered(batch);
        next = 0;
      } else if (response.status === 429 || response.status >= 500) {
        next = this.backoff(retryAfterMs(response.headers.get('Retry-After'), this.now()));
      } else {
        this.delivered(batch);
        this.failures.report(new Error(`the gateway refused ${batch.length} events (HTTP ${response.status});`
            + ' they were dropped'), 'delivery');
        next = 0;
      }
    } catch (error) {
      next = this.backoff(null);
      this.failures.report(error, 'delivery');
    } finally {
      this.sending = false;
    }
    if (next !== null && this.queue.size() > 0) {
      this.arm(next);
    }
  }

  /** The page is going away: hand what is queued to the browser, which sends it even after the page is gone. */
  unload(): void {
    const batch = this.queue.peek(this.options.maxBatchEvents, KEEPALIVE_BYTES);
    if (batch.length === 0 || this.sending) {
      return;
    }
    const body = this.body(batch);
    const url = this.options.host + '/v1/batch';
    let handed = false;
    if (typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
      handed = navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }));
    }
    if (!handed) {
      void this.send(url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body, keepalive: true,
        credentials: 'omit' }).catch(() => undefined);
    }
    // Sent without an answer: the events stay queued in storage, and the gateway drops a repeat by messageId.
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private body(batch: QueuedEvent[]): string {
    return JSON.stringify({ batch, sentAt: new Date(this.now()).toISOString(), writeKey: this.options.writeKey });
  }

  private delivered(batch: QueuedEvent[]): void {
    this.queue.remove(batch.map((event) => event.messageId));
    this.attempt = 0;
    this.retryAt = 0;
  }

  /** The next attempt's delay: Retry-After when given, else exponential with "equal jitter" (half fixed, half random). */
  private backoff(requested: number | null): number {
    const exponential = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** this.attempt);
    this.attempt++;
    const delay = requested !== null
      ? requested + this.random() * this.options.retryDelayMs
      : exponential / 2 + this.random() * (exponential / 2);
    this.retryAt = this.now() + delay;
    return delay;
  }

  /** Runs a flush after {@code delay}, unless one is due sooner already. */
  private arm(delay: number): void {
    const due = this.now() + delay;
    if (this.timer !== undefined) {
      if (this.dueAt <= due) {
        return;
      }
      clearTimeout(this.timer);
    }
    this.dueAt = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
  }

}

import { uuid } from './ids';
import type { Storage } from './storage';

/** An event as sent: Segment's fields, messageId always set. */
export interface QueuedEvent {
  messageId: string;
  type: string;
  [key: string]: unknown;
}

/** How soon after a change the tab's queue is written to storage (and at once when the page is hidden or left). */
const PERSIST_DELAY_MS = 250;

/**
 * The events waiting to be delivered, oldest first: bounded (the oldest go when it is full, and are reported) and
 * deduplicated by messageId. The queue lives in memory and is written to storage shortly after it changes and at
 * once when the page is hidden or left, under a name of this tab's own ({@code <key>.<tab>}): a storage write per
 * event cost ~150 µs of main thread in Chromium, and tabs writing their own entries never overwrite each other.
 * A page that starts takes over every entry it finds (its tab's earlier page, or a closed tab's) and delivers it; an
 * entry of a tab still open is then sent by both, and the pipeline keeps each messageId once.
 */
export class EventQueue {
  private events: QueuedEvent[] = [];
  private readonly ids = new Set<string>();
  private readonly ownKey: string;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly storage: Storage,
    key: string,
    private readonly capacity: number,
    private readonly dropped: (events: QueuedEvent[]) => void,
  ) {
    const prefix = `${key}.`;
    this.ownKey = prefix + uuid().slice(0, 8);
    const found = storage.keys(prefix);
    for (const entry of found) {
      for (const event of this.read(entry)) {
        this.push(event);
      }
      storage.remove(entry);
    }
    this.events.sort((a, b) => String(a.timestamp ?? '').localeCompare(String(b.timestamp ?? '')));
    this.trim();
    if (this.events.length > 0) {
      this.persist();
    }
  }

  /** Adds the event unless it is queued already; returns how many events are queued now. */
  add(event: QueuedEvent): number {
    if (this.push(event)) {
      this.trim();
      this.changed();
    }
    return this.events.length;
  }

  /** The oldest events whose JSON fits {@code maxBytes}, at most {@code maxEvents}; always at least one. */
  peek(maxEvents: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 2;
    for (const event of this.events) {
      const size = JSON.stringify(event).length + 1;
      if (out.length > 0 && (out.length >= maxEvents || bytes + size > maxBytes)) {
        break;
      }
      out.push(event);
      bytes += size;
    }
    return out;
  }

  /** Takes delivered (or undeliverable) events out, by messageId. */
  remove(messageIds: string[]): void {
    const gone = new Set(messageIds.filter((id) => this.ids.delete(id)));
    if (gone.size > 0) {
      this.events = this.events.filter((event) => !gone.has(event.messageId));
      this.changed();
    }
  }

  size(): number {
    return this.events.length;
  }

  clear(): void {
    this.events = [];
    this.ids.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.storage.remove(this.ownKey);
  }

  /** Writes the queue to storage now (the page is being hidden or left). */
  persist(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.events.length === 0) {
      this.storage.remove(this.ownKey);
    } else {
      this.storage.set(this.ownKey, JSON.stringify(this.events));
    }
  }

  private changed(): void {
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.persist(), PERSIST_DELAY_MS);
    }
  }

  private push(event: QueuedEvent): boolean {
    if (this.ids.has(event.messageId)) {
      return false;
    }
    this.ids.add(event.messageId);
    this.events.push(event);
    return true;
  }

  private trim(): void {
    if (this.events.length > this.capacity) {
      const oldest = this.events.splice(0, this.events.length - this.capacity);
      oldest.forEach((event) => this.ids.delete(event.messageId));
      this.dropped(oldest);
    }
  }

  private read(entry: string): QueuedEvent[] {
    const raw = this.storage.get(entry);
    if (!raw) {
      return [];
    }
    try {
      const events = JSON.parse(raw);
      return Array.isArray(events)
        ? events.filter((e) => e && typeof e === 'object' && typeof e.messageId === 'string') : [];
    } catch {
      return [];
    }
  }
}

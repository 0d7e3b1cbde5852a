import type { Storage } from './storage';

/** An event as sent: Segment's fields, messageId always set. */
export interface QueuedEvent {
  messageId: string;
  type: string;
  [key: string]: unknown;
}

/**
 * The events waiting to be delivered, oldest first: bounded (the oldest go when it is full, and are reported),
 * deduplicated by messageId, and kept in storage so a reload or another tab of the site delivers what this one
 * could not. Storage is read before every change, so tabs that add at once do not lose each other's events.
 */
export class EventQueue {
  constructor(
    private readonly storage: Storage,
    private readonly key: string,
    private readonly capacity: number,
    private readonly dropped: (events: QueuedEvent[]) => void,
  ) {}

  /** Adds the event unless it is queued already; returns how many events are queued now. */
  add(event: QueuedEvent): number {
    const events = this.read();
    if (events.some((queued) => queued.messageId === event.messageId)) {
      return events.length;
    }
    events.push(event);
    if (events.length > this.capacity) {
      this.dropped(events.splice(0, events.length - this.capacity));
    }
    this.write(events);
    return events.length;
  }

  /** The oldest events whose JSON fits {@code maxBytes}, at most {@code maxEvents}; always at least one. */
  peek(maxEvents: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 2;
    for (const event of this.read()) {
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
    const gone = new Set(messageIds);
    this.write(this.read().filter((event) => !gone.has(event.messageId)));
  }

  size(): number {
    return this.read().length;
  }

  clear(): void {
    this.storage.remove(this.key);
  }

  private read(): QueuedEvent[] {
    const raw = this.storage.get(this.key);
    if (!raw) {
      return [];
    }
    try {
      const events = JSON.parse(raw);
      return Array.isArray(events) ? events.filter((e) => e && typeof e.messageId === 'string') : [];
    } catch {
      return [];
    }
  }

  private write(events: QueuedEvent[]): void {
    if (events.length === 0) {
      this.storage.remove(this.key);
    } else {
      this.storage.set(this.key, JSON.stringify(events));
    }
  }
}

/**
 * The recorder's pure parts: which text-like attributes are masked in rrweb events, and how events become chunks
 * (by time or size) in the envelope the gateway takes (docs/recordings.md).
 */

/** An rrweb event as far as the recorder reads it. */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

/** Attributes whose text is the visitor's or the page's content, masked like input values by default. */
export const TEXT_ATTRIBUTES = new Set(['placeholder', 'title', 'alt', 'aria-label', 'aria-description',
  'aria-valuetext', 'value', 'label', 'content', 'data-value']);

const FULL_SNAPSHOT = 2;
const INCREMENTAL = 3;
const SOURCE_MUTATION = 0;

/** "*" for every character but spaces, so the layout of a replay keeps its shape. */
export function maskText(text: string): string {
  return text.replace(/[^\s]/g, '*');
}

type Node = { attributes?: Record<string, unknown>; childNodes?: Node[] };

function maskNode(node: Node, unmasked: (name: string) => boolean): void {
  const attributes = node.attributes;
  if (attributes) {
    for (const name of Object.keys(attributes)) {
      const value = attributes[name];
      if (typeof value === 'string' && TEXT_ATTRIBUTES.has(name.toLowerCase()) && !unmasked(name)) {
        attributes[name] = maskText(value);
      }
    }
  }
  for (const child of node.childNodes ?? []) {
    maskNode(child, unmasked);
  }
}

/**
 * Masks text-like attributes in a full snapshot's tree and in attribute mutations, in place. rrweb masks input values
 * and (by selector) text; attributes such as placeholder or title it leaves as they are.
 */
export function maskAttributes(event: RecordedEvent, unmasked: (name: string) => boolean = () => false):
    RecordedEvent {
  const data = event.data as Record<string, unknown> | undefined;
  if (!data) {
    return event;
  }
  if (event.type === FULL_SNAPSHOT && data.node) {
    maskNode(data.node as Node, unmasked);
  } else if (event.type === INCREMENTAL && data.source === SOURCE_MUTATION) {
    for (const added of (data.adds as Array<{ node: Node }> | undefined) ?? []) {
      maskNode(added.node, unmasked);
    }
    for (const change of (data.attributes as Array<{ attributes: Record<string, unknown> }> | undefined) ?? []) {
      maskNode({ attributes: change.attributes }, unmasked);
    }
  }
  return event;
}

export interface ChunkIds {
  sessionId: string;
  windowId: string;
  sequence: number;
  distinctId: string;
}

export interface ChunkContext {
  flags: Record<string, string>;
  variations: Record<string, string>;
}

/** Events gathered for the next chunk: full at {@code maxBytes} (JSON length, as an estimate of the upload). */
export class ChunkBuffer {
  /** Each event serialised once, when it arrives (its size counts then); a chunk joins them. */
  private events: string[] = [];
  private bytes = 0;
  private first: number | null = null;

  constructor(private readonly maxBytes: number) {}

  /** Adds an event; true when the buffer is now full and should be sent. */
  add(event: RecordedEvent): boolean {
    const json = JSON.stringify(event);
    this.events.push(json);
    this.bytes += json.length;
    this.first ??= event.timestamp;
    return this.bytes >= this.maxBytes;
  }

  size(): number {
    return this.events.length;
  }

  /** The first event's time, or null when empty. */
  firstTimestamp(): number | null {
    return this.first;
  }

  /** The gathered events as a chunk's JSON, emptying the buffer. */
  take(ids: ChunkIds, context: ChunkContext): string {
    const events = this.events;
    this.events = [];
    this.bytes = 0;
    this.first = null;
    return `${JSON.stringify({ ...ids, context }).slice(0, -1)},"events":[${events.join(',')}]}`;
  }
}

/** Whether a session is in the sample: the same answer in every tab, from its id. */
export function sampled(sessionId: string, rate: number): boolean {
  if (rate >= 1) {
    return true;
  }
  if (rate <= 0) {
    return false;
  }
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x100000000 < rate;
}

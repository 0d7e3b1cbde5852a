/**
 * What a session's timeline marks, read from its rrweb events: clicks, page views (rrweb's meta event on every load),
 * console errors (the console-record plugin) and events the page tracked (custom events the SDK adds); and the
 * stretches without input that the player skips.
 */
import type { eventWithTime } from '@rrweb/types';

// rrweb's numbers (EventType, IncrementalSource, MouseInteractions), named here so the player needs no runtime enum
const META = 4;
const INCREMENTAL = 3;
const CUSTOM = 5;
const PLUGIN = 6;
const MOUSE_INTERACTION = 2;
const CLICK = 2;
const CONSOLE_PLUGIN = 'rrweb/console@1';
/** The sources that count as someone doing something (rrweb's own idea of activity for skipping). */
const USER_INPUT = new Set([1, 2, 3, 4, 5, 6, 7, 12, 14]);

export type MarkerKind = 'click' | 'page' | 'error' | 'event';

export interface Marker {
  kind: MarkerKind;
  /** Milliseconds from the session's first event. */
  offset: number;
  label: string;
}

/** The markers in time order. */
export function markers(events: eventWithTime[]): Marker[] {
  if (events.length === 0) {
    return [];
  }
  const start = events[0].timestamp;
  const found: Marker[] = [];
  for (const event of events) {
    const offset = event.timestamp - start;
    const data = event.data as Record<string, unknown>;
    if (event.type === META) {
      found.push({ kind: 'page', offset, label: String(data.href ?? 'page view') });
    } else if (event.type === INCREMENTAL && data.source === MOUSE_INTERACTION && data.type === CLICK) {
      found.push({ kind: 'click', offset, label: 'click' });
    } else if (event.type === PLUGIN && data.plugin === CONSOLE_PLUGIN) {
      const payload = data.payload as { level?: string; payload?: string[] } | undefined;
      if (payload?.level === 'error') {
        found.push({ kind: 'error', offset, label: (payload.payload ?? []).join(' ').slice(0, 200) || 'error' });
      }
    } else if (event.type === CUSTOM) {
      found.push({ kind: 'event', offset, label: String(data.tag ?? 'event') });
    }
  }
  return found;
}

/** Stretches of at least {@code minGap} ms with no user input: [from, to] offsets. */
export function inactivity(events: eventWithTime[], minGap = 10_000): [number, number][] {
  if (events.length === 0) {
    return [];
  }
  const start = events[0].timestamp;
  const gaps: [number, number][] = [];
  let last = start;
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const active = event.type !== INCREMENTAL || USER_INPUT.has(data.source as number);
    if (!active) {
      continue;
    }
    if (event.timestamp - last >= minGap) {
      gaps.push([last - start, event.timestamp - start]);
    }
    last = event.timestamp;
  }
  const end = events[events.length - 1].timestamp;
  if (end - last >= minGap) {
    gaps.push([last - start, end - start]);
  }
  return gaps;
}

/** m:ss (or h:mm:ss). */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

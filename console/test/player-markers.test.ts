import { describe, expect, it } from 'vitest';

import { clock, inactivity, markers } from '../src/player/markers';

const at = (ms: number) => 1_700_000_000_000 + ms;
// rrweb's shapes: 4 meta, 2 full snapshot, 3 incremental (source 2 mouse interaction, type 2 click; 0 mutation),
// 6 plugin (the console recorder), 5 custom
const EVENTS = [
  { type: 4, timestamp: at(0), data: { href: 'https://shop.example/', width: 1280, height: 800 } },
  { type: 2, timestamp: at(10), data: { node: {}, initialOffset: { top: 0, left: 0 } } },
  { type: 3, timestamp: at(1_000), data: { source: 2, type: 2, id: 5, x: 1, y: 2 } },
  { type: 3, timestamp: at(1_500), data: { source: 2, type: 1, id: 5, x: 1, y: 2 } },
  { type: 3, timestamp: at(20_000), data: { source: 0, adds: [], removes: [], texts: [], attributes: [] } },
  { type: 6, timestamp: at(30_000), data: { plugin: 'rrweb/console@1', payload: { level: 'error',
    payload: ['"TypeError: x is undefined"'], trace: [] } } },
  { type: 6, timestamp: at(30_500), data: { plugin: 'rrweb/console@1', payload: { level: 'log', payload: ['hi'] } } },
  { type: 5, timestamp: at(31_000), data: { tag: 'Signed Up', payload: {} } },
  { type: 4, timestamp: at(32_000), data: { href: 'https://shop.example/pricing', width: 1280, height: 800 } },
] as never[];

describe('the player timeline', () => {
  it('marks clicks, page views, console errors and tracked events, not other interactions or logs', () => {
    expect(markers(EVENTS)).toEqual([
      { kind: 'page', offset: 0, label: 'https://shop.example/' },
      { kind: 'click', offset: 1_000, label: 'click' },
      { kind: 'error', offset: 30_000, label: '"TypeError: x is undefined"' },
      { kind: 'event', offset: 31_000, label: 'Signed Up' },
      { kind: 'page', offset: 32_000, label: 'https://shop.example/pricing' },
    ]);
  });

  it('shades stretches without input (page changes on their own are no input)', () => {
    expect(inactivity(EVENTS)).toEqual([[1_500, 30_000]]);
    expect(inactivity([])).toEqual([]);
  });

  it('tells time as a clock', () => {
    expect(clock(61_999)).toBe('1:01');
    expect(clock(3_600_000 + 5_000)).toBe('1:00:05');
  });
});

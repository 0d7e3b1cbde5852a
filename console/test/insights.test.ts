import { describe, expect, it } from 'vitest';

import { table } from '../src/insights/answers';
import { calls, DEFAULT_INSIGHT, fromQuery, previousRange, rangeOf, toCsv, toQuery } from '../src/insights/model';

const TODAY = new Date('2026-03-31T15:00:00Z');

describe('insight dates', () => {
  it('counts a preset back from today, today included', () => {
    expect(rangeOf({ ...DEFAULT_INSIGHT, preset: '7d' }, TODAY)).toEqual({ from: '2026-03-25', to: '2026-03-31' });
    expect(rangeOf({ ...DEFAULT_INSIGHT, preset: 'custom', from: '2026-01-01', to: '2026-01-31' }, TODAY))
      .toEqual({ from: '2026-01-01', to: '2026-01-31' });
  });

  it('compares with the same number of days just before, across a month end', () => {
    expect(previousRange({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-01-29', to: '2026-02-28' });
  });
});

describe('insight requests', () => {
  it('asks trends once per series, again for the previous period, with the filters on every series', () => {
    const insight = { ...DEFAULT_INSIGHT, preset: '7d', compare: true, breakdown: ' plan ',
      series: [{ event: 'Signed Up', aggregation: 'unique_users' as const }, { event: 'Purchased',
        aggregation: 'sum' as const, property: 'revenue' }],
      filters: [{ property: 'country', operator: 'equals' as const, values: ['DE', ''] },
        { property: ' ', operator: 'equals' as const, values: ['ignored'] }] };
    const made = calls(insight, TODAY);
    expect(made.map((c) => c.name)).toEqual(['series 1', 'series 2', 'previous 1', 'previous 2']);
    expect(made[1].body).toEqual({ metric: { name: 'Purchased', events: { event: 'Purchased', filters: [
      { property: 'country', operator: 'equals', values: ['DE'] }] }, aggregation: 'sum', property: 'revenue' },
    range: { from: '2026-03-25', to: '2026-03-31' }, interval: 'day', breakdown: 'plan' });
    expect((made[2].body as { range: unknown }).range).toEqual({ from: '2026-03-18', to: '2026-03-24' });
  });

  it('puts the funnel question inside funnel correlation', () => {
    const insight = { ...DEFAULT_INSIGHT, kind: 'funnel-correlation' as const, steps: ['A', 'B'], windowHours: 2,
      properties: ['plan'] };
    const body = calls(insight, TODAY)[0].body as { funnel: { windowSeconds: number; steps: unknown[] };
      options: unknown };
    expect(body.funnel.windowSeconds).toBe(7200);
    expect(body.funnel.steps).toEqual([{ event: 'A', filters: [] }, { event: 'B', filters: [] }]);
    expect(body.options).toEqual({ eventProperties: ['plan'], personProperties: [] });
  });
});

describe('shared links', () => {
  it('carry the whole question and only what differs from the defaults', () => {
    const insight = { ...DEFAULT_INSIGHT, kind: 'funnel' as const, steps: ['Viewed Pricing', 'Signed Up'] };
    const query = toQuery(insight);
    expect(decodeURIComponent(query)).toBe('?q={"kind":"funnel","steps":["Viewed Pricing","Signed Up"]}');
    expect(fromQuery(query)).toEqual(insight);
  });

  it('fall back to the defaults when unreadable', () => {
    expect(fromQuery('?q=%7Bnot json')).toEqual(DEFAULT_INSIGHT);
    expect(fromQuery('?q=' + encodeURIComponent('{"kind":"nonsense"}'))).toEqual(DEFAULT_INSIGHT);
  });
});

describe('CSV', () => {
  it('quotes what needs quoting (RFC 4180)', () => {
    expect(toCsv([['a', 'b,c', 'say "hi"', null], [1, 2.5, 'line\nbreak', undefined]]))
      .toBe('a,"b,c","say ""hi""",\r\n1,2.5,"line\nbreak",\r\n');
  });

  it('exports the retention triangle with empty cells where a cohort has not reached a period', () => {
    const insight = { ...DEFAULT_INSIGHT, kind: 'retention' as const };
    const made = calls(insight, TODAY);
    const shown = table('retention', made, { retention: { cohorts: [
      { period: '2026-03-30', size: 10, counts: [10, 4], shares: [1, 0.4] },
      { period: '2026-03-31', size: 5, counts: [5], shares: [1] }] } });
    expect(shown.header).toEqual(['cohort', 'size', 'period 0', 'period 1']);
    expect(shown.rows).toEqual([['2026-03-30', 10, 10, 4], ['2026-03-31', 5, 5, null]]);
  });
});

describe('saved insights', () => {
  it('keep the question with its kind and read back the same', async () => {
    const { queryJsonOf, questionOf, keyFrom, age } = await import('../src/insights/boards');
    const insight = { ...DEFAULT_INSIGHT, kind: 'trends' as const, series: [{ event: 'Signed Up',
      aggregation: 'unique_users' as const }] };
    const json = queryJsonOf(insight);
    expect(JSON.parse(json)).toEqual({ kind: 'trends', series: [{ event: 'Signed Up', aggregation: 'unique_users' }] });
    expect(questionOf({ queryJson: json } as never)).toEqual(insight);
    expect(keyFrom('Weekly Sign-ups (EU)!')).toBe('weekly-sign-ups-eu');
    expect(keyFrom('???')).toBe('insight');
    expect(keyFrom('x'.repeat(80)).length).toBe(64);
    const now = new Date('2026-03-31T12:00:00Z');
    expect(age(new Date('2026-03-31T11:59:50Z'), now)).toBe('just now');
    expect(age(new Date('2026-03-31T11:56:00Z'), now)).toBe('4 min ago');
    expect(age(new Date('2026-03-31T09:00:00Z'), now)).toBe('3 h ago');
  });
});

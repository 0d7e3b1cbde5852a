/**
 * An insight as the console holds it: which question, over which dates, filtered how, with the kind's own settings.
 * Pure functions turn it into the gateway's analytics request bodies (docs/analytics.md), into a shareable URL
 * query and back, and an answer into CSV rows.
 */

export const KINDS = [
  { key: 'trends', label: 'Trends' },
  { key: 'funnel', label: 'Funnel' },
  { key: 'retention', label: 'Retention' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'stickiness', label: 'Stickiness' },
  { key: 'active-users', label: 'Active users' },
  { key: 'churn', label: 'Churn' },
  { key: 'time-to-value', label: 'Time to value' },
  { key: 'aarrr', label: 'AARRR' },
  { key: 'north-star', label: 'North Star' },
  { key: 'paths', label: 'Paths' },
  { key: 'funnel-correlation', label: 'Funnel correlation' },
  { key: 'retention-correlation', label: 'Retention correlation' },
  { key: 'activation-discovery', label: 'Activation discovery' },
] as const;

export type InsightKind = (typeof KINDS)[number]['key'];

export const OPERATORS = [
  'equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'is_set', 'is_not_set',
] as const;

export interface Filter {
  property: string;
  operator: (typeof OPERATORS)[number];
  values: string[];
}

export interface SeriesSpec {
  event: string;
  aggregation: 'total' | 'unique_users' | 'sum';
  property?: string;
}

export type Interval = 'day' | 'week' | 'month';

/** Everything an insight needs; fields a kind does not use are ignored by it (and kept, so switching kinds keeps them). */
export interface Insight {
  kind: InsightKind;
  /** "7d", "30d", "90d", "180d" relative to today, or "custom" (from, to). */
  preset: string;
  from: string;
  to: string;
  filters: Filter[];
  interval: Interval;
  breakdown: string;
  series: SeriesSpec[];
  compare: boolean;
  display: 'line' | 'bar';
  steps: string[];
  order: 'ordered' | 'strict' | 'unordered';
  windowHours: number;
  start: string;
  returnEvent: string;
  periods: number;
  retentionType: 'first_time' | 'recurring';
  mode: 'on' | 'on_or_after';
  event: string;
  pathKind: 'events' | 'pages' | 'screens';
  pathStart: string;
  pathEnd: string;
  pathSteps: number;
  properties: string[];
  personProperties: string[];
  period: number;
  actionDays: number;
  returnFromDay: number;
  returnToDay: number;
  thresholds: number[];
  minPeople: number;
}

export const DEFAULT_INSIGHT: Insight = {
  kind: 'trends', preset: '30d', from: '', to: '', filters: [], interval: 'day', breakdown: '',
  series: [{ event: '', aggregation: 'total' }], compare: false, display: 'line', steps: ['', ''], order: 'ordered',
  windowHours: 24 * 14, start: '', returnEvent: '', periods: 8, retentionType: 'first_time', mode: 'on', event: '',
  pathKind: 'events', pathStart: '', pathEnd: '', pathSteps: 5, properties: [], personProperties: [], period: 1,
  actionDays: 7, returnFromDay: 7, returnToDay: 14, thresholds: [1, 2, 3, 5, 10], minPeople: 20,
};

export interface DateRange {
  from: string;
  to: string;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The dates an insight covers: a preset counts back from today (UTC) including it, else the chosen dates. */
export function rangeOf(insight: Insight, today = new Date()): DateRange {
  const days = /^(\d+)d$/.exec(insight.preset);
  if (!days) {
    return { from: insight.from, to: insight.to };
  }
  const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  from.setUTCDate(from.getUTCDate() - Number(days[1]) + 1);
  return { from: isoDay(from), to: isoDay(today) };
}

/** The range of the same length just before (for "compare with the previous period"). */
export function previousRange(range: DateRange): DateRange {
  const from = new Date(`${range.from}T00:00:00Z`);
  const to = new Date(`${range.to}T00:00:00Z`);
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  const previousTo = new Date(from);
  previousTo.setUTCDate(previousTo.getUTCDate() - 1);
  const previousFrom = new Date(previousTo);
  previousFrom.setUTCDate(previousFrom.getUTCDate() - days + 1);
  return { from: isoDay(previousFrom), to: isoDay(previousTo) };
}

function cleanFilters(filters: Filter[]) {
  return filters.filter((f) => f.property.trim()).map((f) => ({ property: f.property.trim(), operator: f.operator,
    values: f.operator === 'is_set' || f.operator === 'is_not_set' ? [] : f.values.filter(Boolean) }));
}

/** An event matcher with the insight's filters (no event: any activity). */
function matcher(event: string, filters: Filter[]) {
  return { event: event.trim(), filters: cleanFilters(filters) };
}

function funnelBody(insight: Insight, range: DateRange) {
  return { steps: insight.steps.map((s) => matcher(s, insight.filters)), range, order: insight.order,
    windowSeconds: Math.round(insight.windowHours * 3600), breakdown: insight.breakdown.trim() };
}

function retentionBody(insight: Insight, range: DateRange) {
  return { start: matcher(insight.start, insight.filters), return: matcher(insight.returnEvent, insight.filters),
    range, interval: insight.interval, periods: insight.periods, type: insight.retentionType, mode: insight.mode };
}

function correlationOptions(insight: Insight) {
  return { eventProperties: insight.properties.filter(Boolean), personProperties: insight.personProperties
    .filter(Boolean) };
}

/** One call to the gateway: which analytics route, with which body. */
export interface Call {
  /** A name for the call's answer ("series 1", "previous"). */
  name: string;
  route: string;
  body: Record<string, unknown>;
}

/** The calls an insight makes: one, or (trends) one per series and again for the previous period. */
export function calls(insight: Insight, today = new Date()): Call[] {
  const range = rangeOf(insight, today);
  switch (insight.kind) {
    case 'trends': {
      const trend = (spec: SeriesSpec, r: DateRange) => ({
        metric: { name: spec.event || 'any event', events: matcher(spec.event, insight.filters),
          aggregation: spec.aggregation, property: spec.aggregation === 'sum' ? spec.property ?? '' : '' },
        range: r, interval: insight.interval, breakdown: insight.breakdown.trim() });
      const current = insight.series.map((spec, i) => ({ name: `series ${i + 1}`, route: 'trends',
        body: trend(spec, range) }));
      const previous = insight.compare ? insight.series.map((spec, i) => ({ name: `previous ${i + 1}`,
        route: 'trends', body: trend(spec, previousRange(range)) })) : [];
      return [...current, ...previous];
    }
    case 'funnel':
      return [{ name: 'funnel', route: 'funnel', body: funnelBody(insight, range) }];
    case 'retention':
      return [{ name: 'retention', route: 'retention', body: retentionBody(insight, range) }];
    case 'lifecycle':
      return [{ name: 'lifecycle', route: 'lifecycle', body: { range, interval: insight.interval,
        ...matcher(insight.event, insight.filters) } }];
    case 'stickiness':
    case 'active-users':
      return [{ name: insight.kind, route: 'active-users', body: { range,
        ...matcher(insight.event, insight.filters) } }];
    case 'churn':
      return [{ name: 'churn', route: 'churn', body: { range, interval: insight.interval } }];
    case 'time-to-value':
      return [{ name: 'time-to-value', route: 'time-to-value', body: insight.event.trim()
        ? { range, activation: matcher(insight.event, insight.filters) } : { range } }];
    case 'aarrr':
      return [{ name: 'aarrr', route: 'aarrr', body: { range, interval: insight.interval } }];
    case 'north-star':
      return [{ name: 'north-star', route: 'north-star', body: { range, interval: insight.interval } }];
    case 'paths':
      return [{ name: 'paths', route: 'paths', body: { range, kind: insight.pathKind, steps: insight.pathSteps,
        start: insight.pathStart.trim(), end: insight.pathEnd.trim(), breakdown: insight.breakdown.trim() } }];
    case 'funnel-correlation':
      return [{ name: 'funnel-correlation', route: 'funnel-correlation', body: { funnel: funnelBody(insight, range),
        options: correlationOptions(insight) } }];
    case 'retention-correlation':
      return [{ name: 'retention-correlation', route: 'retention-correlation', body: {
        retention: retentionBody(insight, range), period: insight.period, options: correlationOptions(insight) } }];
    case 'activation-discovery':
      return [{ name: 'activation-discovery', route: 'activation-discovery', body: { range,
        actionDays: insight.actionDays, returnFromDay: insight.returnFromDay, returnToDay: insight.returnToDay,
        thresholds: insight.thresholds, minPeople: insight.minPeople } }];
  }
}

/**
 * Which kinds read the property filters: not churn, AARRR and the North Star (defined once in the project's
 * analytics settings), paths (every event of a journey) and activation discovery (every action is a candidate).
 */
export function takesFilters(kind: InsightKind): boolean {
  return ['trends', 'funnel', 'retention', 'lifecycle', 'stickiness', 'active-users', 'time-to-value',
    'funnel-correlation', 'retention-correlation'].includes(kind);
}

/** The insight as a URL query (only what differs from the defaults), so a link opens the same question. */
export function toQuery(insight: Insight): string {
  const differs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(insight)) {
    if (JSON.stringify(value) !== JSON.stringify((DEFAULT_INSIGHT as unknown as Record<string, unknown>)[key])) {
      differs[key] = value;
    }
  }
  return `?q=${encodeURIComponent(JSON.stringify(differs))}`;
}

/** The insight a URL query names; anything unreadable falls back to the defaults. */
export function fromQuery(search: string): Insight {
  const q = new URLSearchParams(search).get('q');
  if (!q) {
    return DEFAULT_INSIGHT;
  }
  try {
    const parsed = JSON.parse(q) as Partial<Insight>;
    const insight = { ...DEFAULT_INSIGHT, ...parsed };
    return KINDS.some((k) => k.key === insight.kind) ? insight : DEFAULT_INSIGHT;
  } catch {
    return DEFAULT_INSIGHT;
  }
}

/** A number the gateway wrote (numbers, or "Infinity" as text for one-sided intervals). */
export function num(value: unknown): number {
  return typeof value === 'number' ? value : value === undefined || value === null ? 0 : Number(value);
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled. */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return rows.map((row) => row.map((cell) => {
    const text = cell === null || cell === undefined ? '' : String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',')).join('\r\n') + '\r\n';
}

/**
 * The gateway's analytics answers (flywheel.analytics.v1 as JSON) and each one as a table: the table the page shows
 * under the chart is the CSV it exports, so what a person downloads is what they saw.
 */
import { type Call, type InsightKind, num } from './model';

export interface Point { period: string; value: number }
export interface Series { breakdown: string; points: Point[]; total: number }
export interface TrendsAnswer { series: Series[] }
export interface FunnelStep {
  index: number; count: number; conversionFromPrevious: number; conversionFromFirst: number; inProgress: number;
  dropped: number; medianSecondsToConvert?: number; averageSecondsToConvert?: number;
}
export interface FunnelAnswer { groups: { breakdown: string; steps: FunnelStep[] }[] }
export interface Cohort { period: string; size: number; counts: number[]; shares: number[] }
export interface RetentionAnswer { cohorts: Cohort[] }
export interface LifecycleAnswer {
  periods: { period: string; new: number; returning: number; resurrecting: number; dormant: number }[];
}
export interface ActiveUsersAnswer {
  days: { day: string; dau: number; wau: number; mau: number; dauOverMau: number }[];
  stickiness: number[];
}
export interface ChurnAnswer {
  periods: { period: string; active: number; churned?: number; churnRate?: number; revenue: number;
    newRevenue?: number; expansion?: number; contraction?: number; churnedRevenue?: number }[];
}
export interface TimeToValueAnswer {
  people: number; activated: number; medianSeconds?: number; averageSeconds?: number; p90Seconds?: number;
}
export interface AarrrPeriod {
  period: string; newUsers: number; newUsersBySource: Record<string, number>; activated: number;
  activationRate: number; retained: number; retentionRate: number; referralEvents: number; referrers: number;
  referredUsers: number; revenue: number; arpu: number; payingShare: number; activeUsers: number;
}
export interface AarrrAnswer { periods: AarrrPeriod[] }
export interface NorthStarAnswer { name: string; northStar: TrendsAnswer; inputs: { name: string; series: Series }[] }
export interface PathNode { step: number; label: string; people: number; leaving: number }
export interface PathEdge { step: number; from: string; to: string; people: number }
export interface PathsAnswer {
  people: number; nodes: PathNode[]; edges: PathEdge[];
  groups: { breakdown: string; people: number; nodes: PathNode[]; edges: PathEdge[] }[];
}
export interface CorrelationCandidate {
  event: string; property: string; value: string; successWith: number; failureWith: number; successWithout: number;
  failureWithout: number; oddsRatio: number | string; oddsRatioLower: number | string;
  oddsRatioUpper: number | string; pValue: number; adjustedPValue: number; significant: boolean;
}
export interface CorrelationAnswer {
  successes: number; failures: number; tested: number; candidates: CorrelationCandidate[];
}
export interface ActivationCandidate {
  action: string; atLeast: number; people: number; retained: number; others: number; othersRetained: number;
  coverage: number; retention: number; othersRetention: number; lift: number; liftLower: number; liftUpper: number;
  pValue: number; adjustedPValue: number; significant: boolean; experimentKey: string;
  experimentDefinitionJson: string; surveyKey: string; surveyDefinitionJson: string;
}
export interface ActivationAnswer {
  newPeople: number; observed: number; retained: number; retention: number; tested: number;
  candidates: ActivationCandidate[]; caution: string;
}

/** Each call's answer, by the call's name. */
export type Answers = Record<string, unknown>;

export type Cell = string | number | null;

export interface Table {
  header: string[];
  rows: Cell[][];
}

/** What a correlation candidate is, in words: an event, or a property's value. */
export function candidateLabel(c: CorrelationCandidate): string {
  return c.property ? `${c.property} = ${c.value}` : c.event;
}

/** The label of a trends series: the call's event and, with a breakdown, the group. */
export function seriesLabel(call: Call, series: Series): string {
  const metric = (call.body as { metric: { name: string; aggregation: string; property: string } }).metric;
  const measure = metric.aggregation === 'unique_users' ? 'unique people'
    : metric.aggregation === 'sum' ? `sum of ${metric.property}` : 'total';
  const base = `${metric.name} (${measure})`;
  return series.breakdown ? `${base} · ${series.breakdown}` : base;
}

function trendsTable(calls: Call[], answers: Answers): Table {
  const current = calls.filter((c) => !c.name.startsWith('previous'));
  const columns: { label: string; series: Series }[] = [];
  current.forEach((call) => ((answers[call.name] as TrendsAnswer)?.series ?? []).forEach((series) =>
    columns.push({ label: seriesLabel(call, series), series })));
  const periods = columns[0]?.series.points.map((p) => p.period) ?? [];
  const previous = calls.filter((c) => c.name.startsWith('previous'));
  const previousColumns: { label: string; series: Series }[] = [];
  previous.forEach((call) => ((answers[call.name] as TrendsAnswer)?.series ?? []).forEach((series) =>
    previousColumns.push({ label: `${seriesLabel(call, series)} (previous period)`, series })));
  return {
    header: ['period', ...columns.map((c) => c.label), ...previousColumns.map((c) => c.label)],
    rows: periods.map((period, i) => [period, ...columns.map((c) => num(c.series.points[i]?.value)),
      ...previousColumns.map((c) => (c.series.points[i] ? num(c.series.points[i].value) : null))]),
  };
}

const rounded = (v: number | undefined, digits = 4) => (v === undefined ? null : Number(num(v).toFixed(digits)));

/** Each kind's answer as rows; the header names each column's unit. */
export function table(kind: InsightKind, calls: Call[], answers: Answers): Table {
  const only = answers[calls[0]?.name];
  switch (kind) {
    case 'trends':
      return trendsTable(calls, answers);
    case 'funnel': {
      const groups = (only as FunnelAnswer).groups ?? [];
      return {
        header: ['group', 'step', 'people', 'conversion from first', 'conversion from previous', 'dropped',
          'in progress', 'median seconds to convert', 'average seconds to convert'],
        rows: groups.flatMap((g) => g.steps.map((s) => [g.breakdown || 'everybody', num(s.index) + 1, num(s.count),
          rounded(s.conversionFromFirst), rounded(s.conversionFromPrevious), num(s.dropped), num(s.inProgress),
          rounded(s.medianSecondsToConvert, 1), rounded(s.averageSecondsToConvert, 1)])),
      };
    }
    case 'retention': {
      const cohorts = (only as RetentionAnswer).cohorts ?? [];
      const width = Math.max(0, ...cohorts.map((c) => c.counts.length));
      return {
        header: ['cohort', 'size', ...Array.from({ length: width }, (_, k) => `period ${k}`)],
        rows: cohorts.map((c) => [c.period, num(c.size), ...Array.from({ length: width },
          (_, k) => (k < c.counts.length ? num(c.counts[k]) : null))]),
      };
    }
    case 'lifecycle':
      return {
        header: ['period', 'new', 'returning', 'resurrecting', 'dormant'],
        rows: ((only as LifecycleAnswer).periods ?? []).map((p) => [p.period, num(p.new), num(p.returning),
          num(p.resurrecting), num(p.dormant)]),
      };
    case 'active-users':
      return {
        header: ['day', 'DAU', 'WAU', 'MAU', 'DAU/MAU'],
        rows: ((only as ActiveUsersAnswer).days ?? []).map((d) => [d.day, num(d.dau), num(d.wau), num(d.mau),
          rounded(d.dauOverMau)]),
      };
    case 'stickiness':
      return {
        header: ['days active', 'people'],
        rows: ((only as ActiveUsersAnswer).stickiness ?? []).map((people, k) => [k + 1, num(people)]),
      };
    case 'churn':
      return {
        header: ['period', 'active', 'churned', 'churn rate', 'revenue', 'new revenue', 'expansion', 'contraction',
          'churned revenue'],
        rows: ((only as ChurnAnswer).periods ?? []).map((p) => [p.period, num(p.active), p.churned ?? null,
          rounded(p.churnRate), num(p.revenue), p.newRevenue ?? null, p.expansion ?? null, p.contraction ?? null,
          p.churnedRevenue ?? null]),
      };
    case 'time-to-value': {
      const t = only as TimeToValueAnswer;
      return {
        header: ['people', 'activated', 'median seconds', 'average seconds', 'p90 seconds'],
        rows: [[num(t.people), num(t.activated), rounded(t.medianSeconds, 1), rounded(t.averageSeconds, 1),
          rounded(t.p90Seconds, 1)]],
      };
    }
    case 'aarrr':
      return {
        header: ['period', 'new users', 'activated', 'activation rate', 'retained', 'retention rate',
          'referral events', 'referrers', 'referred users', 'revenue', 'ARPU', 'paying share', 'active users'],
        rows: ((only as AarrrAnswer).periods ?? []).map((p) => [p.period, num(p.newUsers), num(p.activated),
          rounded(p.activationRate), num(p.retained), rounded(p.retentionRate), num(p.referralEvents),
          num(p.referrers), num(p.referredUsers), num(p.revenue), rounded(p.arpu), rounded(p.payingShare),
          num(p.activeUsers)]),
      };
    case 'north-star': {
      const n = only as NorthStarAnswer;
      const main = n.northStar?.series?.[0];
      const inputs = n.inputs ?? [];
      return {
        header: ['period', n.name || 'North Star', ...inputs.map((i) => i.name)],
        rows: (main?.points ?? []).map((p, k) => [p.period, num(p.value),
          ...inputs.map((i) => num(i.series?.points?.[k]?.value))]),
      };
    }
    case 'paths':
      return {
        header: ['step', 'from', 'to', 'people'],
        rows: ((only as PathsAnswer).edges ?? []).map((e) => [num(e.step), e.from, e.to, num(e.people)]),
      };
    case 'funnel-correlation':
    case 'retention-correlation':
      return {
        header: ['candidate', 'successes with', 'failures with', 'successes without', 'failures without',
          'odds ratio', 'odds ratio lower', 'odds ratio upper', 'p-value', 'Holm-adjusted p-value', 'significant'],
        rows: ((only as CorrelationAnswer).candidates ?? []).map((c) => [candidateLabel(c), num(c.successWith),
          num(c.failureWith), num(c.successWithout), num(c.failureWithout), rounded(num(c.oddsRatio)),
          rounded(num(c.oddsRatioLower)), rounded(num(c.oddsRatioUpper)), num(c.pValue), num(c.adjustedPValue),
          c.significant ? 'yes' : 'no']),
      };
    case 'activation-discovery':
      return {
        header: ['action', 'at least', 'people', 'coverage', 'retention', 'others retention', 'lift', 'lift lower',
          'lift upper', 'Holm-adjusted p-value', 'significant'],
        rows: ((only as ActivationAnswer).candidates ?? []).map((c) => [c.action, num(c.atLeast), num(c.people),
          rounded(c.coverage), rounded(c.retention), rounded(c.othersRetention), rounded(c.lift),
          rounded(c.liftLower), rounded(c.liftUpper), num(c.adjustedPValue), c.significant ? 'yes' : 'no']),
      };
  }
}

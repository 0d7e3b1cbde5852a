import { useEffect, useMemo, useState } from 'react';

import { api, call, describe, includes, type ProjectRole } from '../api';
import { Chart, type ChartOption } from '../charts/Chart';
import { Link } from '../router';
import { ErrorText, percent } from '../ui';
import {
  type ActivationAnswer, type ActiveUsersAnswer, type AarrrAnswer, type Answers, type ChurnAnswer,
  type CorrelationAnswer, type FunnelAnswer, type LifecycleAnswer, type NorthStarAnswer, type PathsAnswer,
  type RetentionAnswer, type TimeToValueAnswer, type TrendsAnswer, candidateLabel, seriesLabel,
} from './answers';
import { type Call, type Insight, num } from './model';

const GRID = { left: 56, right: 24, top: 36, bottom: 32, containLabel: true };
/** ECharts' own default colours, named so a series and its previous period can share one. */
const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc'];

export function seconds(value: number | undefined): string {
  if (value === undefined) {
    return '—';
  }
  const s = num(value);
  if (s < 90) {
    return `${s.toFixed(0)} s`;
  }
  if (s < 5400) {
    return `${(s / 60).toFixed(1)} min`;
  }
  if (s < 172_800) {
    return `${(s / 3600).toFixed(1)} h`;
  }
  return `${(s / 86_400).toFixed(1)} d`;
}

/** The chart (or tiles) for one insight's answers. */
export function Results({ insight, calls, answers, project, environment }: { insight: Insight; calls: Call[];
  answers: Answers; project: ProjectRole; environment: string }) {
  const only = answers[calls[0].name];
  switch (insight.kind) {
    case 'trends':
      return <Trends insight={insight} calls={calls} answers={answers} />;
    case 'funnel':
      return <>
        <Funnel answer={only as FunnelAnswer} steps={insight.steps} />
        <FunnelPeople project={project} environment={environment} funnel={calls[0].body} steps={insight.steps}
          answer={only as FunnelAnswer} />
      </>;
    case 'retention':
      return <Retention answer={only as RetentionAnswer} project={project} environment={environment}
        question={calls[0].body} />;
    case 'lifecycle':
      return <Lifecycle answer={only as LifecycleAnswer} />;
    case 'active-users':
      return <ActiveUsers answer={only as ActiveUsersAnswer} />;
    case 'stickiness':
      return <Stickiness answer={only as ActiveUsersAnswer} />;
    case 'churn':
      return <Churn answer={only as ChurnAnswer} />;
    case 'time-to-value':
      return <TimeToValue answer={only as TimeToValueAnswer} />;
    case 'aarrr':
      return <Aarrr answer={only as AarrrAnswer} />;
    case 'north-star':
      return <NorthStar answer={only as NorthStarAnswer} />;
    case 'paths':
      return <Paths answer={only as PathsAnswer} />;
    case 'funnel-correlation':
    case 'retention-correlation':
      return <Correlation answer={only as CorrelationAnswer} />;
    case 'activation-discovery':
      return <Activation answer={only as ActivationAnswer} project={project} environment={environment} />;
  }
}

function Trends({ insight, calls, answers }: { insight: Insight; calls: Call[]; answers: Answers }) {
  const { option, values } = useMemo(() => {
    const lines: { name: string; data: number[]; previous: boolean }[] = [];
    let periods: string[] = [];
    for (const c of calls) {
      const previous = c.name.startsWith('previous');
      for (const series of (answers[c.name] as TrendsAnswer)?.series ?? []) {
        if (!previous && periods.length === 0) {
          periods = series.points.map((p) => p.period);
        }
        lines.push({ name: `${seriesLabel(c, series)}${previous ? ' (previous period)' : ''}`,
          data: series.points.map((p) => num(p.value)), previous });
      }
    }
    const chart: ChartOption = {
      legend: { top: 0, type: 'scroll' }, grid: GRID,
      xAxis: { type: 'category', data: periods }, yAxis: { type: 'value' },
      // a previous period's line has the colour of the current one it mirrors, dashed and faded
      series: lines.map((line, i) => {
        const mirrored = line.previous ? i - lines.filter((l) => !l.previous).length : i;
        return { type: insight.display, name: line.name, data: line.data,
          color: PALETTE[mirrored % PALETTE.length],
          lineStyle: line.previous ? { type: 'dashed', opacity: 0.6 } : undefined,
          itemStyle: line.previous ? { opacity: 0.5 } : undefined };
      }),
    };
    return { option: chart, values: Object.fromEntries(lines.map((l) => [l.name, l.data])) };
  }, [calls, answers, insight.display]);
  return <Chart option={option} values={values} label="Trends: each series per period" className="trends-chart" />;
}

function Funnel({ answer, steps }: { answer: FunnelAnswer; steps: string[] }) {
  const groups = answer.groups ?? [];
  const { option, values } = useMemo(() => {
    const names = steps.map((s, i) => `${i + 1}. ${s || 'any event'}`);
    const chart: ChartOption = {
      legend: { top: 0, type: 'scroll' }, grid: GRID,
      xAxis: { type: 'category', data: names }, yAxis: { type: 'value', name: 'people' },
      series: [...groups.map((g) => ({ type: 'bar', name: g.breakdown || 'everybody', stack: `funnel ${g.breakdown}`,
        data: g.steps.map((s) => num(s.count)),
        label: { show: true, position: 'insideTop',
          formatter: (p: { dataIndex: number }) => percent(num(g.steps[p.dataIndex].conversionFromFirst)) } })),
      // without a breakdown, who left before each step stands greyed on top of who is there
      ...(groups.length === 1 ? [{ type: 'bar', name: 'left before this step', stack: `funnel ${groups[0].breakdown}`,
        itemStyle: { color: '#d5dae3' },
        data: groups[0].steps.map((s) => num(groups[0].steps[0]?.count) - num(s.count)) }] : [])],
    };
    return { option: chart, values: Object.fromEntries(groups.map((g) => [g.breakdown || 'everybody',
      g.steps.map((s) => num(s.count))])) };
  }, [groups, steps]);
  const everybody = groups[0];
  return (
    <>
      <Chart option={option} values={values} label="Funnel: people at each step" className="funnel-chart" />
      {everybody && (
        <div className="tiles" aria-label="Conversion">
          <Tile label="Converted" value={percent(num(everybody.steps[everybody.steps.length - 1]?.conversionFromFirst))}
            detail={`${num(everybody.steps[everybody.steps.length - 1]?.count)} of ${num(everybody.steps[0]?.count)}`} />
          <Tile label="Dropped" value={String(everybody.steps.reduce((sum, s) => sum + num(s.dropped), 0))}
            detail="their window closed" />
          <Tile label="In progress" value={String(everybody.steps.reduce((sum, s) => sum + num(s.inProgress), 0))}
            detail="may still convert" />
          <Tile label="Median time to convert" value={seconds(everybody.steps[everybody.steps.length - 1]
            ?.medianSecondsToConvert)} detail="last step" />
        </div>
      )}
    </>
  );
}

function Tile({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {detail && <div className="tile-detail muted">{detail}</div>}
    </div>
  );
}

/**
 * The cohort triangle as a heat table (darker: more of the cohort came back; never so dark that the text loses its
 * contrast), and the average curve.
 */
function Retention({ answer, project, environment, question }: { answer: RetentionAnswer; project: ProjectRole;
  environment: string; question: Record<string, unknown> }) {
  const [ask, setAsk] = useState<PeopleAsk | null>(null);
  const all = answer.cohorts ?? [];
  const cohorts = useMemo(() => all.filter((c) => num(c.size) > 0), [all]);
  const width = Math.max(0, ...cohorts.map((c) => c.counts.length));
  const { option, curve } = useMemo(() => {
    // each period's share over the cohorts that reached it, weighted by their size
    const average = Array.from({ length: width }, (_, k) => {
      const reached = cohorts.filter((c) => k < c.counts.length);
      const size = reached.reduce((sum, c) => sum + num(c.size), 0);
      return size ? reached.reduce((sum, c) => sum + num(c.counts[k]), 0) / size : 0;
    });
    const chart: ChartOption = {
      grid: GRID, xAxis: { type: 'category', data: average.map((_, k) => `period ${k}`) },
      yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => percent(v, 0) } },
      series: [{ type: 'line', name: 'retained (weighted average)', data: average }],
    };
    return { option: chart, curve: average };
  }, [cohorts, width]);
  return (
    <>
      {all.length > cohorts.length && <p className="muted">{all.length - cohorts.length} cohorts without people are
        {' '}not shown.</p>}
      <table className="table compact heat" aria-label="Retention by cohort">
        <thead><tr><th>Cohort</th><th>People</th>
          {Array.from({ length: width }, (_, k) => <th key={k}>Period {k}</th>)}</tr></thead>
        <tbody>
          {cohorts.map((c) => (
            <tr key={c.period}>
              <th scope="row">{c.period}</th><td>{num(c.size)}</td>
              {Array.from({ length: width }, (_, k) => (k < c.counts.length
                ? <td key={k} data-count={num(c.counts[k])}
                  style={{ background: `rgba(37, 84, 176, ${(0.05 + 0.5 * num(c.shares[k])).toFixed(3)})` }}
                  title={`${num(c.counts[k])} of ${num(c.size)}`}>
                  <button type="button" className="cell" aria-label={`People of the ${c.period} cohort in period ${k}`}
                    onClick={() => setAsk({ title: `The ${c.period} cohort in period ${k}`, route: 'retention-people',
                      body: { retention: question, cohort: c.period, period: k } })}>
                    {percent(num(c.shares[k]))}</button></td>
                : <td key={k} />))}
            </tr>
          ))}
        </tbody>
      </table>
      {ask && <PeopleList project={project} environment={environment} ask={ask} />}
      <Chart option={option} values={curve} label="Retention curve: the share retained per period" height={240}
        className="retention-curve" />
    </>
  );
}

function Lifecycle({ answer }: { answer: LifecycleAnswer }) {
  const periods = answer.periods ?? [];
  const { option, values } = useMemo(() => {
    const parts = ['new', 'returning', 'resurrecting', 'dormant'] as const;
    const data = Object.fromEntries(parts.map((part) => [part, periods.map((p) => num(p[part]))]));
    const chart: ChartOption = {
      legend: { top: 0 }, grid: GRID, xAxis: { type: 'category', data: periods.map((p) => p.period) },
      yAxis: { type: 'value' },
      series: parts.map((part) => ({ type: 'bar', name: part, stack: 'people', data: data[part] })),
    };
    return { option: chart, values: data };
  }, [periods]);
  return <Chart option={option} values={values} label="Lifecycle: new, returning, resurrecting and dormant people"
    className="lifecycle-chart" />;
}

function ActiveUsers({ answer }: { answer: ActiveUsersAnswer }) {
  const days = answer.days ?? [];
  const { option, values } = useMemo(() => {
    const data = { DAU: days.map((d) => num(d.dau)), WAU: days.map((d) => num(d.wau)),
      MAU: days.map((d) => num(d.mau)) };
    const chart: ChartOption = {
      legend: { top: 0 }, grid: GRID, xAxis: { type: 'category', data: days.map((d) => d.day) },
      yAxis: { type: 'value' },
      series: Object.entries(data).map(([name, points]) => ({ type: 'line', name, data: points })),
    };
    return { option: chart, values: data };
  }, [days]);
  return <Chart option={option} values={values} label="Active users: daily, weekly and monthly"
    className="active-users-chart" />;
}

function Stickiness({ answer }: { answer: ActiveUsersAnswer }) {
  const stickiness = useMemo(() => (answer.stickiness ?? []).map(num), [answer]);
  const option = useMemo<ChartOption>(() => ({
    grid: GRID, xAxis: { type: 'category', name: 'days active', data: stickiness.map((_, k) => String(k + 1)) },
    yAxis: { type: 'value', name: 'people' }, series: [{ type: 'bar', name: 'people', data: stickiness }],
  }), [stickiness]);
  return <Chart option={option} values={stickiness} label="Stickiness: people by how many days they were active"
    className="stickiness-chart" />;
}

function Churn({ answer }: { answer: ChurnAnswer }) {
  const periods = answer.periods ?? [];
  const { option, values } = useMemo(() => {
    const data = { active: periods.map((p) => num(p.active)),
      churned: periods.map((p) => (p.churned === undefined ? null : num(p.churned))),
      churnRate: periods.map((p) => (p.churnRate === undefined ? null : num(p.churnRate))) };
    const chart: ChartOption = {
      legend: { top: 0 }, grid: GRID, xAxis: { type: 'category', data: periods.map((p) => p.period) },
      yAxis: [{ type: 'value', name: 'people' }, { type: 'value', name: 'churn rate', max: 1,
        axisLabel: { formatter: (v: number) => percent(v, 0) } }],
      series: [{ type: 'bar', name: 'active', data: data.active }, { type: 'bar', name: 'churned', data: data.churned },
        { type: 'line', name: 'churn rate', yAxisIndex: 1, data: data.churnRate }],
    };
    return { option: chart, values: data };
  }, [periods]);
  return <Chart option={option} values={values} label="Churn: active and churned people per period, and the rate"
    className="churn-chart" />;
}

function TimeToValue({ answer }: { answer: TimeToValueAnswer }) {
  return (
    <div className="tiles" aria-label="Time to value" data-values={JSON.stringify(answer)}>
      <Tile label="New people" value={String(num(answer.people))} />
      <Tile label="Activated" value={String(num(answer.activated))}
        detail={num(answer.people) ? percent(num(answer.activated) / num(answer.people)) : undefined} />
      <Tile label="Median time to value" value={seconds(answer.medianSeconds)} />
      <Tile label="Average" value={seconds(answer.averageSeconds)} />
      <Tile label="90th percentile" value={seconds(answer.p90Seconds)} />
    </div>
  );
}

/** One tile per stage for the latest period, with how it moved since the one before. */
function Aarrr({ answer }: { answer: AarrrAnswer }) {
  const periods = answer.periods ?? [];
  const last = periods[periods.length - 1];
  const before = periods[periods.length - 2];
  if (!last) {
    return <p className="muted">No periods in this range.</p>;
  }
  const change = (now: number, then: number | undefined, rate = false) => (then === undefined ? undefined
    : rate ? `${((now - then) * 100).toFixed(1)} points since ${before.period}`
      : `${now - then >= 0 ? '+' : ''}${(now - then).toFixed(0)} since ${before.period}`);
  return (
    <div className="tiles aarrr" aria-label={`AARRR for the period from ${last.period}`}
      data-values={JSON.stringify(last)}>
      <Tile label="Acquisition: new users" value={String(num(last.newUsers))}
        detail={change(num(last.newUsers), before && num(before.newUsers))} />
      <Tile label="Activation" value={percent(num(last.activationRate))}
        detail={`${num(last.activated)} activated`} />
      <Tile label="Retention" value={percent(num(last.retentionRate))} detail={`${num(last.retained)} retained`} />
      <Tile label="Referral: referred users" value={String(num(last.referredUsers))}
        detail={`${num(last.referrers)} referrers`} />
      <Tile label="Revenue" value={num(last.revenue).toFixed(2)}
        detail={`ARPU ${num(last.arpu).toFixed(2)} · ${percent(num(last.payingShare))} paying`} />
    </div>
  );
}

function NorthStar({ answer }: { answer: NorthStarAnswer }) {
  const { option, values } = useMemo(() => {
    const main = answer.northStar?.series?.[0];
    const lines = [{ name: answer.name || 'North Star', data: (main?.points ?? []).map((p) => num(p.value)) },
      ...(answer.inputs ?? []).map((i) => ({ name: i.name, data: (i.series?.points ?? []).map((p) => num(p.value)) }))];
    const chart: ChartOption = {
      legend: { top: 0 }, grid: GRID, xAxis: { type: 'category', data: (main?.points ?? []).map((p) => p.period) },
      yAxis: { type: 'value' },
      series: lines.map((line, i) => ({ type: 'line', name: line.name, data: line.data,
        lineStyle: { width: i === 0 ? 3 : 1.5 } })),
    };
    return { option: chart, values: Object.fromEntries(lines.map((l) => [l.name, l.data])) };
  }, [answer]);
  return <Chart option={option} values={values} label="The North Star metric and its inputs per period"
    className="north-star-chart" />;
}

/** Paths as a flow: a node per label per column ("2. Signed Up"), a band per move, as wide as its people. */
function Paths({ answer }: { answer: PathsAnswer }) {
  const { option, values } = useMemo(() => {
    const name = (step: number, label: string) => `${step}. ${label}`;
    const nodes = (answer.nodes ?? []).map((n) => ({ name: name(num(n.step), n.label), depth: num(n.step) - 1,
      value: num(n.people) }));
    const links = (answer.edges ?? []).map((e) => ({ source: name(num(e.step), e.from),
      target: name(num(e.step) + 1, e.to), value: num(e.people) }));
    const chart: ChartOption = {
      tooltip: { trigger: 'item', confine: true },
      series: [{ type: 'sankey', left: 8, right: 140, top: 8, bottom: 8, nodeAlign: 'left', draggable: false,
        emphasis: { focus: 'adjacency' }, lineStyle: { color: 'gradient', opacity: 0.35 }, data: nodes, links,
        label: { fontSize: 12 } }],
    };
    return { option: chart, values: links };
  }, [answer]);
  return (
    <>
      <p className="muted">{num(answer.people)} people.</p>
      <Chart option={option} values={values} label="Paths: how people moved from step to step" height={460}
        className="paths-chart" />
    </>
  );
}

function Correlation({ answer }: { answer: CorrelationAnswer }) {
  const candidates = answer.candidates ?? [];
  return (
    <>
      <p className="muted">{num(answer.successes)} succeeded, {num(answer.failures)} did not; {num(answer.tested)}
        {' '}candidates tested (Fisher's exact test, Holm-adjusted).</p>
      <table className="table compact correlation" aria-label="Correlated events and properties">
        <thead><tr><th>Candidate</th><th>Odds ratio (95% interval)</th><th>Among successes</th>
          <th>Among failures</th><th>Adjusted p</th></tr></thead>
        <tbody>
          {candidates.map((c) => {
            const odds = num(c.oddsRatio);
            return (
              <tr key={candidateLabel(c)} className={c.significant ? 'significant' : undefined}
                data-candidate={candidateLabel(c)} data-odds-ratio={odds}>
                <td>{candidateLabel(c)}{odds >= 1 ? ' ▲' : ' ▼'}</td>
                <td>{odds.toFixed(2)} ({num(c.oddsRatioLower).toFixed(2)}–{num(c.oddsRatioUpper).toFixed(2)})</td>
                <td>{num(c.successWith)} of {num(c.successWith) + num(c.successWithout)}</td>
                <td>{num(c.failureWith)} of {num(c.failureWith) + num(c.failureWithout)}</td>
                <td>{num(c.adjustedPValue).toPrecision(2)}</td>
              </tr>
            );
          })}
          {candidates.length === 0 && <tr><td colSpan={5} className="muted">Nothing tested differs enough.</td></tr>}
        </tbody>
      </table>
    </>
  );
}

/** Ranked activation candidates; each becomes an experiment or a survey with one click (created stopped). */
function Activation({ answer, project, environment }: { answer: ActivationAnswer; project: ProjectRole;
  environment: string }) {
  const [created, setCreated] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const mayEdit = includes(project.role, 'editor');
  const base = `/api/v1/projects/${project.id}/environments/${environment}`;

  async function create(what: 'experiments' | 'surveys', key: string, definition: string) {
    setError(null);
    try {
      await call(`${base}/${what}/${encodeURIComponent(key)}`, { method: 'PUT', body: definition,
        headers: { 'If-None-Match': '*' } });
      setCreated((c) => ({ ...c, [`${what}/${key}`]: 'created' }));
    } catch (failure) {
      setError(describe(failure));
    }
  }

  const candidates = answer.candidates ?? [];
  return (
    <>
      <p className="muted">{num(answer.newPeople)} new people, {num(answer.observed)} observed long enough;
        {' '}{percent(num(answer.retention))} came back. {num(answer.tested)} candidates tested.</p>
      {answer.caution && <p className="notice">{answer.caution}</p>}
      <ErrorText error={error} />
      <table className="table compact activation" aria-label="Activation candidates">
        <thead><tr><th>Did this</th><th>People</th><th>Retention</th><th>Others</th><th>Lift (95% interval)</th>
          <th>Next step</th></tr></thead>
        <tbody>
          {candidates.map((c) => {
            const id = `${c.action} ≥ ${num(c.atLeast)}`;
            return (
              <tr key={id} data-candidate={id} data-lift={num(c.lift)}
                className={c.significant ? 'significant' : undefined}>
                <td>{c.action}, at least {num(c.atLeast)}×</td>
                <td>{num(c.people)} ({percent(num(c.coverage))})</td>
                <td>{percent(num(c.retention))}</td><td>{percent(num(c.othersRetention))}</td>
                <td>{percent(num(c.lift))} ({percent(num(c.liftLower))} to {percent(num(c.liftUpper))})</td>
                <td>
                  {created[`experiments/${c.experimentKey}`]
                    ? <Link to={`/p/${project.id}/experiments/${environment}/${c.experimentKey}`}>
                      Open experiment {c.experimentKey}</Link>
                    : mayEdit && <button type="button" className="small" aria-label={`Create experiment for ${id}`}
                      onClick={() => void create('experiments', c.experimentKey, c.experimentDefinitionJson)}>
                      Create experiment</button>}
                  {created[`surveys/${c.surveyKey}`]
                    ? <span className="ok"> Survey {c.surveyKey} created</span>
                    : mayEdit && <button type="button" className="small ghost-dark"
                      aria-label={`Create survey for ${id}`}
                      onClick={() => void create('surveys', c.surveyKey, c.surveyDefinitionJson)}>
                      Create survey</button>}
                </td>
              </tr>
            );
          })}
          {candidates.length === 0 && <tr><td colSpan={6} className="muted">No action reached the minimum of people.
          </td></tr>}
        </tbody>
      </table>
    </>
  );
}

const OUTCOMES = [
  { key: 'reached', label: 'reached' },
  { key: 'converted', label: 'went on' },
  { key: 'dropped', label: 'dropped' },
  { key: 'in_progress', label: 'in progress' },
] as const;

/** Which people a list shows: its title, and the analytics route and body that find them. */
interface PeopleAsk { title: string; route: string; body: Record<string, unknown> }

/** People the analytics found (at most 100 shown, with how many in all), each a link to their page and recordings. */
function PeopleList({ project, environment, ask }: { project: ProjectRole; environment: string; ask: PeopleAsk }) {
  const [found, setFound] = useState<{ people: string[]; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setFound(null);
    setError(null);
    api<{ people?: string[]; total?: number }>(`/api/v1/projects/${project.id}/environments/`
      + `${encodeURIComponent(environment)}/analytics/${ask.route}`, { method: 'POST',
      body: JSON.stringify({ ...ask.body, limit: 100 }) }).then(
      (answered) => current && setFound({ people: answered.people ?? [], total: num(answered.total) }),
      (failure) => current && setError(describe(failure)));
    return () => {
      current = false;
    };
  }, [project.id, environment, ask]);
  return (
    <div className="card people-list" aria-live="polite">
      <h2>{ask.title}{found ? ` (${found.total})` : ''}</h2>
      <ErrorText error={error} />
      {!found && !error && <p className="muted">Finding them…</p>}
      {found && found.people.length === 0 && <p className="muted">Nobody.</p>}
      {found && found.people.length > 0 && (
        <ul>{found.people.map((person) => <li key={person}><Link to={`/p/${project.id}/people/${environment}/`
          + encodeURIComponent(person)}><code>{person}</code></Link> · <Link
          to={`/p/${project.id}/recordings/${environment}?distinctId=${encodeURIComponent(person)}`}>recordings</Link>
        </li>)}</ul>
      )}
      {found && found.total > found.people.length && <p className="muted">The first {found.people.length}
        {' '}of {found.total}.</p>}
    </div>
  );
}

/**
 * Each step's people: who reached it, went on, dropped there or may still go on; each person a way to their page
 * and recordings.
 */
function FunnelPeople({ project, environment, funnel, steps, answer }: { project: ProjectRole; environment: string;
  funnel: Record<string, unknown>; steps: string[]; answer: FunnelAnswer }) {
  const [ask, setAsk] = useState<PeopleAsk | null>(null);
  const everybody = answer.groups?.find((g) => !g.breakdown) ?? answer.groups?.[0];
  return (
    <section className="funnel-people" aria-label="People at each step">
      <table className="table compact">
        <thead><tr><th>Step</th><th>People</th><th>Conversion from previous</th><th>Median time</th>
          <th>Who</th></tr></thead>
        <tbody>
          {(everybody?.steps ?? []).map((s, i) => (
            <tr key={i} data-step={i}>
              <td>{i + 1}. {steps[i] || 'any event'}</td><td>{num(s.count)}</td>
              <td>{i === 0 ? '—' : percent(num(s.conversionFromPrevious))}</td>
              <td>{i === 0 ? '—' : seconds(s.medianSecondsToConvert)}</td>
              <td>{OUTCOMES.filter((o) => i < steps.length - 1 || o.key === 'reached').map((o) => (
                <button key={o.key} type="button" className="small ghost-dark"
                  aria-label={`People who ${o.label} at step ${i + 1}`}
                  onClick={() => setAsk({ title: `People who ${o.label} at step ${i + 1}`, route: 'funnel-people',
                    body: { funnel: { ...funnel, breakdown: '' }, step: i, outcome: o.key } })}>{o.label}</button>))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {ask && <PeopleList project={project} environment={environment} ask={ask} />}
    </section>
  );
}

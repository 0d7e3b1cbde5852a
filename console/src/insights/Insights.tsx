import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';

import { api, call, describe, includes, type ProjectRole } from '../api';
import { Link, navigate } from '../router';
import { ErrorText, Page, useAction, useLoad, when } from '../ui';
import { type Answers, table } from './answers';
import { keyFrom, queryJsonOf, questionOf, type SavedInsight } from './boards';
import {
  type Call, calls as callsOf, DEFAULT_INSIGHT, type Filter, fromQuery, type Insight, KINDS, OPERATORS,
  rangeOf, takesFilters, toCsv, toQuery,
} from './model';
import { Results } from './Results';

type Run = { state: 'idle' } | { state: 'running' } | { state: 'failed'; error: string }
  | { state: 'done'; insight: Insight; calls: Call[]; answers: Answers; at: Date; millis: number };

/**
 * Runs an insight's calls against the gateway, all at once; with a Cache-Control, an answer the gateway keeps may
 * do (dashboards). When it was computed: the oldest of the answers.
 */
export async function runInsight(project: string, environment: string, calls: Call[], cacheControl?: string):
  Promise<{ answers: Answers; computedAt: Date }> {
  const answered = await Promise.all(calls.map((c) => call<unknown>(
    `/api/v1/projects/${project}/environments/${encodeURIComponent(environment)}/analytics/${c.route}`,
    { method: 'POST', body: JSON.stringify(c.body),
      headers: cacheControl ? { 'Cache-Control': cacheControl } : undefined })));
  const times = answered.map((a) => Date.parse(a.headers.get('X-Computed-At') ?? '')).filter((t) => !isNaN(t));
  return { answers: Object.fromEntries(calls.map((c, i) => [c.name, answered[i].body])),
    computedAt: new Date(times.length ? Math.min(...times) : Date.now()) };
}

function download(name: string, csv: string) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/**
 * Product analytics for one environment: pick a question, its dates and filters, run it, read the chart and the
 * table under it, export the table as CSV, share the URL (it holds the whole question).
 */
export function Insights({ project, environment, savedKey }: { project: ProjectRole; environment: string;
  savedKey?: string }) {
  const [insight, setInsight] = useState<Insight>(() => fromQuery(window.location.search));
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const [saved, setSaved] = useState<SavedInsight | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const set = (change: Partial<Insight>) => setInsight((current) => ({ ...current, ...change }));

  async function go(question: Insight) {
    const calls = callsOf(question);
    window.history.replaceState(null, '', `${window.location.pathname}${toQuery(question)}`);
    setRun({ state: 'running' });
    const started = performance.now();
    try {
      const { answers, computedAt } = await runInsight(project.id, environment, calls);
      setRun({ state: 'done', insight: question, calls, answers, at: computedAt,
        millis: performance.now() - started });
    } catch (failure) {
      setRun({ state: 'failed', error: describe(failure) });
    }
  }

  useEffect(() => {
    if (savedKey) {
      // a saved insight opens with its answer
      api<SavedInsight>(`/api/v1/projects/${project.id}/insights/${encodeURIComponent(savedKey)}`).then((loaded) => {
        setSaved(loaded);
        // the link may carry the saved question as someone changed it (not saved yet)
        const question = window.location.search.includes('q=') ? fromQuery(window.location.search)
          : questionOf(loaded);
        setInsight(question);
        void go(question);
      }, (failure) => setLoadError(describe(failure)));
    } else if (window.location.search.includes('q=')) {
      // so does a shared link
      void go(insight);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [project.id, environment, savedKey]);

  function submit(event: FormEvent) {
    event.preventDefault();
    void go(insight);
  }

  const range = rangeOf(insight);
  if (loadError) {
    return <Page title={savedKey ?? 'Insight'}><ErrorText error={loadError} /></Page>;
  }
  return (
    <Page title={saved?.name ?? 'Insights'} actions={<Link to={`/p/${project.id}/dashboards`}>Dashboards</Link>}>
      {saved && <p className="muted">Saved insight <code>{saved.key}</code> · version {saved.version} · by
        {' '}{saved.updatedBy} {when(saved.updatedAt)}</p>}
      <div className="kinds" role="group" aria-label="Insight">
        {KINDS.map((k) => (
          <button key={k.key} type="button" className={insight.kind === k.key ? 'kind chosen' : 'kind'}
            aria-pressed={insight.kind === k.key} onClick={() => setInsight({ ...insight, kind: k.key })}>
            {k.label}</button>
        ))}
      </div>
      <form className="card form insight-form" onSubmit={submit} aria-label="Question">
        <div className="row">
          <label>Dates
            <select value={insight.preset} onChange={(e) => {
              const preset = e.target.value;
              set(preset === 'custom' ? { preset, from: range.from, to: range.to } : { preset });
            }}>
              <option value="7d">Last 7 days</option>
              <option value="30d">Last 30 days</option>
              <option value="90d">Last 90 days</option>
              <option value="180d">Last 180 days</option>
              <option value="custom">Custom</option>
            </select>
          </label>
          {insight.preset === 'custom' ? <>
            <label>From<input type="date" required value={insight.from} max={insight.to || undefined}
              onChange={(e) => set({ from: e.target.value })} /></label>
            <label>To<input type="date" required value={insight.to} min={insight.from || undefined}
              onChange={(e) => set({ to: e.target.value })} /></label>
          </> : <span className="muted range">{range.from} – {range.to}</span>}
        </div>
        <KindFields insight={insight} set={set} />
        {takesFilters(insight.kind)
          ? <Filters filters={insight.filters} onChange={(filters) => set({ filters })} />
          : <p className="muted">Filters do not apply here: {insight.kind === 'paths' || insight.kind
            === 'activation-discovery' ? 'every event of a journey counts' : 'its stages are the project\'s analytics '
            + 'settings'}.</p>}
        <div className="row">
          <button type="submit" disabled={run.state === 'running'}>
            {run.state === 'running' ? 'Running…' : 'Run'}</button>
          <button type="button" className="ghost-dark" onClick={() => setInsight({ ...DEFAULT_INSIGHT,
            kind: insight.kind })}>Reset</button>
        </div>
      </form>
      <Answer run={run} project={project} environment={environment} />
      {includes(project.role, 'editor') && <SaveInsight project={project} environment={environment}
        insight={insight} saved={saved} onSaved={(stored) => {
          setSaved(stored);
          if (stored.key !== savedKey) {
            navigate(`/p/${project.id}/insights/${environment}/${stored.key}`);
          }
        }} />}
      <SavedList project={project} round={saved?.version ?? 0} />
    </Page>
  );
}

function Answer({ run, project, environment }: { run: Run; project: ProjectRole; environment: string }) {
  const shown = useMemo(() => (run.state === 'done' ? table(run.insight.kind, run.calls, run.answers) : null),
    [run]);
  if (run.state === 'idle') {
    return <p className="muted">Choose a question and run it.</p>;
  }
  if (run.state === 'running') {
    return <p className="muted" aria-live="polite">Running…</p>;
  }
  if (run.state === 'failed') {
    return <ErrorText error={run.error} />;
  }
  const fileName = `${run.insight.kind}-${rangeOf(run.insight).from}-${rangeOf(run.insight).to}.csv`;
  return (
    <section className="card answer" aria-label="Answer" data-kind={run.insight.kind}
      data-calls={JSON.stringify(run.calls)}>
      <div className="answer-head">
        <span className="muted" role="status">Computed {run.at.toLocaleTimeString()} in
          {' '}{Math.round(run.millis)} ms</span>
        <span className="spacer" />
        <button type="button" className="small ghost-dark" onClick={() => download(fileName,
          toCsv([shown!.header, ...shown!.rows]))}>Download CSV</button>
        <button type="button" className="small ghost-dark" onClick={() => void navigator.clipboard
          ?.writeText(window.location.href)}>Copy link</button>
      </div>
      <Results insight={run.insight} calls={run.calls} answers={run.answers} project={project}
        environment={environment} />
      {shown && shown.rows.length > 0 && (
        <details className="answer-table">
          <summary>Table ({shown.rows.length} rows)</summary>
          <div className="scroll">
            <table className="table compact" aria-label="The answer as a table">
              <thead><tr>{shown.header.map((h) => <th key={h}>{h}</th>)}</tr></thead>
              <tbody>{shown.rows.map((row, i) => <tr key={i}>{row.map((cell, j) => <td key={j}>
                {cell ?? '—'}</td>)}</tr>)}</tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return <label>{label}{children}</label>;
}

function Text({ label, value, onChange, placeholder, required }: { label: string; value: string;
  onChange: (value: string) => void; placeholder?: string; required?: boolean }) {
  return <Field label={label}><input value={value} placeholder={placeholder} required={required}
    onChange={(e) => onChange(e.target.value)} /></Field>;
}

function NumberField({ label, value, onChange, min, max }: { label: string; value: number;
  onChange: (value: number) => void; min: number; max: number }) {
  return <Field label={label}><input type="number" min={min} max={max} value={value}
    onChange={(e) => onChange(Number(e.target.value))} /></Field>;
}

function IntervalField({ insight, set }: { insight: Insight; set: (change: Partial<Insight>) => void }) {
  return (
    <Field label="Interval">
      <select value={insight.interval} onChange={(e) => set({ interval: e.target.value as Insight['interval'] })}>
        <option value="day">day</option><option value="week">week</option><option value="month">month</option>
      </select>
    </Field>
  );
}

/** A comma-separated list typed as text ("plan, country"). */
function List({ label, values, onChange, placeholder }: { label: string; values: string[];
  onChange: (values: string[]) => void; placeholder?: string }) {
  const [text, setText] = useState(values.join(', '));
  return <Field label={label}><input value={text} placeholder={placeholder} onChange={(e) => {
    setText(e.target.value);
    onChange(e.target.value.split(',').map((v) => v.trim()).filter(Boolean));
  }} /></Field>;
}

function Steps({ steps, onChange }: { steps: string[]; onChange: (steps: string[]) => void }) {
  return (
    <fieldset className="steps">
      <legend className="label">Steps</legend>
      <div className="row">
        {steps.map((step, i) => (
          <div className="step" key={i}>
            <label>{`Step ${i + 1}`}<input value={step} required placeholder="event name"
              onChange={(e) => onChange(steps.map((s, j) => (j === i ? e.target.value : s)))} /></label>
            {steps.length > 2 && <button type="button" className="small ghost-dark remove"
              aria-label={`Remove step ${i + 1}`} onClick={() => onChange(steps.filter((_, j) => j !== i))}>
              ✕</button>}
          </div>
        ))}
        {steps.length < 20 && <button type="button" className="small ghost-dark"
          onClick={() => onChange([...steps, ''])}>Add step</button>}
      </div>
    </fieldset>
  );
}

function FunnelFields({ insight, set, breakdown }: { insight: Insight; set: (change: Partial<Insight>) => void;
  breakdown?: boolean }) {
  return <>
    <Steps steps={insight.steps} onChange={(steps) => set({ steps })} />
    <div className="row">
      <Field label="Order">
        <select value={insight.order} onChange={(e) => set({ order: e.target.value as Insight['order'] })}>
          <option value="ordered">in this order</option><option value="strict">strictly in a row</option>
          <option value="unordered">any order</option>
        </select>
      </Field>
      <NumberField label="Window (hours)" value={insight.windowHours} min={1} max={8760}
        onChange={(windowHours) => set({ windowHours })} />
      {breakdown && <Text label="Breakdown" value={insight.breakdown} placeholder="property, e.g. plan"
        onChange={(breakdown) => set({ breakdown })} />}
    </div>
  </>;
}

function RetentionFields({ insight, set }: { insight: Insight; set: (change: Partial<Insight>) => void }) {
  return (
    <div className="row">
      <Text label="Cohort event" value={insight.start} placeholder="any event"
        onChange={(start) => set({ start })} />
      <Text label="Return event" value={insight.returnEvent} placeholder="any event"
        onChange={(returnEvent) => set({ returnEvent })} />
      <IntervalField insight={insight} set={set} />
      <NumberField label="Periods" value={insight.periods} min={2} max={120} onChange={(periods) => set({ periods })} />
      <Field label="Cohorts">
        <select value={insight.retentionType}
          onChange={(e) => set({ retentionType: e.target.value as Insight['retentionType'] })}>
          <option value="first_time">first time</option><option value="recurring">recurring</option>
        </select>
      </Field>
      <Field label="Counting">
        <select value={insight.mode} onChange={(e) => set({ mode: e.target.value as Insight['mode'] })}>
          <option value="on">in the period</option><option value="on_or_after">in or after the period</option>
        </select>
      </Field>
    </div>
  );
}

function CorrelationFields({ insight, set }: { insight: Insight; set: (change: Partial<Insight>) => void }) {
  return (
    <div className="row">
      <List label="Event properties" values={insight.properties} placeholder="e.g. plan, $browser"
        onChange={(properties) => set({ properties })} />
      <List label="Person properties" values={insight.personProperties} placeholder="e.g. company_size"
        onChange={(personProperties) => set({ personProperties })} />
    </div>
  );
}

/** The settings of the chosen kind. */
function KindFields({ insight, set }: { insight: Insight; set: (change: Partial<Insight>) => void }) {
  switch (insight.kind) {
    case 'trends':
      return <>
        {insight.series.map((spec, i) => (
          <div className="row series" key={i}>
            <Text label={`Series ${i + 1} event`} value={spec.event} placeholder="any event"
              onChange={(event) => set({ series: insight.series.map((s, j) => (j === i ? { ...s, event } : s)) })} />
            <Field label={`Series ${i + 1} measure`}>
              <select value={spec.aggregation} onChange={(e) => set({ series: insight.series.map((s, j) => (j === i
                ? { ...s, aggregation: e.target.value as typeof s.aggregation } : s)) })}>
                <option value="total">total events</option><option value="unique_users">unique people</option>
                <option value="sum">sum of a property</option>
              </select>
            </Field>
            {spec.aggregation === 'sum' && <Text label={`Series ${i + 1} property`} value={spec.property ?? ''}
              required onChange={(property) => set({ series: insight.series.map((s, j) => (j === i
                ? { ...s, property } : s)) })} />}
            {insight.series.length > 1 && <button type="button" className="small ghost-dark"
              aria-label={`Remove series ${i + 1}`}
              onClick={() => set({ series: insight.series.filter((_, j) => j !== i) })}>Remove</button>}
          </div>
        ))}
        <div className="row">
          {insight.series.length < 5 && <button type="button" className="small ghost-dark" onClick={() => set({
            series: [...insight.series, { event: '', aggregation: 'total' }] })}>Add series</button>}
          <IntervalField insight={insight} set={set} />
          <Text label="Breakdown" value={insight.breakdown} placeholder="property, e.g. plan"
            onChange={(breakdown) => set({ breakdown })} />
          <Field label="Chart">
            <select value={insight.display} onChange={(e) => set({ display: e.target.value as Insight['display'] })}>
              <option value="line">lines</option><option value="bar">bars</option>
            </select>
          </Field>
          <label className="switch"><input type="checkbox" checked={insight.compare}
            onChange={(e) => set({ compare: e.target.checked })} /> compare with the previous period</label>
        </div>
      </>;
    case 'funnel':
      return <FunnelFields insight={insight} set={set} breakdown />;
    case 'retention':
      return <RetentionFields insight={insight} set={set} />;
    case 'lifecycle':
      return <div className="row"><IntervalField insight={insight} set={set} />
        <Text label="Activity event" value={insight.event} placeholder="any event"
          onChange={(event) => set({ event })} /></div>;
    case 'stickiness':
    case 'active-users':
      return <div className="row"><Text label="Activity event" value={insight.event} placeholder="any event"
        onChange={(event) => set({ event })} /></div>;
    case 'churn':
    case 'aarrr':
    case 'north-star':
      return <div className="row"><IntervalField insight={insight} set={set} />
        <span className="muted">Stages and the North Star are set in the project's analytics settings.</span></div>;
    case 'time-to-value':
      return <div className="row"><Text label="Activation event" value={insight.event}
        placeholder="the project's activation event" onChange={(event) => set({ event })} /></div>;
    case 'paths':
      return (
        <div className="row">
          <Field label="Of">
            <select value={insight.pathKind}
              onChange={(e) => set({ pathKind: e.target.value as Insight['pathKind'] })}>
              <option value="events">events</option><option value="pages">pages</option>
              <option value="screens">screens</option>
            </select>
          </Field>
          <Text label="Starting at" value={insight.pathStart} placeholder="anywhere"
            onChange={(pathStart) => set({ pathStart })} />
          <Text label="Ending at" value={insight.pathEnd} placeholder="anywhere"
            onChange={(pathEnd) => set({ pathEnd })} />
          <NumberField label="Steps" value={insight.pathSteps} min={2} max={10}
            onChange={(pathSteps) => set({ pathSteps })} />
        </div>
      );
    case 'funnel-correlation':
      return <><FunnelFields insight={insight} set={set} /><CorrelationFields insight={insight} set={set} /></>;
    case 'retention-correlation':
      return <>
        <RetentionFields insight={insight} set={set} />
        <div className="row"><NumberField label="Retained in period" value={insight.period} min={1}
          max={Math.max(1, insight.periods - 1)} onChange={(period) => set({ period })} /></div>
        <CorrelationFields insight={insight} set={set} />
      </>;
    case 'activation-discovery':
      return (
        <div className="row">
          <NumberField label="Actions in the first (days)" value={insight.actionDays} min={1} max={90}
            onChange={(actionDays) => set({ actionDays })} />
          <NumberField label="Returned from day" value={insight.returnFromDay} min={1} max={365}
            onChange={(returnFromDay) => set({ returnFromDay })} />
          <NumberField label="Returned to day" value={insight.returnToDay} min={1} max={365}
            onChange={(returnToDay) => set({ returnToDay })} />
          <List label="Thresholds" values={insight.thresholds.map(String)} placeholder="1, 2, 3, 5, 10"
            onChange={(values) => set({ thresholds: values.map(Number).filter((n) => n > 0) })} />
          <NumberField label="Minimum people" value={insight.minPeople} min={1} max={100000}
            onChange={(minPeople) => set({ minPeople })} />
        </div>
      );
  }
}

/** Property filters, ANDed: property, operator, values (comma-separated). */
function Filters({ filters, onChange }: { filters: Filter[]; onChange: (filters: Filter[]) => void }) {
  const change = (i: number, filter: Partial<Filter>) => onChange(filters.map((f, j) => (j === i
    ? { ...f, ...filter } : f)));
  return (
    <fieldset className="filters">
      <legend className="label">Filters</legend>
      {filters.map((f, i) => (
        <div className="row" key={i}>
          <label>{`Filter ${i + 1} property`}<input value={f.property} required placeholder="plan, person.email, …"
            onChange={(e) => change(i, { property: e.target.value })} /></label>
          <label>{`Filter ${i + 1} operator`}
            <select value={f.operator} onChange={(e) => change(i, { operator: e.target.value as Filter['operator'] })}>
              {OPERATORS.map((o) => <option key={o} value={o}>{o.replace(/_/g, ' ')}</option>)}
            </select>
          </label>
          {f.operator !== 'is_set' && f.operator !== 'is_not_set' && (
            <label>{`Filter ${i + 1} values`}<input value={f.values.join(', ')} placeholder="pro, team"
              onChange={(e) => change(i, { values: e.target.value.split(',').map((v) => v.trim()) })} /></label>
          )}
          <button type="button" className="small ghost-dark" aria-label={`Remove filter ${i + 1}`}
            onClick={() => onChange(filters.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      <button type="button" className="small ghost-dark" onClick={() => onChange([...filters,
        { property: '', operator: 'equals', values: [] }])}>Add filter</button>
    </fieldset>
  );
}

/** Saves the question as it stands: over the opened saved insight (If-Match), or as a new one. */
function SaveInsight({ project, environment, insight, saved, onSaved }: { project: ProjectRole; environment: string;
  insight: Insight; saved: SavedInsight | null; onSaved: (stored: SavedInsight) => void }) {
  const [name, setName] = useState(saved?.name ?? '');
  const action = useAction();
  useEffect(() => setName(saved?.name ?? ''), [saved?.key]);

  function save(asNew: boolean) {
    void action.run(async () => {
      const key = asNew || !saved ? keyFrom(name) : saved.key;
      const body = { name, description: saved && !asNew ? saved.description : '', environment,
        queryJson: queryJsonOf(insight) };
      const stored = await api<SavedInsight>(`/api/v1/projects/${project.id}/insights/${encodeURIComponent(key)}`,
        { method: 'PUT', body: JSON.stringify(body),
          headers: asNew || !saved ? { 'If-None-Match': '*' } : { 'If-Match': `"${saved.version}"` } });
      onSaved(stored);
    });
  }

  return (
    <form className="card form save-insight" aria-label="Save insight" onSubmit={(e) => {
      e.preventDefault();
      save(false);
    }}>
      <div className="row">
        <label>Insight name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Weekly sign-up funnel" /></label>
        <button type="submit" disabled={action.busy}>{saved ? 'Save changes' : 'Save insight'}</button>
        {saved && <button type="button" className="ghost-dark" disabled={action.busy || !name}
          onClick={() => save(true)}>Save as new</button>}
      </div>
      <ErrorText error={action.error} />
    </form>
  );
}

/** The project's saved insights, each a link that opens it with its answer. */
function SavedList({ project, round }: { project: ProjectRole; round: number }) {
  const list = useLoad(() => api<{ insights?: SavedInsight[] }>(`/api/v1/projects/${project.id}/insights`),
    [project.id, round]);
  const insights = list.data?.insights ?? [];
  return (
    <section className="saved-insights" aria-label="Saved insights">
      <h2>Saved insights</h2>
      {list.error ? <ErrorText error={list.error} /> : insights.length === 0
        ? <p className="muted">None yet: run a question and save it.</p>
        : <ul>{insights.map((i) => <li key={i.key}><Link to={`/p/${project.id}/insights/${i.environment}/${i.key}`}>
          {i.name}</Link> <span className="muted">{i.kind} · {i.environment}</span></li>)}</ul>}
    </section>
  );
}

import { lazy, Suspense, useEffect, useMemo, useState } from 'react';

import { api, call, includes, parseTyped, type ProjectRole } from '../api';
import { fromCondition, lineDiff, OPERATORS, type Operator, type Rule, toCondition } from '../flagRules';
import { Link, navigate } from '../router';
import { ForestPlot } from '../charts/ForestPlot';
import { ErrorText, Loading, Page, percent, useAction, useDefinition, useLoad, when } from '../ui';
import { EnvironmentPicker } from './Flags';

const OverTime = lazy(() => import('../charts/OverTime').then((m) => ({ default: m.OverTime })));

interface ExperimentView {
  key: string;
  definition: { name?: string; hypothesis?: string; variations: { key: string; name?: string; weight?: number }[];
    coverage?: number; hashVersion?: number; metrics?: { primary?: string[]; secondary?: string[];
      guardrails?: string[] } };
  status: string;
  releasedVariation?: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  startedAt?: string;
  stoppedAt?: string;
}

interface Comparison {
  noResult?: string;
  noResultMessage?: string;
  estimate?: number;
  lower?: number;
  upper?: number;
  pValue?: number;
  adjustedPValue?: number;
  significant?: boolean;
  chanceToWin?: number;
  riskControl?: number;
  riskTreatment?: number;
  varianceReduction?: number;
  power?: number;
  daysToSignificance?: string | number;
}

interface VariationResult {
  index: number;
  key: string;
  units?: string | number;
  mean?: number;
  control?: boolean;
  comparison?: Comparison;
}

interface MetricResult {
  metricKey: string;
  name?: string;
  guardrail?: boolean;
  inverse?: boolean;
  variations: VariationResult[];
}

interface Results {
  overTime?: { day: string; metrics: MetricResult[] }[];
  difference?: string;
  correction?: string;
  warnings?: string[];
  metrics?: MetricResult[];
  health?: { sampleRatioMismatch?: boolean; srmPValue?: number; totalUnits?: string | number;
    variations?: { key: string; units?: string | number; expectedShare?: number; observedShare?: number }[] };
}

function base(project: ProjectRole, environment: string) {
  return `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}`;
}

/** An environment's experiments with their status; a new one starts from its key. */
export function Experiments({ project, environment }: { project: ProjectRole; environment: string }) {
  const list = useLoad(() => api<{ experiments: ExperimentView[] }>(`${base(project, environment)}/experiments`),
    [project.id, environment]);
  const [newKey, setNewKey] = useState('');
  return (
    <Page title="Experiments" actions={<EnvironmentPicker project={project} environment={environment}
      section="experiments" />}>
      {includes(project.role, 'editor') && (
        <form className="toolbar inline-form" aria-label="New experiment" onSubmit={(e) => {
          e.preventDefault();
          navigate(`/p/${project.id}/experiments/${environment}/${encodeURIComponent(newKey.trim())}`);
        }}>
          <label>New experiment key<input required pattern="[A-Za-z0-9_.\-]+" value={newKey}
            onChange={(e) => setNewKey(e.target.value)} /></label>
          <button type="submit">Create experiment</button>
        </form>
      )}
      {!list.data ? <Loading error={list.error} /> : (
        <table className="table">
          <thead><tr><th>Experiment</th><th>Status</th><th>Variations</th><th>Started</th><th>Updated</th></tr></thead>
          <tbody>
            {list.data.experiments.map((x) => (
              <tr key={x.key}>
                <td><Link to={`/p/${project.id}/experiments/${environment}/${encodeURIComponent(x.key)}`}>
                  {x.definition.name || x.key}</Link></td>
                <td><span className={`status ${x.status}`}>{x.status}</span></td>
                <td>{x.definition.variations.map((v) => v.key).join(' / ')}</td>
                <td>{when(x.startedAt)}</td><td>{when(x.updatedAt)} · {x.updatedBy}</td>
              </tr>
            ))}
            {list.data.experiments.length === 0 && <tr><td colSpan={5} className="muted">No experiments yet.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

const TEMPLATE = {
  name: '',
  hypothesis: '',
  variations: [{ key: 'control', weight: 0.5, value: false }, { key: 'treatment', weight: 0.5, value: true }],
  coverage: 1,
  hashVersion: 2,
  metrics: { primary: [], secondary: [], guardrails: [] },
};

/** One experiment: its definition (JSON, validated by the server), lifecycle, health and results. */
export function Experiment({ project, environment, experimentKey }: { project: ProjectRole; environment: string;
  experimentKey: string }) {
  const path = `${base(project, environment)}/experiments/${encodeURIComponent(experimentKey)}`;
  const [round, setRound] = useState(0);
  const [text, setText] = useState(JSON.stringify(TEMPLATE, null, 2));
  const action = useAction();
  const mayEdit = includes(project.role, 'editor');
  // the results are fetched alongside the experiment, not after it
  const results = useMemo(() => api<Results>(`${path}/results`), [path, round]);
  useEffect(() => {
    results.catch(() => undefined);
  }, [results]);

  const { stored, missing, error: loadError } = useDefinition<ExperimentView>(path, round,
    (loaded) => setText(JSON.stringify(loaded.definition, null, 2)));

  function save() {
    void action.run(async () => {
      const definition = parseTyped<object>(text, 'The definition');
      await call(path, { method: 'PUT', body: JSON.stringify(definition),
        headers: stored ? { 'If-Match': `"${stored.version}"` } : { 'If-None-Match': '*' } });
      setRound((r) => r + 1);
    });
  }

  function status(body: Record<string, unknown>) {
    void action.run(async () => {
      await call(`${path}/status`, { method: 'POST', body: JSON.stringify(body),
        headers: stored ? { 'If-Match': `"${stored.version}"` } : {} });
      setRound((r) => r + 1);
    });
  }

  if (loadError) {
    return <Page title={experimentKey}><ErrorText error={loadError} /></Page>;
  }
  if (!stored && !missing) {
    return <Page title={experimentKey}><Loading error={null} /></Page>;
  }
  const changed = lineDiff(stored ? JSON.stringify(stored.definition, null, 2) : '', text)
    .some((line) => line.kind !== ' ');
  return (
    <Page title={stored?.definition.name || experimentKey} actions={
      <Link to={`/p/${project.id}/experiments/${environment}`}>All experiments in {environment}</Link>}>
      <p className="muted">{missing ? `New experiment in ${environment} (saved as a draft).`
        : <>Status <span className={`status ${stored!.status}`}>{stored!.status}</span>
          {stored!.releasedVariation ? ` · released ${stored!.releasedVariation}` : ''} · version {stored!.version},
          updated {when(stored!.updatedAt)} by {stored!.updatedBy}</>}</p>
      {stored && mayEdit && (
        <div className="toolbar">
          {stored.status !== 'running' && stored.status !== 'stopped' && <button type="button" disabled={action.busy}
            onClick={() => status({ status: 'running' })}>Start</button>}
          {stored.status === 'running' && <>
            <button type="button" className="danger" disabled={action.busy}
              onClick={() => status({ status: 'stopped' })}>Stop</button>
            {stored.definition.variations.map((v) => (
              <button key={v.key} type="button" className="ghost-dark" disabled={action.busy}
                onClick={() => window.confirm(`Stop the experiment and serve "${v.key}" to everyone?`)
                  && status({ status: 'stopped', releasedVariation: v.key })}>Release {v.key}</button>
            ))}
          </>}
        </div>
      )}
      <ErrorText error={action.error} />
      {stored && stored.status === 'running' && <AssignmentPreview path={path} />}
      {stored && stored.status !== 'draft' && <ResultsPanel results={results} path={path} />}
      <details className="card definition" open={missing}>
        <summary>Definition</summary>
        <p className="muted">Variations and weights, coverage, targeting (JsonLogic), namespace, hash version and
          metrics; see docs/experiments.md. The server checks it and points at any problem.</p>
        {mayEdit && <ExperimentForm text={text} onChange={setText} />}
        <textarea aria-label="Experiment definition (JSON)" spellCheck={false} rows={18} value={text}
          readOnly={!mayEdit} onChange={(e) => setText(e.target.value)} />
        {mayEdit && <button type="button" disabled={action.busy || !changed} onClick={save}>
          {missing ? 'Create draft' : 'Save definition'}</button>}
      </details>
    </Page>
  );
}

function fmt(value: number | undefined, relative: boolean): string {
  if (value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  return relative ? percent(value) : value.toFixed(4);
}

function ResultsPanel({ results: pending, path }: { results: Promise<Results>; path: string }) {
  const results = useLoad(() => pending, [pending]);
  if (!results.data) {
    return <Loading error={results.error} />;
  }
  const data = results.data;
  const relative = data.difference !== 'DIFFERENCE_ABSOLUTE';
  const health = data.health;
  return (
    <section className="results" aria-label="Results">
      {health?.sampleRatioMismatch && (
        <div role="alert" className="banner srm">
          <strong>Sample ratio mismatch</strong> (p = {health.srmPValue?.toExponential(2)}): the variations did not
          get the traffic their weights promise. Assignment or tracking is broken; do not trust these results.
        </div>
      )}
      <div className="health card">
        <h2>Exposure health</h2>
        <p>{String(health?.totalUnits ?? 0)} units exposed.</p>
        <table className="table compact">
          <thead><tr><th>Variation</th><th>Units</th><th>Expected share</th><th>Observed share</th></tr></thead>
          <tbody>{(health?.variations ?? []).map((v) => (
            <tr key={v.key}><td>{v.key}</td><td>{String(v.units ?? 0)}</td><td>{percent(v.expectedShare ?? 0)}</td>
              <td>{percent(v.observedShare ?? 0)}</td></tr>))}</tbody>
        </table>
      </div>
      {(data.warnings ?? []).map((w) => <p key={w} className="notice" role="note">{w}</p>)}
      {(data.metrics ?? []).map((metric) => {
        const treatments = metric.variations.filter((v) => !v.control);
        const intervals = treatments.filter((v) => v.comparison && !v.comparison.noResult).map((v) => ({
          label: v.key, estimate: v.comparison!.estimate ?? 0, lower: v.comparison!.lower ?? 0,
          upper: v.comparison!.upper ?? 0, significant: !!v.comparison!.significant,
        }));
        return (
          <div key={metric.metricKey} className="card metric" data-metric={metric.metricKey}>
            <h2>{metric.name || metric.metricKey}{metric.guardrail ? ' (guardrail)' : ''}
              {metric.inverse ? ' · lower is better' : ''}</h2>
            {intervals.length > 0 && (
              <ForestPlot intervals={intervals} relative={relative}
                label={`Lift of ${metric.metricKey} per variation against the control, with intervals`} />
            )}
            <MetricOverTime path={path} metric={metric} relative={relative} />
            <table className="table compact results-table">
              <thead><tr><th>Variation</th><th>Units</th><th>Mean</th><th>Lift</th><th>Interval</th>
                <th>Chance to win</th><th>Risk</th><th>p (corrected)</th><th>CUPED</th><th>Power</th>
                <th>Days to significance</th></tr></thead>
              <tbody>
                {metric.variations.map((v) => {
                  const c = v.comparison;
                  return (
                    <tr key={v.key} data-variation={v.key}>
                      <td>{v.key}{v.control ? ' (control)' : ''}</td><td>{String(v.units ?? 0)}</td>
                      <td>{(v.mean ?? 0).toFixed(4)}</td>
                      {v.control || !c ? <td colSpan={8} className="muted">baseline</td>
                        : c.noResult ? <td colSpan={8} className="muted">{c.noResultMessage || c.noResult}</td> : <>
                          <td className={c.significant ? 'significant' : ''} data-estimate={c.estimate}>
                            {fmt(c.estimate, relative)}</td>
                          <td>[{fmt(c.lower, relative)}, {fmt(c.upper, relative)}]</td>
                          <td>{percent(c.chanceToWin ?? 0)}</td>
                          <td>{fmt(c.riskTreatment, relative)}</td>
                          <td>{(c.adjustedPValue ?? c.pValue ?? 1).toPrecision(3)}</td>
                          <td>{c.varianceReduction ? percent(c.varianceReduction) : '—'}</td>
                          <td>{percent(c.power ?? 0, 0)}</td>
                          <td>{Number(c.daysToSignificance ?? -1) < 0 ? 'unknown' : String(c.daysToSignificance)}</td>
                        </>}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        );
      })}
      {(data.metrics ?? []).length === 0 && <p className="muted">No metrics: name some in the definition's
        "metrics" to see results.</p>}
    </section>
  );
}

type Definition = ExperimentView['definition'] & Record<string, unknown>;

type Test = Omit<Rule, 'variant'>;

/**
 * The common settings as a form over the JSON definition: variations and their split, coverage (ramp it up without
 * moving anyone already in), hash version and attribute, namespace, and targeting as tests that must all hold.
 * Everything else stays in the JSON below.
 */
export function ExperimentForm({ text, onChange }: { text: string; onChange: (text: string) => void }) {
  // an unfinished test (no attribute yet) stays on screen but out of the condition until it names one
  const [drafts, setDrafts] = useState<Test[] | null>(null);
  let definition: Definition;
  try {
    definition = JSON.parse(text) as Definition;
  } catch {
    return <p className="notice">Fix the JSON below to use the form.</p>;
  }
  const variations = definition.variations ?? [];
  const weighted = variations.every((v) => typeof v.weight === 'number');
  const total = weighted ? variations.reduce((sum, v) => sum + (v.weight ?? 0), 0) : 1;
  const update = (next: Partial<Definition>) => onChange(JSON.stringify({ ...definition, ...next }, null, 2));
  const setVariations = (next: Definition['variations']) => update({ variations: next });
  const namespace = definition.namespace as { id: string; start: number; end: number } | undefined;
  const tests = fromCondition(definition.condition as Parameters<typeof fromCondition>[0]);
  const shown = drafts && tests && drafts.filter((t) => t.attribute.trim()).length === tests.length ? drafts : tests;
  const setTests = (next: Test[]) => {
    setDrafts(next);
    update({ condition: toCondition(next) ?? undefined });
  };
  return (
    <div className="experiment-form" role="group" aria-label="Experiment settings">
      <table className="table compact">
        <thead><tr><th>Variation key</th><th>Name</th><th>Traffic %</th><th><span className="visually-hidden">
          Actions</span></th></tr></thead>
        <tbody>
          {variations.map((v, i) => (
            <tr key={i}>
              <td><input aria-label={`Key of variation ${i + 1}`} value={v.key} onChange={(e) => setVariations(
                variations.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} /></td>
              <td><input aria-label={`Name of variation ${i + 1}`} value={v.name ?? ''} onChange={(e) => setVariations(
                variations.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} /></td>
              <td><input type="number" min={0} max={100} step={1} className="percent"
                aria-label={`Traffic percent of variation ${i + 1}`}
                value={Math.round(((weighted ? v.weight ?? 0 : 1 / variations.length)) * 1000) / 10}
                onChange={(e) => setVariations(variations.map((x, j) => ({ ...x, weight: j === i
                  ? Number(e.target.value) / 100 : weighted ? x.weight : 1 / variations.length })))} /></td>
              <td>{variations.length > 2 && <button type="button" className="link" onClick={() => setVariations(
                variations.filter((_, j) => j !== i))}>remove</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Math.abs(total - 1) > 1e-9 && <p className="error" role="alert">The split adds up to
        {` ${Math.round(total * 1000) / 10}%`}, not 100%.</p>}
      <div className="row">
        <button type="button" className="small" disabled={variations.length >= 20} onClick={() => setVariations([
          ...variations, { key: `variation-${variations.length}`, weight: weighted ? 0 : undefined }])}>
          Add variation</button>
        <label>Coverage (% of users included)
          <input type="number" min={0} max={100} className="percent" value={Math.round((definition.coverage ?? 1) * 1000) / 10}
            onChange={(e) => update({ coverage: Number(e.target.value) / 100 })} /></label>
        <label>Hash version
          <select value={definition.hashVersion ?? 2} onChange={(e) => update({ hashVersion: Number(e.target.value) })}>
            <option value={2}>2 (default)</option><option value={1}>1 (GrowthBook SDKs' default)</option>
          </select>
        </label>
      </div>
      <div className="row">
        <label>Hash attribute
          <input value={String(definition.hashAttribute ?? 'id')} onChange={(e) => update({
            hashAttribute: e.target.value || undefined })} /></label>
        <label>Namespace
          <input value={namespace?.id ?? ''} placeholder="none" onChange={(e) => update({ namespace: e.target.value
            ? { id: e.target.value, start: namespace?.start ?? 0, end: namespace?.end ?? 1 } : undefined })} /></label>
        {namespace && <>
          <label>from %
            <input type="number" min={0} max={100} className="percent" value={Math.round(namespace.start * 1000) / 10}
              onChange={(e) => update({ namespace: { ...namespace, start: Number(e.target.value) / 100 } })} /></label>
          <label>to %
            <input type="number" min={0} max={100} className="percent" value={Math.round(namespace.end * 1000) / 10}
              onChange={(e) => update({ namespace: { ...namespace, end: Number(e.target.value) / 100 } })} /></label>
        </>}
      </div>
      {shown === null ? <p className="muted">Targeting is beyond the form: edit the condition in the JSON below.</p> : (
        <div className="rules" role="group" aria-label="Targeting">
          <span className="label">Who may enter (every test must hold; none: everyone)</span>
          {shown.map((test, i) => (
            <div className="rule row" key={i} role="group" aria-label={`Test ${i + 1}`}>
              <input aria-label="Attribute" value={test.attribute} placeholder="attribute, e.g. country"
                onChange={(e) => setTests(shown.map((t, j) => (j === i ? { ...t, attribute: e.target.value } : t)))} />
              <select aria-label="Operator" value={test.operator} onChange={(e) => setTests(shown.map((t, j) => (
                j === i ? { ...t, operator: e.target.value as Operator } : t)))}>
                {OPERATORS.map((op) => <option key={op.value} value={op.value}>{op.label}</option>)}
              </select>
              <input aria-label="Value" value={test.value} placeholder={test.operator.endsWith('in') ? 'a, b, c'
                : 'value'} onChange={(e) => setTests(shown.map((t, j) => (j === i ? { ...t, value: e.target.value }
                : t)))} />
              <button type="button" className="link" onClick={() => setTests(shown.filter((_, j) => j !== i))}>
                remove</button>
            </div>
          ))}
          <button type="button" className="small" onClick={() => setTests([...shown,
            { attribute: '', operator: '==', value: '' }])}>Add test</button>
        </div>
      )}
    </div>
  );
}

interface PreviewedAssignment {
  inExperiment: boolean;
  variationKey: string;
  reason: string;
  bucket: number;
  hashAttribute: string;
  hashValue: string;
  stickyBucketUsed: boolean;
}

/** Which variation a user gets now, without assigning them: no sticky bucket written, no exposure recorded. */
function AssignmentPreview({ path }: { path: string }) {
  const [attributes, setAttributes] = useState('{"id": "user-1"}');
  const [answer, setAnswer] = useState<PreviewedAssignment | null>(null);
  const action = useAction();
  function preview() {
    setAnswer(null);
    void action.run(async () => {
      const parsed = parseTyped<object>(attributes, 'The attributes');
      setAnswer(await api<PreviewedAssignment>(`${path}/preview`, { method: 'POST',
        body: JSON.stringify({ attributes: parsed }) }));
    });
  }
  return (
    <div className="card form inline-form preview" role="group" aria-label="Assignment preview">
      <label>Preview a user (attributes as JSON)
        <input className="wide" value={attributes} onChange={(e) => setAttributes(e.target.value)} /></label>
      <button type="button" className="small" disabled={action.busy} onClick={preview}>Preview</button>
      <ErrorText error={action.error} />
      {answer && <p role="status" className="preview-answer">
        {answer.inExperiment ? <>Gets <strong>{answer.variationKey}</strong></> : <>Not in the experiment</>} ({answer.reason};
        bucket {answer.bucket.toFixed(4)} of {answer.hashAttribute} "{answer.hashValue}"
        {answer.stickyBucketUsed ? ', from their sticky bucket' : ''}). Nothing was recorded.</p>}
    </div>
  );
}

/** A metric's results day by day, fetched and drawn when opened (each day from that day's closing sums). */
function MetricOverTime({ path, metric, relative }: { path: string; metric: MetricResult; relative: boolean }) {
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState<{ day: string; metrics: MetricResult[] }[] | null>(null);
  const { error, run } = useAction();
  useEffect(() => {
    if (open) {
      void run(async () => {
        const answer = await api<Results>(`${path}/results`, { method: 'POST', body: JSON.stringify({
          overTime: true, metricKeys: [metric.metricKey] }) });
        setDays(answer.overTime ?? []);
      });
    }
  }, [open, path, metric.metricKey, run]);
  const points = (days ?? []).map(({ day, metrics }) => {
    const found = metrics.find((m) => m.metricKey === metric.metricKey);
    const means: Record<string, number> = {};
    const lifts: Record<string, { estimate: number; lower: number; upper: number }> = {};
    for (const v of found?.variations ?? []) {
      means[v.key] = v.mean ?? 0;
      if (!v.control && v.comparison && !v.comparison.noResult) {
        lifts[v.key] = { estimate: v.comparison.estimate ?? 0, lower: v.comparison.lower ?? 0,
          upper: v.comparison.upper ?? 0 };
      }
    }
    return { day, means, lifts };
  });
  return (
    <details className="over-time-details" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Over time</summary>
      <ErrorText error={error} />
      {days && days.length === 0 && <p className="muted">No daily snapshots yet: the first appears within a minute
        of the first exposure.</p>}
      {days && days.length > 0 && (
        <Suspense fallback={<p className="muted">Drawing…</p>}>
          <OverTime points={points} variations={metric.variations.map((v) => v.key)} relative={relative}
            label={metric.name || metric.metricKey} />
        </Suspense>
      )}
    </details>
  );
}

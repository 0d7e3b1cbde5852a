import { type FormEvent, useMemo, useState } from 'react';

import { api, ApiError, call, includes, parseTyped, type ProjectRole } from '../api';
import { Chart, type ChartOption } from '../charts/Chart';
import { Link, navigate } from '../router';
import { ErrorText, Loading, Page, percent, useAction, useDefinition, useLoad, when } from '../ui';
import {
  type Branch, type Definition, isChoice, newQuestion, nextAfter, type Question, QUESTION_TYPES, retype, scores,
  toJson,
} from './surveyModel';

interface Survey {
  key: string;
  status: string;
  version: number;
  updatedAt: string;
  definition: Definition;
}

function surveysPath(project: ProjectRole, environment: string) {
  return `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}/surveys`;
}

/** The environment's surveys, and a new one (editors). */
export function Surveys({ project, environment }: { project: ProjectRole; environment: string }) {
  const list = useLoad(() => api<{ surveys?: Survey[] }>(surveysPath(project, environment)), [project.id, environment]);
  const [key, setKey] = useState('');
  const surveys = list.data?.surveys ?? [];
  function create(event: FormEvent) {
    event.preventDefault();
    navigate(`/p/${project.id}/surveys/${environment}/${key}`);
  }
  return (
    <Page title="Surveys">
      {includes(project.role, 'editor') && (
        <form className="card form inline-form" onSubmit={create} aria-label="New survey">
          <label>New survey key<input required pattern="[a-z0-9][a-z0-9_.\-]{0,63}" value={key}
            onChange={(e) => setKey(e.target.value)} placeholder="quarterly-nps" /></label>
          <button type="submit">Build survey</button>
        </form>
      )}
      {!list.data ? <Loading error={list.error} /> : (
        <table className="table surveys">
          <thead><tr><th>Survey</th><th>Status</th><th>Questions</th><th>Changed</th></tr></thead>
          <tbody>
            {surveys.map((s) => (
              <tr key={s.key}>
                <td><Link to={`/p/${project.id}/surveys/${environment}/${s.key}`}>{s.definition?.name || s.key}</Link>
                  {' '}<code>{s.key}</code></td>
                <td><span className={`status ${s.status}`}>{s.status}</span></td>
                <td>{s.definition?.questions?.length ?? 0}</td><td>{when(s.updatedAt)}</td>
              </tr>
            ))}
            {surveys.length === 0 && <tr><td colSpan={4} className="muted">No surveys yet.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

const EMPTY: Definition = { name: '', questions: [{ id: 'score', type: 'nps', text: 'How likely are you to '
  + 'recommend us to a friend?' }] };

/** One survey: the builder with its live preview, start and stop, and the results. */
export function SurveyPage({ project, environment, surveyKey }: { project: ProjectRole; environment: string;
  surveyKey: string }) {
  const path = `${surveysPath(project, environment)}/${encodeURIComponent(surveyKey)}`;
  const [round, setRound] = useState(0);
  const [definition, setDefinition] = useState<Definition>(EMPTY);
  const { stored, missing, error } = useDefinition<Survey>(path, round, (loaded) => setDefinition(loaded.definition));
  const [tab, setTab] = useState<'build' | 'results'>('build');
  const action = useAction();
  const mayEdit = includes(project.role, 'editor');

  function save() {
    void action.run(async () => {
      await call(path, { method: 'PUT', body: JSON.stringify(toJson(definition)),
        headers: stored ? { 'If-Match': `"${stored.version}"` } : { 'If-None-Match': '*' } });
      setRound((r) => r + 1);
    });
  }

  function status(next: 'running' | 'stopped') {
    void action.run(async () => {
      await call(`${path}/status`, { method: 'POST', body: JSON.stringify({ status: next }),
        headers: { 'If-Match': `"${stored!.version}"` } });
      setRound((r) => r + 1);
    });
  }

  if (error) {
    return <Page title={surveyKey}><ErrorText error={error} /></Page>;
  }
  if (!stored && !missing) {
    return <Page title={surveyKey}><Loading error={null} /></Page>;
  }
  return (
    <Page title={definition.name || surveyKey} actions={<>
      {stored && <span className={`status ${stored.status}`}>{stored.status}</span>}
      {mayEdit && stored && stored.status !== 'running' && <button type="button" disabled={action.busy}
        onClick={() => status('running')}>Start</button>}
      {mayEdit && stored?.status === 'running' && <button type="button" className="danger" disabled={action.busy}
        onClick={() => status('stopped')}>Stop</button>}
      <Link to={`/p/${project.id}/surveys/${environment}`}>All surveys</Link></>}>
      <p className="muted">{stored ? `Version ${stored.version} · changed ${when(stored.updatedAt)}`
        : 'New survey: not saved yet.'}</p>
      <div className="kinds" role="group" aria-label="View">
        <button type="button" className={tab === 'build' ? 'kind chosen' : 'kind'} aria-pressed={tab === 'build'}
          onClick={() => setTab('build')}>Builder</button>
        <button type="button" className={tab === 'results' ? 'kind chosen' : 'kind'} aria-pressed={tab === 'results'}
          disabled={!stored} onClick={() => setTab('results')}>Results</button>
      </div>
      <ErrorText error={action.error} />
      {tab === 'build'
        ? <Builder definition={definition} onChange={setDefinition} mayEdit={mayEdit} onSave={save}
          busy={action.busy} />
        : <Results path={path} definition={definition} />}
    </Page>
  );
}

function Builder({ definition, onChange, mayEdit, onSave, busy }: { definition: Definition;
  onChange: (d: Definition) => void; mayEdit: boolean; onSave: () => void; busy: boolean }) {
  const [previewing, setPreviewing] = useState(0);
  const [conditionText, setConditionText] = useState(definition.targeting?.condition === undefined ? ''
    : JSON.stringify(definition.targeting.condition));
  const [conditionError, setConditionError] = useState<string | null>(null);
  const q = definition.questions;
  const setQuestion = (i: number, change: Partial<Question>) => onChange({ ...definition,
    questions: q.map((x, j) => (j === i ? { ...x, ...change } : x)) });
  const targeting = definition.targeting ?? {};
  const setTargeting = (change: Partial<NonNullable<Definition['targeting']>>) => onChange({ ...definition,
    targeting: { ...targeting, ...change } });

  function submit(event: FormEvent) {
    event.preventDefault();
    try {
      setTargeting({ condition: conditionText.trim() ? parseTyped(conditionText, 'The condition') : undefined });
      setConditionError(null);
    } catch (failure) {
      setConditionError(failure instanceof ApiError ? failure.message : String(failure));
      return;
    }
    onSave();
  }

  return (
    <div className="survey-builder">
      <form className="card form builder" onSubmit={submit} aria-label="Survey">
        <fieldset disabled={!mayEdit}>
          <label>Survey name<input required maxLength={200} value={definition.name}
            onChange={(e) => onChange({ ...definition, name: e.target.value })} /></label>
          {q.map((question, i) => (
            <fieldset key={i} className="card question" aria-label={`Question ${i + 1}`}
              onFocus={() => setPreviewing(i)}>
              <legend>Question {i + 1}</legend>
              <div className="row">
                <label>{`Question ${i + 1} id`}<input required value={question.id}
                  onChange={(e) => setQuestion(i, { id: e.target.value })} /></label>
                <label>{`Question ${i + 1} type`}
                  <select value={question.type} onChange={(e) => onChange({ ...definition, questions: q.map((x, j) =>
                    (j === i ? retype(x, e.target.value as Question['type']) : x)) })}>
                    {QUESTION_TYPES.map((t) => <option key={t} value={t}>{t.replace('_', ' ')}</option>)}
                  </select>
                </label>
                <label className="switch"><input type="checkbox" checked={!!question.optional}
                  onChange={(e) => setQuestion(i, { optional: e.target.checked })} /> optional</label>
              </div>
              <label>{`Question ${i + 1} text`}<input required className="wide" value={question.text}
                onChange={(e) => setQuestion(i, { text: e.target.value })} /></label>
              {isChoice(question.type) && <>
                <label>{`Question ${i + 1} choices (one per line)`}<textarea rows={3}
                  value={(question.choices ?? []).join('\n')}
                  onChange={(e) => setQuestion(i, { choices: e.target.value.split('\n') })} /></label>
                <label className="switch"><input type="checkbox" checked={!!question.allowOther}
                  onChange={(e) => setQuestion(i, { allowOther: e.target.checked })} /> allow "other"</label>
              </>}
              {question.type === 'rating' && <div className="row">
                <label>Scale<select value={question.scale} onChange={(e) => setQuestion(i, {
                  scale: Number(e.target.value) })}>{[3, 5, 7, 10].map((s) => <option key={s}>{s}</option>)}</select>
                </label>
                <label>Display<select value={question.display} onChange={(e) => setQuestion(i, {
                  display: e.target.value as Question['display'] })}><option>number</option><option>emoji</option>
                </select></label>
              </div>}
              <Branches question={question} others={q.filter((_, j) => j > i).map((x) => x.id)}
                onChange={(branches) => setQuestion(i, { branches })} index={i} />
              {q.length > 1 && <button type="button" className="small ghost-dark"
                onClick={() => onChange({ ...definition, questions: q.filter((_, j) => j !== i) })}>
                Remove question {i + 1}</button>}
            </fieldset>
          ))}
          {q.length < 20 && <div className="row">
            {QUESTION_TYPES.map((t) => <button key={t} type="button" className="small ghost-dark" onClick={() =>
              onChange({ ...definition, questions: [...q, newQuestion(t, q.map((x) => x.id))] })}>
              + {t.replace('_', ' ')}</button>)}
          </div>}
          <h2>Who and when</h2>
          <label>Condition (JsonLogic over person properties, url, device, event, flags.*, experiments.*)
            <textarea rows={2} value={conditionText} placeholder={'{"==": [{"var": "plan"}, "pro"]}'}
              onChange={(e) => setConditionText(e.target.value)} /></label>
          <ErrorText error={conditionError} />
          <div className="row">
            <label>Page URL
              <select value={targeting.url?.match ?? 'contains'} onChange={(e) => setTargeting({ url: {
                match: e.target.value as 'exact', value: targeting.url?.value ?? '' } })}>
                <option value="contains">contains</option><option value="exact">is</option>
                <option value="regex">matches</option>
              </select>
            </label>
            <label>URL<input value={targeting.url?.value ?? ''} placeholder="/billing" onChange={(e) => setTargeting({
              url: { match: targeting.url?.match ?? 'contains', value: e.target.value } })} /></label>
            <label>After the events<input value={(targeting.events ?? []).join(', ')} placeholder="Invoice Paid"
              onChange={(e) => setTargeting({ events: e.target.value.split(',').map((v) => v.trim())
                .filter(Boolean) })} /></label>
            <label>Sampled (%)<input type="number" min={1} max={100} value={Math.round((targeting.sampling ?? 1)
              * 100)} onChange={(e) => setTargeting({ sampling: Number(e.target.value) / 100 })} /></label>
          </div>
          <div className="row" role="group" aria-label="Devices">
            {['desktop', 'mobile', 'tablet'].map((device) => <label key={device} className="switch"><input
              type="checkbox" checked={(targeting.devices ?? []).includes(device)} onChange={(e) => setTargeting({
                devices: e.target.checked ? [...(targeting.devices ?? []), device]
                  : (targeting.devices ?? []).filter((d) => d !== device) })} /> {device}</label>)}
            <span className="muted">(none ticked: every device)</span>
          </div>
          <div className="row">
            <label>Starts<input type="datetime-local" value={(definition.schedule?.startAt ?? '').slice(0, 16)}
              onChange={(e) => onChange({ ...definition, schedule: { ...definition.schedule, startAt: e.target.value
                ? new Date(e.target.value).toISOString() : undefined } })} /></label>
            <label>Ends<input type="datetime-local" value={(definition.schedule?.endAt ?? '').slice(0, 16)}
              onChange={(e) => onChange({ ...definition, schedule: { ...definition.schedule, endAt: e.target.value
                ? new Date(e.target.value).toISOString() : undefined } })} /></label>
            <label>Ask again after (days; 0: once)<input type="number" min={0} value={typeof definition.frequency
              === 'object' ? definition.frequency.everyDays : 0} onChange={(e) => onChange({ ...definition,
              frequency: Number(e.target.value) > 0 ? { everyDays: Number(e.target.value) } : 'once' })} /></label>
            <label>Quiet days after another survey<input type="number" min={0} value={definition.waitDays ?? 0}
              onChange={(e) => onChange({ ...definition, waitDays: Number(e.target.value) })} /></label>
            <label>Priority<input type="number" value={definition.priority ?? 0}
              onChange={(e) => onChange({ ...definition, priority: Number(e.target.value) })} /></label>
          </div>
          <button type="submit" disabled={busy}>Save survey</button>
        </fieldset>
      </form>
      <Preview definition={definition} index={Math.min(previewing, q.length - 1)} onGo={setPreviewing} />
    </div>
  );
}

/** A question's branches: after a score in a range, or a choice, go to a later question or end. */
function Branches({ question, others, onChange, index }: { question: Question; others: string[];
  onChange: (branches: Branch[]) => void; index: number }) {
  const branches = question.branches ?? [];
  const numeric = scores(question).length > 0;
  const choice = isChoice(question.type);
  const set = (i: number, change: Partial<Branch>) => onChange(branches.map((b, j) => (j === i ? { ...b, ...change }
    : b)));
  return (
    <div className="branches">
      {branches.map((b, i) => (
        <div className="row" key={i}>
          {numeric && <>
            <label>{`Q${index + 1} branch ${i + 1} from`}<input type="number" value={b.min ?? ''} onChange={(e) =>
              set(i, { min: e.target.value === '' ? undefined : Number(e.target.value) })} /></label>
            <label>to<input type="number" value={b.max ?? ''} onChange={(e) => set(i, { max: e.target.value === ''
              ? undefined : Number(e.target.value) })} /></label>
          </>}
          {choice && <label>{`Q${index + 1} branch ${i + 1} if any of`}<input value={(b.anyOf ?? []).join(', ')}
            onChange={(e) => set(i, { anyOf: e.target.value.split(',').map((v) => v.trim()).filter(Boolean) })} />
          </label>}
          <label>{`Q${index + 1} branch ${i + 1} then`}<select value={b.next} onChange={(e) => set(i, {
            next: e.target.value })}>
            {others.map((id) => <option key={id} value={id}>go to {id}</option>)}
            <option value="end">end the survey</option>
          </select></label>
          <button type="button" className="small ghost-dark" onClick={() => onChange(branches.filter((_, j) =>
            j !== i))}>Remove branch</button>
        </div>
      ))}
      <button type="button" className="small ghost-dark" onClick={() => onChange([...branches, { next: 'end',
        ...(choice ? { anyOf: [] } : {}) }])}>Add branch to question {index + 1}</button>
    </div>
  );
}

const EMOJI = ['😞', '🙁', '😐', '🙂', '😀'];

/**
 * How the widget shows the question: its scale, emoji or choices; answering follows the branches as the server
 * does, so the path through the survey can be tried before it is saved.
 */
function Preview({ definition, index, onGo }: { definition: Definition; index: number; onGo: (i: number) => void }) {
  const question = definition.questions[index];
  const [picked, setPicked] = useState<string[]>([]);
  const [ended, setEnded] = useState(false);
  if (!question) {
    return null;
  }
  function answer(value: number | string[] | string) {
    const next = nextAfter(definition, index, value);
    setPicked([]);
    if (next === null) {
      setEnded(true);
    } else {
      onGo(Math.max(0, definition.questions.findIndex((x) => x.id === next)));
    }
  }
  const values = scores(question);
  return (
    <aside className="card preview" aria-label="Preview">
      <h2>Preview</h2>
      <div className="widget" data-question={question.id}>
        {ended ? <p>Thank you! <button type="button" className="link" onClick={() => {
          setEnded(false);
          onGo(0);
        }}>Start again</button></p> : <>
          <p className="widget-question">{question.text || <span className="muted">(the question)</span>}</p>
          {values.length > 0 && (question.type === 'rating' && question.display === 'emoji' && values.length <= 5
            ? <div className="scale">{values.map((v) => <button type="button" key={v} aria-label={`${v}`}
              onClick={() => answer(v)}>{EMOJI[Math.round((v - 1) * 4 / Math.max(1, values.length - 1))]}</button>)}
            </div>
            : <div className="scale">{values.map((v) => <button type="button" key={v}
              onClick={() => answer(v)}>{v}</button>)}</div>)}
          {isChoice(question.type) && <div className="choices">
            {(question.choices ?? []).filter(Boolean).map((c) => <label key={c} className="switch"><input
              type={question.type === 'single_choice' ? 'radio' : 'checkbox'} name="preview"
              checked={picked.includes(c)} onChange={(e) => setPicked(question.type === 'single_choice' ? [c]
                : e.target.checked ? [...picked, c] : picked.filter((p) => p !== c))} /> {c}</label>)}
            {question.allowOther && <label className="switch"><input type="checkbox" disabled /> other</label>}
            <button type="button" className="small" onClick={() => answer(picked)}>Next</button>
          </div>}
          {question.type === 'open_text' && <div className="choices">
            <textarea rows={2} aria-label="Answer (preview)" />
            <button type="button" className="small" onClick={() => answer('text')}>Next</button>
          </div>}
          <p className="muted">Question {index + 1} of {definition.questions.length}
            {question.optional ? ' · optional' : ''}</p>
        </>}
      </div>
    </aside>
  );
}

interface Score { kind: string; value: number; lower?: number; upper?: number; n: number }
interface QuestionResult {
  questionId: string; type: string; text: string; answers: number;
  distribution?: { value: string; count: number }[]; score?: Score;
  overTime?: { start: string; score: Score }[];
  groups?: { group: string; score?: Score; comparison?: { difference: number; lower?: number; upper?: number;
    pValue?: number; significant: boolean; noResult: string } }[];
  latest?: { text: string; at: string }[]; themes?: { phrase: string; answers: number; share: number }[];
}

function scoreText(score: Score | undefined): string {
  if (!score) {
    return '—';
  }
  const value = (v: number) => (score.kind === 'nps' ? v.toFixed(0) : score.kind === 'mean' ? v.toFixed(2)
    : percent(v));
  return `${value(Number(score.value))}${score.lower !== undefined && score.upper !== undefined
    ? ` (${value(Number(score.lower))} to ${value(Number(score.upper))})` : ''}`;
}

/** The results: how many answered, and per question its score, distribution, trend, breakdown, comments, themes. */
function Results({ path, definition }: { path: string; definition: Definition }) {
  const [breakdown, setBreakdown] = useState({ kind: '', by: '' });
  const [asked, setAsked] = useState(breakdown);
  const query = new URLSearchParams({ period: 'week' });
  if (asked.kind && asked.by) {
    query.set('breakdown', asked.kind);
    query.set('by', asked.by);
  }
  const results = useLoad(() => api<{ shown: number; responded: number; completed: number; dismissed: number;
    responseRate: number; questions?: QuestionResult[]; truncated: boolean }>(`${path}/results?${query}`),
  [path, query.toString()]);
  const r = results.data;
  return (
    <div className="survey-results">
      <form className="card row" onSubmit={(e) => {
        e.preventDefault();
        setAsked(breakdown);
      }} aria-label="Break down">
        <label>Break down by<select value={breakdown.kind} onChange={(e) => setBreakdown({ ...breakdown,
          kind: e.target.value })}><option value="">nothing</option><option value="property">a person property</option>
          <option value="flag">a flag</option><option value="experiment">an experiment's variation</option></select>
        </label>
        <label>Which<input value={breakdown.by} placeholder="plan / flag key / experiment key"
          onChange={(e) => setBreakdown({ ...breakdown, by: e.target.value })} /></label>
        <button type="submit">Apply</button>
      </form>
      {!r ? <Loading error={results.error} /> : <>
        <div className="tiles" aria-label="Responses" data-values={JSON.stringify({ shown: Number(r.shown),
          responded: Number(r.responded), completed: Number(r.completed) })}>
          <div className="tile"><div className="tile-label">Shown</div><div className="tile-value">{Number(r.shown)}
          </div></div>
          <div className="tile"><div className="tile-label">Answered</div><div className="tile-value">
            {Number(r.responded)}</div><div className="tile-detail muted">{percent(Number(r.responseRate))} of shown
          </div></div>
          <div className="tile"><div className="tile-label">Finished</div><div className="tile-value">
            {Number(r.completed)}</div></div>
          <div className="tile"><div className="tile-label">Dismissed</div><div className="tile-value">
            {Number(r.dismissed)}</div></div>
        </div>
        {(r.questions ?? []).map((question) => <QuestionResults key={question.questionId} result={question}
          text={definition.questions.find((q) => q.id === question.questionId)?.text ?? question.text} />)}
      </>}
    </div>
  );
}

function QuestionResults({ result, text }: { result: QuestionResult; text: string }) {
  const distribution = useMemo<ChartOption>(() => ({
    grid: { left: 40, right: 16, top: 16, bottom: 28, containLabel: true },
    xAxis: { type: 'category', data: (result.distribution ?? []).map((d) => d.value) }, yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'answers', data: (result.distribution ?? []).map((d) => Number(d.count)) }],
  }), [result]);
  const gauge = useMemo<ChartOption | null>(() => (result.score?.kind === 'nps' ? {
    tooltip: { trigger: 'item' },
    series: [{ type: 'gauge', min: -100, max: 100, startAngle: 200, endAngle: -20, progress: { show: true },
      detail: { formatter: '{value}', fontSize: 24, offsetCenter: [0, '40%'] },
      data: [{ value: Math.round(Number(result.score.value)), name: 'NPS' }] }],
  } : null), [result]);
  const overTime = useMemo<ChartOption>(() => ({
    grid: { left: 40, right: 16, top: 16, bottom: 28, containLabel: true },
    xAxis: { type: 'category', data: (result.overTime ?? []).map((p) => p.start.slice(0, 10)) },
    yAxis: { type: 'value', scale: true },
    series: [{ type: 'line', name: result.score?.kind ?? 'score', data: (result.overTime ?? []).map((p) =>
      Number(p.score?.value ?? 0)) }],
  }), [result]);
  return (
    <section className="card question-results" aria-label={`Results of ${result.questionId}`}
      data-question={result.questionId}>
      <h2>{text} <span className="muted">({Number(result.answers)} answers)</span></h2>
      {result.score && <p className="score" data-score={Number(result.score.value)}>
        {result.score.kind.toUpperCase()} {scoreText(result.score)} · n = {Number(result.score.n)}</p>}
      <div className="result-charts">
        {gauge && <Chart option={gauge} label={`NPS ${Math.round(Number(result.score!.value))}`} height={220}
          className="nps-gauge" values={Number(result.score!.value)} />}
        {(result.distribution ?? []).length > 0 && <Chart option={distribution} height={220}
          label="How the answers are distributed" className="distribution-chart"
          values={(result.distribution ?? []).map((d) => [d.value, Number(d.count)])} />}
        {(result.overTime ?? []).length > 1 && <Chart option={overTime} height={220} label="The score by week"
          className="over-time-chart" values={(result.overTime ?? []).map((p) => Number(p.score?.value ?? 0))} />}
      </div>
      {(result.groups ?? []).length > 0 && (
        <table className="table compact groups">
          <thead><tr><th>Group</th><th>Score</th><th>Against the first</th></tr></thead>
          <tbody>{(result.groups ?? []).map((g) => <tr key={g.group}><td>{g.group}</td><td>{scoreText(g.score)}</td>
            <td>{!g.comparison ? '—' : g.comparison.noResult ? g.comparison.noResult
              : `${Number(g.comparison.difference).toFixed(2)} (p = ${Number(g.comparison.pValue).toPrecision(2)})`
                + `${g.comparison.significant ? ', significant' : ''}`}</td></tr>)}</tbody>
        </table>
      )}
      {(result.themes ?? []).length > 0 && <p>Themes: {(result.themes ?? []).map((t) =>
        `${t.phrase} (${Number(t.answers)})`).join(', ')}</p>}
      {(result.latest ?? []).length > 0 && <ul className="comments">{(result.latest ?? []).map((c, i) =>
        <li key={i}>{c.text} <span className="muted">{when(c.at)}</span></li>)}</ul>}
    </section>
  );
}


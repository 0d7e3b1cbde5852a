import { type FormEvent, useMemo, useState } from 'react';

import { api, ApiError, call, includes, parseTyped, type ProjectRole } from '../api';
import { fromTargeting, lineDiff, OPERATORS, type Operator, type Targeting, toTargeting } from '../flagRules';
import { Link, navigate } from '../router';
import { ErrorText, Loading, Page, useAction, useDefinition, useLoad, when } from '../ui';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface FlagDefinition {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, Json>;
  defaultVariant: string;
  targeting?: Json;
  metadata?: Record<string, Json>;
}

interface FlagView {
  key: string;
  definition: FlagDefinition;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

interface AuditEntry {
  id: number;
  key: string;
  action: string;
  actor: string;
  at: string;
  version: number;
  comment?: string;
}

function flagsPath(project: ProjectRole, environment: string) {
  return `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}`;
}

function summary(definition: FlagDefinition): string {
  const targeting = fromTargeting(definition.targeting);
  if (!targeting) {
    return 'custom targeting';
  }
  const parts = [];
  if (targeting.rules.length) {
    parts.push(`${targeting.rules.length} rule${targeting.rules.length > 1 ? 's' : ''}`);
  }
  if (targeting.rollout.shares.length) {
    parts.push(targeting.rollout.shares.map(([v, s]) => `${v} ${s}%`).join(' / '));
  }
  return parts.length ? parts.join(', ') : `serves ${targeting.fallback ?? definition.defaultVariant}`;
}

/** An environment's flags: status, what each serves, search; a new flag starts from its key. */
export function Flags({ project, environment }: { project: ProjectRole; environment: string }) {
  const flags = useLoad(() => api<{ flags: FlagView[] }>(`${flagsPath(project, environment)}/flags`),
    [project.id, environment]);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState('all');
  const [newKey, setNewKey] = useState('');
  const mayEdit = includes(project.role, 'editor');
  const shown = useMemo(() => (flags.data?.flags ?? []).filter((f) => f.key.toLowerCase()
    .includes(query.toLowerCase()) && (status === 'all' || f.definition.state === status)), [flags.data, query, status]);

  function create(event: FormEvent) {
    event.preventDefault();
    navigate(`/p/${project.id}/flags/${environment}/${encodeURIComponent(newKey.trim())}`);
  }

  return (
    <Page title="Flags" actions={<EnvironmentPicker project={project} environment={environment} section="flags" />}>
      <div className="toolbar">
        <label>Search<input type="search" value={query} placeholder="flag key"
          onChange={(e) => setQuery(e.target.value)} /></label>
        <label>Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="all">all</option><option value="ENABLED">enabled</option>
            <option value="DISABLED">disabled</option>
          </select>
        </label>
        {mayEdit && (
          <form className="inline-form" onSubmit={create} aria-label="New flag">
            <label>New flag key<input required pattern="[A-Za-z0-9_.\-]+" maxLength={200} value={newKey}
              placeholder="e.g. new-checkout" onChange={(e) => setNewKey(e.target.value)} /></label>
            <button type="submit">Create flag</button>
          </form>
        )}
      </div>
      {!flags.data ? <Loading error={flags.error} /> : (
        <table className="table flags">
          <thead><tr><th>Flag</th><th>Status</th><th>Serves</th><th>Default</th><th>Updated</th></tr></thead>
          <tbody>
            {shown.map((flag) => (
              <tr key={flag.key}>
                <td><Link to={`/p/${project.id}/flags/${environment}/${encodeURIComponent(flag.key)}`}>{flag.key}</Link></td>
                <td><span className={`status ${flag.definition.state.toLowerCase()}`}>
                  {flag.definition.state.toLowerCase()}</span></td>
                <td>{summary(flag.definition)}</td>
                <td>{flag.definition.defaultVariant}</td>
                <td>{when(flag.updatedAt)} · {flag.updatedBy}</td>
              </tr>
            ))}
            {shown.length === 0 && <tr><td colSpan={5} className="muted">No flags match.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

export function EnvironmentPicker({ project, environment, section }: { project: ProjectRole; environment: string;
  section: string }) {
  return (
    <label className="env-picker">Environment
      <select value={environment} onChange={(e) => navigate(`/p/${project.id}/${section}/${e.target.value}`)}>
        {project.environments.map((env) => <option key={env}>{env}</option>)}
      </select>
    </label>
  );
}

const TEMPLATE: FlagDefinition = { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off' };

function pretty(definition: FlagDefinition | null): string {
  return definition ? JSON.stringify(definition, null, 2) : '';
}

/** One flag: the rule builder and the JSON view over one definition, a diff before saving, history, copy. */
export function Flag({ project, environment, flagKey }: { project: ProjectRole; environment: string;
  flagKey: string }) {
  const path = `${flagsPath(project, environment)}/flags/${encodeURIComponent(flagKey)}`;
  const [draft, setDraft] = useState<FlagDefinition>(TEMPLATE);
  const [jsonText, setJsonText] = useState(pretty(TEMPLATE));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [stale, setStale] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const save = useAction();
  const mayEdit = includes(project.role, 'editor');
  const audit = useLoad(() => api<AuditEntry[]>(`${flagsPath(project, environment)}/flag-audit?key=${encodeURIComponent(
    flagKey)}`), [path, round]);

  const { stored, setStored, missing, error: loadError } = useDefinition<FlagView>(path, round, (loaded) => {
    setDraft(loaded.definition);
    setJsonText(pretty(loaded.definition));
  });

  function edit(next: FlagDefinition) {
    setDraft(next);
    setJsonText(pretty(next));
    setJsonError(null);
  }

  function editJson(text: string) {
    setJsonText(text);
    try {
      setDraft(JSON.parse(text) as FlagDefinition);
      setJsonError(null);
    } catch (e) {
      setJsonError(`Not valid JSON: ${(e as Error).message}`);
    }
  }

  function submit() {
    setStale(null);
    void save.run(async () => {
      try {
        await call(path, { method: 'PUT', body: JSON.stringify(draft),
          headers: stored ? { 'If-Match': `"${stored.version}"` } : { 'If-None-Match': '*' } });
      } catch (failure) {
        if (failure instanceof ApiError && failure.problem.status === 412) {
          const latest = await call<FlagView>(path).then((r) => r.body, () => null);
          setStale(latest
            ? `${latest.updatedBy} changed this flag at ${when(latest.updatedAt)} (version ${stored?.version ?? 0} → ${
              latest.version}) while you were editing. Your edit is kept: review their change with "Reload theirs",
              or save yours over it with "Save over theirs".`
            : 'Someone else created or changed this flag while you were editing.');
          if (latest) {
            setStored({ ...latest, definition: stored?.definition ?? latest.definition });
          }
          return;
        }
        throw failure;
      }
      setReviewing(false);
      setRound((r) => r + 1);
    });
  }

  if (loadError) {
    return <Page title={flagKey}><ErrorText error={loadError} /></Page>;
  }
  if (!stored && !missing) {
    return <Page title={flagKey}><Loading error={null} /></Page>;
  }
  const targeting = fromTargeting(draft.targeting);
  const variants = Object.keys(draft.variants ?? {});
  const diff = lineDiff(pretty(stored?.definition ?? null), pretty(draft));
  const changed = diff.some((line) => line.kind !== ' ');
  return (
    <Page title={flagKey} actions={<>
      <Link to={`/p/${project.id}/flags/${environment}`}>All flags in {environment}</Link>
    </>}>
      <p className="muted">{missing ? `New flag in ${environment}.` : `Version ${stored!.version}, updated ${when(
        stored!.updatedAt)} by ${stored!.updatedBy}.`}</p>
      {!mayEdit && <p className="notice">You can read this flag; editors change it.</p>}
      <div className="flag-editor">
        <fieldset className="card form builder" disabled={!mayEdit}>
          <legend>Rules</legend>
          <label className="switch">
            <input type="checkbox" checked={draft.state === 'ENABLED'}
              onChange={(e) => edit({ ...draft, state: e.target.checked ? 'ENABLED' : 'DISABLED' })} />
            Enabled (when off, every evaluation gets the default variant)
          </label>
          <VariantsEditor draft={draft} onChange={edit} />
          <label>Default variant
            <select value={draft.defaultVariant} onChange={(e) => edit({ ...draft, defaultVariant: e.target.value })}>
              {variants.map((v) => <option key={v}>{v}</option>)}
            </select>
          </label>
          {targeting ? <RuleBuilder targeting={targeting} variants={variants}
            onChange={(next) => {
              const logic = toTargeting(next);
              const { targeting: _old, ...rest } = draft;
              edit(logic === null ? rest : { ...rest, targeting: logic });
            }} />
            : <p className="notice">This flag's targeting is beyond the rule builder; edit it in the JSON view.</p>}
        </fieldset>
        <div className="card form json-view">
          <label htmlFor="flag-json">flagd definition (JSON)</label>
          <textarea id="flag-json" spellCheck={false} rows={22} value={jsonText} readOnly={!mayEdit}
            onChange={(e) => editJson(e.target.value)} aria-invalid={jsonError ? true : undefined} />
          <ErrorText error={jsonError} />
        </div>
      </div>
      {save.error && <div role="alert" className="error pointer-errors">{save.error.split('\n').map((line) =>
        <p key={line}>{line}</p>)}</div>}
      {stale && (
        <div role="alert" className="card stale">
          <p>{stale}</p>
          <button type="button" onClick={() => {
            setStale(null);
            setRound((r) => r + 1);
          }}>Reload theirs</button>
          <button type="button" className="danger" onClick={submit}>Save over theirs</button>
        </div>
      )}
      {mayEdit && !reviewing && <button type="button" disabled={!changed || !!jsonError}
        onClick={() => setReviewing(true)}>Review changes</button>}
      {reviewing && (
        <div className="card diff-card">
          <h2>Changes to save</h2>
          <pre className="diff" aria-label="Diff">{diff.map((line, i) =>
            <span key={i} className={line.kind === '+' ? 'add' : line.kind === '-' ? 'del' : ''}>
              {line.kind} {line.text}{'\n'}</span>)}</pre>
          <button type="button" disabled={save.busy} onClick={submit}>Save</button>
          <button type="button" className="ghost-dark" onClick={() => setReviewing(false)}>Keep editing</button>
        </div>
      )}
      {stored && <TryIt project={project} environment={environment} flagKey={flagKey} />}
      {stored && mayEdit && <CopyFlag project={project} environment={environment} flag={stored} />}
      <h2>History</h2>
      {!audit.data ? <Loading error={audit.error} /> : (
        <table className="table">
          <thead><tr><th>When</th><th>Who</th><th>What</th><th>Version</th></tr></thead>
          <tbody>{audit.data.map((entry) => (
            <tr key={entry.id}><td>{when(entry.at)}</td><td>{entry.actor}</td><td>{entry.action}
              {entry.comment ? ` — ${entry.comment}` : ''}</td><td>{entry.version}</td></tr>))}
          {audit.data.length === 0 && <tr><td colSpan={4} className="muted">No changes yet.</td></tr>}</tbody>
        </table>
      )}
    </Page>
  );
}

function VariantsEditor({ draft, onChange }: { draft: FlagDefinition; onChange: (d: FlagDefinition) => void }) {
  const entries = Object.entries(draft.variants ?? {});
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  function setVariants(next: [string, Json][]) {
    onChange({ ...draft, variants: Object.fromEntries(next) });
  }
  return (
    <div className="variants">
      <span className="label">Variants</span>
      <ul>
        {entries.map(([key, val]) => (
          <li key={key}><code>{key}</code> = <code>{JSON.stringify(val)}</code>
            {entries.length > 1 && key !== draft.defaultVariant && (
              <button type="button" className="link" aria-label={`Remove variant ${key}`}
                onClick={() => setVariants(entries.filter(([k]) => k !== key))}>remove</button>)}
          </li>
        ))}
      </ul>
      <div className="row">
        <label>Name<input value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>Value (JSON)<input value={value} placeholder='"blue", 3, true' onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="button" className="small" disabled={!name} onClick={() => {
          let parsed: Json;
          try {
            parsed = JSON.parse(value) as Json;
          } catch {
            parsed = value;
          }
          setVariants([...entries.filter(([k]) => k !== name), [name, parsed]]);
          setName('');
          setValue('');
        }}>Add variant</button>
      </div>
    </div>
  );
}

function RuleBuilder({ targeting, variants, onChange }: { targeting: Targeting; variants: string[];
  onChange: (t: Targeting) => void }) {
  const rolloutTotal = targeting.rollout.shares.reduce((sum, [, share]) => sum + share, 0);
  return (
    <div className="rules">
      <span className="label">Targeting (first matching rule wins)</span>
      {targeting.rules.map((rule, i) => (
        <div className="rule row" key={i} role="group" aria-label={`Rule ${i + 1}`}>
          <span>If</span>
          <input aria-label="Attribute" value={rule.attribute} placeholder="attribute, e.g. email"
            onChange={(e) => onChange({ ...targeting, rules: targeting.rules.map((r, j) => j === i
              ? { ...r, attribute: e.target.value } : r) })} />
          <select aria-label="Operator" value={rule.operator} onChange={(e) => onChange({ ...targeting,
            rules: targeting.rules.map((r, j) => j === i ? { ...r, operator: e.target.value as Operator } : r) })}>
            {OPERATORS.map((op) => <option key={op.value} value={op.value}>{op.label}</option>)}
          </select>
          <input aria-label="Value" value={rule.value} placeholder={rule.operator.endsWith('in') ? 'a, b, c' : 'value'}
            onChange={(e) => onChange({ ...targeting, rules: targeting.rules.map((r, j) => j === i
              ? { ...r, value: e.target.value } : r) })} />
          <span>serve</span>
          <select aria-label="Variant" value={rule.variant} onChange={(e) => onChange({ ...targeting,
            rules: targeting.rules.map((r, j) => j === i ? { ...r, variant: e.target.value } : r) })}>
            {variants.map((v) => <option key={v}>{v}</option>)}
          </select>
          <button type="button" className="link" onClick={() => onChange({ ...targeting,
            rules: targeting.rules.filter((_, j) => j !== i) })}>remove</button>
        </div>
      ))}
      <button type="button" className="small" onClick={() => onChange({ ...targeting, rules: [...targeting.rules,
        { attribute: '', operator: '==', value: '', variant: variants[0] }] })}>Add rule</button>
      <label className="switch">
        <input type="checkbox" checked={targeting.rollout.shares.length > 0} onChange={(e) => onChange({
          ...targeting, rollout: { ...targeting.rollout, shares: e.target.checked
            ? variants.map((v, i) => [v, i === 0 ? 100 - 100 * (variants.length - 1) / variants.length
              : 100 / variants.length] as [string, number]).map(([v, s]) => [v, Math.round(s)] as [string, number])
            : [] } })} />
        Percentage rollout for everyone else
      </label>
      {targeting.rollout.shares.length > 0 && (
        <div className="rollout">
          {targeting.rollout.shares.map(([variant, share], i) => (
            <label key={variant} className="row">{variant}
              <input type="range" min={0} max={100} value={share} aria-label={`Share of ${variant}`}
                onChange={(e) => onChange({ ...targeting, rollout: { ...targeting.rollout,
                  shares: targeting.rollout.shares.map((s, j) => j === i ? [s[0], Number(e.target.value)] : s) } })} />
              <input type="number" min={0} max={100} value={share} aria-label={`Percent for ${variant}`}
                className="percent" onChange={(e) => onChange({ ...targeting, rollout: { ...targeting.rollout,
                  shares: targeting.rollout.shares.map((s, j) => j === i ? [s[0], Number(e.target.value)] : s) } })} />%
            </label>
          ))}
          {rolloutTotal !== 100 && <p className="error" role="alert">The shares add up to {rolloutTotal}%, not 100%.</p>}
          <label>Bucket by attribute (empty: the targeting key)
            <input value={targeting.rollout.bucketBy} onChange={(e) => onChange({ ...targeting,
              rollout: { ...targeting.rollout, bucketBy: e.target.value } })} /></label>
        </div>
      )}
      {targeting.rollout.shares.length === 0 && (
        <label>Everyone else gets
          <select value={targeting.fallback ?? ''} onChange={(e) => onChange({ ...targeting,
            fallback: e.target.value || null })}>
            <option value="">the default variant</option>
            {variants.map((v) => <option key={v}>{v}</option>)}
          </select>
        </label>
      )}
    </div>
  );
}

function CopyFlag({ project, environment, flag }: { project: ProjectRole; environment: string; flag: FlagView }) {
  const others = project.environments.filter((e) => e !== environment);
  const [target, setTarget] = useState(others[0] ?? '');
  const [done, setDone] = useState<string | null>(null);
  const [overwrite, setOverwrite] = useState(false);
  const action = useAction();
  if (!others.length) {
    return null;
  }
  function copy() {
    setDone(null);
    void action.run(async () => {
      const path = `${flagsPath(project, target)}/flags/${encodeURIComponent(flag.key)}`;
      try {
        await call(path, { method: 'PUT', body: JSON.stringify(flag.definition),
          headers: overwrite ? {} : { 'If-None-Match': '*' } });
      } catch (failure) {
        if (failure instanceof ApiError && failure.problem.status === 412) {
          throw new ApiError({ status: 412, title: 'exists',
            detail: `${target} has a flag "${flag.key}" already: tick "replace it" to overwrite it.` });
        }
        throw failure;
      }
      setDone(`Copied to ${target}.`);
    });
  }
  return (
    <div className="card form inline-form copy-flag" role="group" aria-label="Copy to another environment">
      <label>Copy this flag to
        <select value={target} onChange={(e) => setTarget(e.target.value)}>
          {others.map((e) => <option key={e}>{e}</option>)}
        </select>
      </label>
      <label className="switch"><input type="checkbox" checked={overwrite}
        onChange={(e) => setOverwrite(e.target.checked)} /> replace it if it exists</label>
      <button type="button" disabled={action.busy} onClick={copy}>Copy</button>
      <ErrorText error={action.error} />
      {done && <p role="status" className="ok">{done}</p>}
    </div>
  );
}

interface Evaluation {
  value?: Json;
  variant?: string;
  reason?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** What a client of this environment gets for a context, from the saved flag (not the draft). */
function TryIt({ project, environment, flagKey }: { project: ProjectRole; environment: string; flagKey: string }) {
  const [context, setContext] = useState('{\n  "targetingKey": "user-1",\n  "email": "ana@example.com"\n}');
  const [answer, setAnswer] = useState<Evaluation | null>(null);
  const action = useAction();
  function evaluate() {
    setAnswer(null);
    void action.run(async () => {
      const parsed = parseTyped<object>(context, 'The context');
      setAnswer(await api<Evaluation>(`${flagsPath(project, environment)}/flags/${encodeURIComponent(flagKey)}/evaluate`,
        { method: 'POST', body: JSON.stringify({ context: parsed }) }));
    });
  }
  return (
    <div className="card form try-it" role="group" aria-label="Try it">
      <h2>Try it</h2>
      <label>Evaluation context (JSON)
        <textarea rows={4} spellCheck={false} value={context} onChange={(e) => setContext(e.target.value)} />
      </label>
      <button type="button" className="small" disabled={action.busy} onClick={evaluate}>Evaluate</button>
      <ErrorText error={action.error} />
      {answer && (
        <p role="status" className="try-answer">
          {answer.errorCode ? <>Error <strong>{answer.errorCode}</strong>: {answer.errorMessage}</>
            : <>Value <code>{JSON.stringify(answer.value ?? null)}</code>, variant <strong>{answer.variant ?? '—'}</strong>,
              reason {answer.reason}</>}
        </p>
      )}
    </div>
  );
}

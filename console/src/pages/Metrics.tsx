import { type FormEvent, useState } from 'react';

import { api, call, includes, type ProjectRole } from '../api';
import { ErrorText, Loading, Page, useAction, useLoad } from '../ui';

interface Metric {
  key: string;
  name?: string;
  type?: string;
  events?: { event?: string };
  property?: string;
  windowSeconds?: string | number;
  inverse?: boolean;
  guardrail?: boolean;
  cupedDays?: number;
  winsorizePercentile?: number;
  version?: string | number;
}

const TYPES = ['conversion', 'count', 'sum', 'mean', 'retention'];
const EMPTY = { key: '', name: '', type: 'conversion', event: '', property: '', windowHours: '24', inverse: false,
  guardrail: false, cupedDays: '0', winsorize: '0' };

/** The project's experiment metrics: what experiments are judged on (docs/experiments.md, "Metrics"). */
export function Metrics({ project }: { project: ProjectRole }) {
  const base = `/api/v1/projects/${project.id}/experiment-metrics`;
  const metrics = useLoad(() => api<{ metrics?: Metric[] }>(base), [base]);
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<Metric | null>(null);
  const action = useAction();
  const mayEdit = includes(project.role, 'editor');

  function edit(metric: Metric) {
    setEditing(metric);
    setForm({ key: metric.key, name: metric.name ?? '', type: metric.type ?? 'conversion',
      event: metric.events?.event ?? '', property: metric.property ?? '',
      windowHours: String(Number(metric.windowSeconds ?? 0) / 3600), inverse: !!metric.inverse,
      guardrail: !!metric.guardrail, cupedDays: String(metric.cupedDays ?? 0),
      winsorize: String(metric.winsorizePercentile ?? 0) });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void action.run(async () => {
      const body: Record<string, unknown> = { name: form.name, type: form.type, events: { event: form.event },
        windowSeconds: Math.round(Number(form.windowHours) * 3600), inverse: form.inverse,
        guardrail: form.guardrail, cupedDays: Number(form.cupedDays), winsorizePercentile: Number(form.winsorize) };
      if (form.property) {
        body.property = form.property;
      }
      await call(`${base}/${encodeURIComponent(form.key)}`, { method: 'PUT', body: JSON.stringify(body),
        headers: editing ? { 'If-Match': `"${editing.version}"` } : { 'If-None-Match': '*' } });
      setEditing(null);
      setForm(EMPTY);
      metrics.reload();
    });
  }

  return (
    <Page title="Experiment metrics">
      {mayEdit && (
        <form className="card form" onSubmit={submit} aria-label={editing ? `Edit metric ${editing.key}` : 'New metric'}>
          <h2>{editing ? `Edit ${editing.key}` : 'New metric'}</h2>
          <div className="row">
            <label>Key<input required pattern="[a-z0-9][a-z0-9_.\-]{0,63}" value={form.key} disabled={!!editing}
              onChange={(e) => setForm({ ...form, key: e.target.value })} /></label>
            <label>Name<input maxLength={200} value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
            <label>Type
              <select value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value })}>
                {TYPES.map((t) => <option key={t}>{t}</option>)}
              </select>
            </label>
          </div>
          <div className="row">
            <label>Event<input required value={form.event} placeholder="e.g. Order Completed"
              onChange={(e) => setForm({ ...form, event: e.target.value })} /></label>
            {(form.type === 'sum' || form.type === 'mean') && <label>Numeric property<input value={form.property}
              placeholder="e.g. revenue" onChange={(e) => setForm({ ...form, property: e.target.value })} /></label>}
            <label>Window after exposure (hours; 0: to now)<input type="number" min={0} step="any"
              value={form.windowHours} onChange={(e) => setForm({ ...form, windowHours: e.target.value })} /></label>
          </div>
          <div className="row">
            <label>CUPED pre-period (days; 0: off)<input type="number" min={0} max={60} value={form.cupedDays}
              onChange={(e) => setForm({ ...form, cupedDays: e.target.value })} /></label>
            <label>Winsorise at percentile (0: off)<input type="number" min={0} max={1} step="0.01"
              value={form.winsorize} onChange={(e) => setForm({ ...form, winsorize: e.target.value })} /></label>
            <label className="switch"><input type="checkbox" checked={form.inverse}
              onChange={(e) => setForm({ ...form, inverse: e.target.checked })} /> lower is better</label>
            <label className="switch"><input type="checkbox" checked={form.guardrail}
              onChange={(e) => setForm({ ...form, guardrail: e.target.checked })} /> guardrail</label>
          </div>
          <ErrorText error={action.error} />
          <div className="row">
            <button type="submit" disabled={action.busy}>{editing ? 'Save metric' : 'Create metric'}</button>
            {editing && <button type="button" className="ghost-dark" onClick={() => {
              setEditing(null);
              setForm(EMPTY);
            }}>Cancel</button>}
          </div>
        </form>
      )}
      {!metrics.data ? <Loading error={metrics.error} /> : (
        <table className="table">
          <thead><tr><th>Key</th><th>Name</th><th>Type</th><th>Event</th><th>Window</th><th>Kind</th>
            <th><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {(metrics.data.metrics ?? []).map((m) => (
              <tr key={m.key}>
                <td><code>{m.key}</code></td><td>{m.name}</td><td>{m.type}{m.property ? ` of ${m.property}` : ''}</td>
                <td>{m.events?.event}</td>
                <td>{Number(m.windowSeconds ?? 0) ? `${Number(m.windowSeconds) / 3600} h` : 'to now'}</td>
                <td>{[m.guardrail && 'guardrail', m.inverse && 'lower is better', m.cupedDays && 'CUPED',
                  m.winsorizePercentile && 'winsorised'].filter(Boolean).join(', ') || '—'}</td>
                <td>{mayEdit && <>
                  <button type="button" className="small" onClick={() => edit(m)}>Edit</button>
                  <button type="button" className="danger small" onClick={() => window.confirm(
                    `Delete the metric ${m.key}? Experiments that name it lose its results.`) && void action.run(
                    async () => {
                      await call(`${base}/${encodeURIComponent(m.key)}`, { method: 'DELETE',
                        headers: { 'If-Match': `"${m.version}"` } });
                      metrics.reload();
                    })}>Delete</button></>}</td>
              </tr>
            ))}
            {(metrics.data.metrics ?? []).length === 0 && <tr><td colSpan={7} className="muted">No metrics yet.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

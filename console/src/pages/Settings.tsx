import { type FormEvent, useEffect, useState } from 'react';

import { api, call, includes, type ProjectRole } from '../api';
import { ErrorText, Loading, Page, useAction, useLoad, when } from '../ui';

interface Project {
  id: string;
  name: string;
  corsOrigins: string[];
  rateLimit: { perSecond: number; burst: number };
  environments: { name: string }[];
}

/** Project settings: name, browser origins, rate limit (gateway) and time zone (analytics). */
export function Settings({ project }: { project: ProjectRole }) {
  const base = `/api/v1/projects/${project.id}`;
  const loaded = useLoad(() => api<Project>(base), [base]);
  const analytics = useLoad(() => call<Record<string, unknown>>(`${base}/analytics-settings`), [base]);
  const [form, setForm] = useState({ name: '', origins: '', perSecond: 0, burst: 0, timeZone: '' });
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const mayChange = includes(project.role, 'admin');

  useEffect(() => {
    if (loaded.data) {
      setForm((f) => ({ ...f, name: loaded.data!.name, origins: loaded.data!.corsOrigins.join('\n'),
        perSecond: loaded.data!.rateLimit.perSecond, burst: loaded.data!.rateLimit.burst }));
    }
  }, [loaded.data]);
  useEffect(() => {
    if (analytics.data) {
      setForm((f) => ({ ...f, timeZone: String(analytics.data!.body.timeZone ?? 'UTC') }));
    }
  }, [analytics.data]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    void action.run(async () => {
      await api(base, { method: 'PATCH', body: JSON.stringify({
        name: form.name,
        corsOrigins: form.origins.split(/\s+/).filter(Boolean),
        rateLimit: { perSecond: Number(form.perSecond), burst: Number(form.burst) },
      }) });
      if (analytics.data && form.timeZone !== analytics.data.body.timeZone) {
        await api(`${base}/analytics-settings`, { method: 'PUT',
          headers: analytics.data.etag ? { 'If-Match': analytics.data.etag } : {},
          body: JSON.stringify({ ...analytics.data.body, version: undefined, timeZone: form.timeZone }) });
        analytics.reload();
      }
      setSaved(true);
      loaded.reload();
    });
  }

  if (!loaded.data) {
    return <Page title="Settings"><Loading error={loaded.error} /></Page>;
  }
  return (
    <Page title="Settings">
      <form className="card form" onSubmit={submit} aria-label="Project settings">
        <fieldset disabled={!mayChange || action.busy}>
          <label>Project name<input required maxLength={200} value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
          <label>Allowed browser origins (one per line; * allows any)
            <textarea rows={3} value={form.origins} onChange={(e) => setForm({ ...form, origins: e.target.value })} />
          </label>
          <div className="row">
            <label>Requests per second per key<input type="number" min={1} max={1000000} value={form.perSecond}
              onChange={(e) => setForm({ ...form, perSecond: Number(e.target.value) })} /></label>
            <label>Burst<input type="number" min={1} max={1000000} value={form.burst}
              onChange={(e) => setForm({ ...form, burst: Number(e.target.value) })} /></label>
          </div>
          <label>Time zone for days in analytics (IANA name)<input value={form.timeZone}
            placeholder="e.g. Europe/Berlin" onChange={(e) => setForm({ ...form, timeZone: e.target.value })} />
          </label>
          <p className="muted">Environments: {loaded.data.environments.map((e) => e.name).join(', ')}</p>
          <ErrorText error={action.error ?? analytics.error} />
          {saved && <p role="status" className="ok">Saved.</p>}
          {mayChange ? <button type="submit">Save</button>
            : <p className="notice">Only admins and owners change settings.</p>}
        </fieldset>
      </form>
      {mayChange && <ProjectActivity base={base} />}
    </Page>
  );
}

interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
  at: string;
}

/** Who changed the project's keys, settings, environments and members (flags and experiments keep their own). */
function ProjectActivity({ base }: { base: string }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(true);
  const action = useAction();
  const page = (before?: number) => void action.run(async () => {
    const next = await api<AuditEntry[]>(`${base}/audit?limit=25${before ? `&before=${before}` : ''}`);
    setEntries((shown) => (before ? [...shown, ...next] : next));
    setMore(next.length === 25);
  });
  useEffect(() => page(), [base]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section className="card" aria-label="Activity">
      <h2>Activity</h2>
      <ErrorText error={action.error} />
      <table className="table compact">
        <thead><tr><th>When</th><th>Who</th><th>What</th><th>Target</th><th>Details</th></tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}><td>{when(e.at)}</td><td>{e.actor}</td><td>{e.action}</td><td>{e.target}</td>
              <td>{Object.entries(e.detail).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
                .join(' · ')}</td></tr>
          ))}
          {entries.length === 0 && !action.busy && <tr><td colSpan={5} className="muted">No changes yet.</td></tr>}
        </tbody>
      </table>
      {more && entries.length > 0 && <button type="button" className="small" disabled={action.busy}
        onClick={() => page(entries[entries.length - 1].id)}>Older</button>}
    </section>
  );
}

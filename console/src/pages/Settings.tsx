import { type FormEvent, useEffect, useState } from 'react';

import { api, call, includes, type ProjectRole } from '../api';
import { ErrorText, Loading, Page, useAction, useLoad } from '../ui';

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
    </Page>
  );
}

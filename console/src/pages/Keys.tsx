import { type FormEvent, useState } from 'react';

import { api, includes, type ProjectRole } from '../api';
import { ErrorText, Loading, Page, useAction, useLoad, when } from '../ui';

interface Key {
  id: string;
  kind: 'client' | 'server' | 'admin';
  environment: string | null;
  name: string;
  displayPrefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** A project's API keys: issue one (its secret shown once, with a copy button), see them, revoke them. */
export function Keys({ project }: { project: ProjectRole }) {
  const base = `/api/v1/projects/${project.id}/keys`;
  const keys = useLoad(() => api<Key[]>(base), [base]);
  const [form, setForm] = useState({ kind: 'client', environment: project.environments[0], name: '', expiresAt: '' });
  const [issued, setIssued] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAction();
  const revoke = useAction();
  const mayAdminister = includes(project.role, 'admin');

  function submit(event: FormEvent) {
    event.preventDefault();
    void create.run(async () => {
      const body: Record<string, unknown> = { kind: form.kind, name: form.name || undefined };
      if (form.kind !== 'admin') {
        body.environment = form.environment;
      }
      if (form.expiresAt) {
        body.expiresAt = new Date(form.expiresAt).toISOString();
      }
      const created = await api<Key & { key: string }>(base, { method: 'POST', body: JSON.stringify(body) });
      setIssued({ key: created.key, name: created.name || created.displayPrefix });
      setCopied(false);
      keys.reload();
    });
  }

  async function copy() {
    await navigator.clipboard.writeText(issued!.key);
    setCopied(true);
  }

  return (
    <Page title="API keys">
      {!mayAdminister && <p className="notice">Keys are managed by the project's admins and owners.</p>}
      {mayAdminister && (
        <form className="card form inline-form" onSubmit={submit} aria-label="New key">
          <label>Kind
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="client">client (browsers and apps)</option>
              <option value="server">server (backends)</option>
              <option value="admin">admin (management API)</option>
            </select>
          </label>
          {form.kind !== 'admin' && (
            <label>Environment
              <select value={form.environment} onChange={(e) => setForm({ ...form, environment: e.target.value })}>
                {project.environments.map((env) => <option key={env}>{env}</option>)}
              </select>
            </label>
          )}
          <label>Name<input value={form.name} maxLength={200} placeholder="e.g. web shop"
            onChange={(e) => setForm({ ...form, name: e.target.value })} /></label>
          <label>Expires (optional)<input type="datetime-local" value={form.expiresAt}
            onChange={(e) => setForm({ ...form, expiresAt: e.target.value })} /></label>
          <button type="submit" disabled={create.busy}>Create key</button>
          <ErrorText error={create.error} />
        </form>
      )}
      {issued && (
        <div className="card secret" role="status">
          <p><strong>{issued.name}</strong>: copy this key now. It is shown only once.</p>
          <code className="key-secret">{issued.key}</code>
          <button type="button" onClick={copy}>{copied ? 'Copied' : 'Copy'}</button>
        </div>
      )}
      <ErrorText error={revoke.error} />
      {!keys.data ? <Loading error={keys.error} /> : (
        <table className="table">
          <thead><tr><th>Name</th><th>Kind</th><th>Environment</th><th>Key</th><th>Created</th><th>Expires</th>
            <th>Status</th><th><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name || '—'}</td><td>{key.kind}</td><td>{key.environment ?? 'all'}</td>
                <td><code>{key.displayPrefix}…</code></td><td>{when(key.createdAt)}</td><td>{when(key.expiresAt)}</td>
                <td>{key.revokedAt ? 'revoked' : key.expiresAt && new Date(key.expiresAt) < new Date() ? 'expired'
                  : 'active'}</td>
                <td>{mayAdminister && !key.revokedAt && (
                  <button type="button" className="danger small" disabled={revoke.busy}
                    aria-label={`Revoke ${key.name || key.displayPrefix}`}
                    onClick={() => window.confirm('Revoke this key? It stops working at once.')
                      && void revoke.run(async () => {
                        await api(`${base}/${key.id}`, { method: 'DELETE' });
                        keys.reload();
                      })}>Revoke</button>
                )}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

import { type FormEvent, useState } from 'react';

import { api, type ProjectRole } from '../api';
import { clock } from '../player/markers';
import { Link } from '../router';
import { Loading, Page, useLoad, when } from '../ui';

interface Recording {
  sessionId: string;
  distinctId: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  activeMs: number;
  pages: string[];
  clicks: number;
  rageClicks: number;
  consoleErrors: number;
  flags: Record<string, string>;
  variations: Record<string, string>;
  replayable: boolean;
  surveys: { surveyKey: string; submissionId: string; completed: boolean; shownAt: string }[];
  feedbackIds: string[];
}

const EMPTY = { distinctId: '', url: '', event: '', minSeconds: '', variation: '', rageClicks: false, errors: false };

function recordingsPath(project: ProjectRole, environment: string) {
  return `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}/recordings`;
}

/** Session recordings of an environment, newest first, narrowed by person, page, event, length, variation, trouble. */
export function Recordings({ project, environment }: { project: ProjectRole; environment: string }) {
  const initial = new URLSearchParams(window.location.search);
  const [form, setForm] = useState({ ...EMPTY, distinctId: initial.get('distinctId') ?? '' });
  const [query, setQuery] = useState(form);
  const [pages, setPages] = useState<string[]>(['']);
  const token = pages[pages.length - 1];
  const params = new URLSearchParams({ limit: '50' });
  if (query.distinctId) params.set('distinctId', query.distinctId);
  if (query.url) params.set('url', query.url);
  if (query.event) params.set('event', query.event);
  if (query.minSeconds) params.set('minDurationMs', String(Math.round(Number(query.minSeconds) * 1000)));
  if (query.variation) params.set('variation', query.variation);
  if (query.rageClicks) params.set('rageClicks', 'true');
  if (query.errors) params.set('errors', 'true');
  if (token) params.set('pageToken', token);
  const list = useLoad(() => api<{ recordings?: Recording[]; nextPageToken?: string }>(
    `${recordingsPath(project, environment)}?${params}`), [project.id, environment, params.toString()]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setQuery(form);
    setPages(['']);
  }

  const recordings = list.data?.recordings ?? [];
  return (
    <Page title="Recordings">
      <form className="card form" onSubmit={submit} aria-label="Find recordings">
        <div className="row">
          <label>Person<input value={form.distinctId} placeholder="distinct id"
            onChange={(e) => setForm({ ...form, distinctId: e.target.value })} /></label>
          <label>Visited a page containing<input value={form.url} placeholder="/pricing"
            onChange={(e) => setForm({ ...form, url: e.target.value })} /></label>
          <label>Did the event<input value={form.event} placeholder="Signed Up"
            onChange={(e) => setForm({ ...form, event: e.target.value })} /></label>
          <label>At least (seconds)<input type="number" min={0} value={form.minSeconds}
            onChange={(e) => setForm({ ...form, minSeconds: e.target.value })} /></label>
          <label>Saw variation<input value={form.variation} placeholder="experiment:variation"
            onChange={(e) => setForm({ ...form, variation: e.target.value })} /></label>
        </div>
        <div className="row">
          <label className="switch"><input type="checkbox" checked={form.rageClicks}
            onChange={(e) => setForm({ ...form, rageClicks: e.target.checked })} /> with rage clicks</label>
          <label className="switch"><input type="checkbox" checked={form.errors}
            onChange={(e) => setForm({ ...form, errors: e.target.checked })} /> with console errors</label>
          <button type="submit">Find</button>
        </div>
      </form>
      {!list.data ? <Loading error={list.error} /> : (
        <>
          <table className="table recordings">
            <thead><tr><th>Started</th><th>Person</th><th>Length</th><th>Active</th><th>Pages</th><th>Clicks</th>
              <th>Trouble</th></tr></thead>
            <tbody>
              {recordings.map((r) => (
                <tr key={r.sessionId} data-session={r.sessionId}>
                  <td><Link to={`/p/${project.id}/recordings/${environment}/${encodeURIComponent(r.sessionId)}`}>
                    {when(r.startedAt)}</Link></td>
                  <td>{r.distinctId}</td><td>{clock(Number(r.durationMs))}</td><td>{clock(Number(r.activeMs))}</td>
                  <td title={(r.pages ?? []).join('\n')}>{(r.pages ?? []).length}</td><td>{r.clicks}</td>
                  <td>{[r.rageClicks ? `${r.rageClicks} rage clicks` : '', r.consoleErrors
                    ? `${r.consoleErrors} errors` : ''].filter(Boolean).join(', ') || '—'}</td>
                </tr>
              ))}
              {recordings.length === 0 && <tr><td colSpan={7} className="muted">No recordings match.</td></tr>}
            </tbody>
          </table>
          <div className="row">
            {pages.length > 1 && <button type="button" className="ghost-dark"
              onClick={() => setPages(pages.slice(0, -1))}>Newer</button>}
            {list.data.nextPageToken && <button type="button" className="ghost-dark"
              onClick={() => setPages([...pages, list.data!.nextPageToken!])}>Older</button>}
          </div>
        </>
      )}
    </Page>
  );
}

/** One session: the player (a page of its own, ADR 0014) and, beside it, who it was and what they met. */
export function RecordingView({ project, environment, sessionId }: { project: ProjectRole; environment: string;
  sessionId: string }) {
  const path = `${recordingsPath(project, environment)}/${encodeURIComponent(sessionId)}`;
  const summary = useLoad(() => api<Recording>(path), [path]);
  const player = `/console/player.html?${new URLSearchParams({ p: project.id, e: environment, s: sessionId })}`;
  const r = summary.data;
  return (
    <Page title="Recording" actions={<Link to={`/p/${project.id}/recordings/${environment}`}>All recordings</Link>}>
      <div className="recording">
        <iframe className="player-frame" src={player} title="Session replay" />
        <aside className="card recording-side" aria-label="About this session">
          {!r ? <Loading error={summary.error} /> : <>
            <h2>Person</h2>
            <p><code className="person">{r.distinctId}</code><br />
              <Link to={`/p/${project.id}/recordings/${environment}?distinctId=${encodeURIComponent(r.distinctId)}`}>
                Their other recordings</Link></p>
            <p className="muted">{when(r.startedAt)} · {clock(Number(r.durationMs))} long, {clock(Number(r.activeMs))}
              {' '}active · {r.clicks} clicks{r.rageClicks ? `, ${r.rageClicks} rage clicks` : ''}
              {r.consoleErrors ? `, ${r.consoleErrors} errors` : ''}</p>
            <h2>Pages</h2>
            <ol className="pages">{(r.pages ?? []).map((p, i) => <li key={i}>{p}</li>)}</ol>
            {Object.keys(r.variations ?? {}).length > 0 && <>
              <h2>Experiments</h2>
              <ul>{Object.entries(r.variations).map(([key, variation]) => <li key={key}>
                <Link to={`/p/${project.id}/experiments/${environment}/${key}`}>{key}</Link>: {variation}</li>)}</ul>
            </>}
            {Object.keys(r.flags ?? {}).length > 0 && <>
              <h2>Flags</h2>
              <ul>{Object.entries(r.flags).map(([key, variant]) => <li key={key}>{key}: {variant}</li>)}</ul>
            </>}
            {(r.surveys ?? []).length > 0 && <>
              <h2>Surveys</h2>
              <ul>{r.surveys.map((s) => <li key={s.submissionId || s.surveyKey}>{s.surveyKey}
                {s.completed ? ' (answered)' : ' (shown)'}</li>)}</ul>
            </>}
            {(r.feedbackIds ?? []).length > 0 && <>
              <h2>Feedback</h2>
              <ul>{r.feedbackIds.map((id) => <li key={id}><code>{id}</code></li>)}</ul>
            </>}
          </>}
        </aside>
      </div>
    </Page>
  );
}

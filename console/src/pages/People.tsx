import { type FormEvent, useState } from 'react';

import { api, type ProjectRole } from '../api';
import { clock } from '../player/markers';
import { Link, navigate } from '../router';
import { Loading, Page, useLoad, when } from '../ui';

interface Found { distinctId: string; personId: string; traitsJson: string }

interface Profile {
  personId: string;
  distinctIds: string[];
  traitsJson: string;
  experiments?: { experimentKey: string; variationKey: string; firstExposedAt: string }[];
  events?: { name: string; type: string; at: string }[];
}

function environmentPath(project: ProjectRole, environment: string) {
  return `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}`;
}

export function personLink(project: ProjectRole, environment: string, distinctId: string) {
  return `/p/${project.id}/people/${environment}/${encodeURIComponent(distinctId)}`;
}

/** The environment's people (end users), found by id or trait. */
export function People({ project, environment }: { project: ProjectRole; environment: string }) {
  const [text, setText] = useState(new URLSearchParams(window.location.search).get('q') ?? '');
  const [query, setQuery] = useState(text);
  const found = useLoad(() => (query.trim()
    ? api<{ people?: Found[] }>(`${environmentPath(project, environment)}/people?q=${encodeURIComponent(query)}`)
    : Promise.resolve({ people: [] as Found[] })), [project.id, environment, query]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setQuery(text);
  }

  const people = found.data?.people ?? [];
  return (
    <Page title="People">
      <form className="card form inline-form" onSubmit={submit} aria-label="Find people">
        <label>Id or trait<input className="wide" value={text} onChange={(e) => setText(e.target.value)}
          placeholder="ada@example.com, u-42 or plan=pro" /></label>
        <button type="submit">Find</button>
        {text.trim() && <button type="button" className="ghost-dark" onClick={() => navigate(personLink(project,
          environment, text.trim()))}>Open “{text.trim()}” as an id</button>}
      </form>
      {!found.data ? <Loading error={found.error} /> : query.trim() && (
        <table className="table people">
          <thead><tr><th>Id</th><th>Person</th><th>Traits</th></tr></thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.distinctId} data-person={p.personId}>
                <td><Link to={personLink(project, environment, p.distinctId)}>{p.distinctId}</Link></td>
                <td>{p.personId}</td>
                <td className="traits-summary">{Object.entries(JSON.parse(p.traitsJson || '{}') as Record<string,
                  unknown>).slice(0, 4).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
                  .join(' · ')}</td>
              </tr>
            ))}
            {people.length === 0 && <tr><td colSpan={3} className="muted">Nobody identified matches. People are found
              by their ids and traits once identified; open an id directly above.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

interface Recording { sessionId: string; startedAt: string; durationMs: number; pages: string[] }
interface Submission {
  surveyKey: string; submissionId: string; shownAt: string; completed: boolean; dismissed: boolean;
  answers?: { questionId: string; score?: number; choices?: string[]; other: string; text: string }[];
}

interface FeedbackItem { feedbackId: string; rating: number; comment: string; createdAt: string; person: string;
  pageUrl: string }

/** One person: every id, traits, experiments and variations, latest events, recordings and feedback. */
export function Person({ project, environment, distinctId }: { project: ProjectRole; environment: string;
  distinctId: string }) {
  const base = environmentPath(project, environment);
  const profile = useLoad(() => api<Profile>(`${base}/people/${encodeURIComponent(distinctId)}?days=90`),
    [base, distinctId]);
  const ids = profile.data?.distinctIds ?? [];
  const recordings = useLoad(async () => {
    if (!ids.length) return [];
    const lists = await Promise.all(ids.map((id) => api<{ recordings?: Recording[] }>(
      `${base}/recordings?limit=20&distinctId=${encodeURIComponent(id)}`)));
    return lists.flatMap((l) => l.recordings ?? []).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }, [base, ids.join('\n')]);
  const answers = useLoad(async () => (ids.length ? (await api<{ submissions?: Submission[] }>(
    `${base}/survey-answers?${ids.slice(0, 50).map((id) => `person=${encodeURIComponent(id)}`).join('&')}`))
    .submissions ?? [] : []), [base, ids.join('\n')]);
  const feedback = useLoad(async () => {
    if (!ids.length) return [];
    const wall = await api<{ items?: FeedbackItem[] }>(`${base}/feedback?limit=200`);
    return (wall.items ?? []).filter((item) => ids.includes(item.person));
  }, [base, ids.join('\n')]);

  const p = profile.data;
  const traits = Object.entries(JSON.parse(p?.traitsJson || '{}') as Record<string, unknown>);
  return (
    <Page title={distinctId} actions={<Link to={`/p/${project.id}/people/${environment}`}>Find people</Link>}>
      {!p ? <Loading error={profile.error} /> : (
        <div className="person-page">
          <section className="card" aria-label="Who">
            <h2>Ids</h2>
            <p>{p.distinctIds.map((id) => <code key={id} className="person-id">{id}</code>)}</p>
            <h2>Traits</h2>
            {traits.length === 0 ? <p className="muted">None (no identify call yet).</p> : (
              <table className="table compact traits"><tbody>{traits.map(([k, v]) => <tr key={k}><th scope="row">{k}
              </th><td>{typeof v === 'string' ? v : JSON.stringify(v)}</td></tr>)}</tbody></table>)}
            <h2>Experiments</h2>
            {(p.experiments ?? []).length === 0 ? <p className="muted">None.</p> : (
              <ul className="experiments">{(p.experiments ?? []).map((x) => <li key={x.experimentKey}><Link
                to={`/p/${project.id}/experiments/${environment}/${x.experimentKey}`}>{x.experimentKey}</Link>:
                {' '}<strong>{x.variationKey}</strong> <span className="muted">since {when(x.firstExposedAt)}</span></li>)}
              </ul>)}
            <h2>Recordings</h2>
            {!recordings.data ? <Loading error={recordings.error} /> : recordings.data.length === 0
              ? <p className="muted">None.</p>
              : <ul className="recordings">{recordings.data.map((r) => <li key={r.sessionId}><Link
                to={`/p/${project.id}/recordings/${environment}/${encodeURIComponent(r.sessionId)}`}>
                {when(r.startedAt)}</Link> · {clock(Number(r.durationMs))} · {(r.pages ?? []).length} pages</li>)}</ul>}
            <h2>Survey answers</h2>
            {!answers.data ? <Loading error={answers.error} /> : answers.data.length === 0
              ? <p className="muted">None.</p>
              : <ul className="answers">{answers.data.map((s) => <li key={s.submissionId} data-survey={s.surveyKey}>
                <Link to={`/p/${project.id}/surveys/${environment}/${s.surveyKey}`}>{s.surveyKey}</Link>
                {' '}<span className="muted">{when(s.shownAt)}{s.dismissed ? ' · dismissed' : ''}</span>
                {(s.answers ?? []).length === 0 ? <span className="muted"> · no answer</span> : <ul>
                  {(s.answers ?? []).map((a) => <li key={a.questionId}>{a.questionId}: {a.score !== undefined
                    ? Number(a.score) : [...(a.choices ?? []), a.other].filter(Boolean).join(', ') || a.text}</li>)}
                </ul>}</li>)}</ul>}
            <h2>Feedback</h2>
            {!feedback.data ? <Loading error={feedback.error} /> : feedback.data.length === 0
              ? <p className="muted">None among the latest 200.</p>
              : <ul>{feedback.data.map((f) => <li key={f.feedbackId}>{f.rating ? `${f.rating}/5 ` : ''}{f.comment}
                {' '}<span className="muted">{when(f.createdAt)}</span></li>)}</ul>}
          </section>
          <section className="card" aria-label="Events">
            <h2>Latest events <span className="muted">(90 days)</span></h2>
            <table className="table compact timeline">
              <thead><tr><th>When</th><th>Event</th><th>Type</th></tr></thead>
              <tbody>{(p.events ?? []).map((e, i) => <tr key={i}><td>{when(e.at)}</td><td>{e.name}</td>
                <td>{e.type}</td></tr>)}
              {(p.events ?? []).length === 0 && <tr><td colSpan={3} className="muted">No events in 90 days.</td></tr>}
              </tbody>
            </table>
          </section>
        </div>
      )}
    </Page>
  );
}

import { useEffect, useRef, useState } from 'react';

import { api, describe, type ProjectRole } from '../api';
import { navigate } from '../router';
import { ErrorText, Loading, Page, useLoad, when } from '../ui';

interface FeedbackItem {
  feedbackId: string;
  rating: number;
  comment: string;
  email: string;
  pageUrl: string;
  selector: string;
  hasScreenshot: boolean;
  createdAt: string;
  person: string;
}

const FACES = ['', 'very unhappy', 'unhappy', 'neutral', 'happy', 'very happy'];

/**
 * The feedback widget's submissions, latest first: rating, comment, the page and the element the person
 * highlighted, the screenshot (opened large in a lightbox), and the way to their recording of that moment.
 */
export function FeedbackWall({ project, environment }: { project: ProjectRole; environment: string }) {
  const base = `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}`;
  const [pages, setPages] = useState<string[]>(['']);
  const before = pages[pages.length - 1];
  const wall = useLoad(() => api<{ items?: FeedbackItem[]; ratings?: { value: string; count: number }[] }>(
    `${base}/feedback?limit=30${before ? `&before=${encodeURIComponent(before)}` : ''}`), [base, before]);
  const [large, setLarge] = useState<FeedbackItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (large) {
      dialog.current?.showModal();
    } else {
      dialog.current?.close();
    }
  }, [large]);

  async function recording(item: FeedbackItem) {
    setError(null);
    try {
      const found = await api<{ recordings?: { sessionId: string }[] }>(`${base}/recordings?limit=1&distinctId=`
        + `${encodeURIComponent(item.person)}&at=${encodeURIComponent(item.createdAt)}`);
      const session = found.recordings?.[0]?.sessionId;
      if (session) {
        navigate(`/p/${project.id}/recordings/${environment}/${encodeURIComponent(session)}`);
      } else {
        setError(`No recording of ${item.person} was going on at ${when(item.createdAt)}.`);
      }
    } catch (failure) {
      setError(describe(failure));
    }
  }

  const items = wall.data?.items ?? [];
  return (
    <Page title="Feedback">
      {!wall.data ? <Loading error={wall.error} /> : <>
        <p className="muted">{(wall.data.ratings ?? []).filter((r) => Number(r.count) > 0).map((r) =>
          `${r.count} × ${FACES[Number(r.value)] ?? r.value}`).join(' · ') || 'No ratings on this page.'}</p>
        <ErrorText error={error} />
        <ul className="wall">
          {items.map((item) => (
            <li key={item.feedbackId} className="card wall-item" data-feedback={item.feedbackId}>
              <div className="wall-head">
                <span className={`rating rating-${item.rating}`} title={`${item.rating} of 5`}>
                  {item.rating ? `${item.rating}/5 · ${FACES[item.rating]}` : 'no rating'}</span>
                <span className="muted">{when(item.createdAt)}</span>
              </div>
              {item.comment && <blockquote>{item.comment}</blockquote>}
              <p className="muted wall-where">{item.pageUrl}{item.email ? ` · ${item.email}` : ''}</p>
              {item.selector && <p className="wall-selector">Highlighted <code className="selector">{item.selector}</code>
              </p>}
              {item.hasScreenshot && (
                <button type="button" className="thumb" onClick={() => setLarge(item)}
                  aria-label={`Open the screenshot of feedback from ${when(item.createdAt)}`}>
                  <img src={`${base}/feedback/${encodeURIComponent(item.feedbackId)}/screenshot`} alt=""
                    loading="lazy" />
                </button>
              )}
              <div className="row">
                <code className="person" title="person">{item.person}</code>
                <button type="button" className="small ghost-dark" onClick={() => void recording(item)}>
                  Watch the recording</button>
              </div>
            </li>
          ))}
          {items.length === 0 && <li className="muted">No feedback yet.</li>}
        </ul>
        <div className="row">
          {pages.length > 1 && <button type="button" className="ghost-dark"
            onClick={() => setPages(pages.slice(0, -1))}>Newer</button>}
          {items.length === 30 && <button type="button" className="ghost-dark"
            onClick={() => setPages([...pages, items[items.length - 1].createdAt])}>Older</button>}
        </div>
      </>}
      <dialog ref={dialog} className="lightbox" aria-label="Screenshot" onClose={() => setLarge(null)}>
        {large && <>
          <img src={`${base}/feedback/${encodeURIComponent(large.feedbackId)}/screenshot`}
            alt={`What ${large.person} saw on ${large.pageUrl}${large.selector ? `, highlighting ${large.selector}`
              : ''}`} />
          <p>{large.comment}</p>
          {large.selector && <p>Highlighted <code className="selector">{large.selector}</code></p>}
          <button type="button" onClick={() => setLarge(null)}>Close</button>
        </>}
      </dialog>
    </Page>
  );
}

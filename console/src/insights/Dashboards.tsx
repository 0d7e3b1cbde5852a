import { type FormEvent, useEffect, useMemo, useState } from 'react';

import { api, ApiError, call, describe, includes, type ProjectRole } from '../api';
import { Link, navigate } from '../router';
import { ErrorText, Loading, Page, useAction, useLoad, when } from '../ui';
import { type Answers } from './answers';
import { age, type Dashboard, keyFrom, questionOf, type SavedInsight, type Tile } from './boards';
import { type Call, calls as callsOf, KINDS } from './model';
import { runInsight } from './Insights';
import { Results } from './Results';

/** How old an answer the gateway keeps may be when a dashboard opens; Refresh asks for new ones. */
const ON_OPEN = 'max-age=300';

/** The project's dashboards, and a new one (editors). */
export function Dashboards({ project }: { project: ProjectRole }) {
  const base = `/api/v1/projects/${project.id}/dashboards`;
  const list = useLoad(() => api<{ dashboards?: Dashboard[] }>(base), [base]);
  const [name, setName] = useState('');
  const action = useAction();

  function create(event: FormEvent) {
    event.preventDefault();
    void action.run(async () => {
      const key = keyFrom(name);
      await call(`${base}/${encodeURIComponent(key)}`, { method: 'PUT', body: JSON.stringify({ name, tiles: [] }),
        headers: { 'If-None-Match': '*' } });
      navigate(`/p/${project.id}/dashboards/${key}`);
    });
  }

  const dashboards = list.data?.dashboards ?? [];
  return (
    <Page title="Dashboards">
      {includes(project.role, 'editor') && (
        <form className="card form inline-form" onSubmit={create} aria-label="New dashboard">
          <label>Dashboard name<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Growth weekly" /></label>
          <button type="submit" disabled={action.busy}>Create dashboard</button>
          <ErrorText error={action.error} />
        </form>
      )}
      {!list.data ? <Loading error={list.error} /> : (
        <table className="table dashboards">
          <thead><tr><th>Dashboard</th><th>Tiles</th><th>Changed</th></tr></thead>
          <tbody>
            {dashboards.map((d) => (
              <tr key={d.key}>
                <td><Link to={`/p/${project.id}/dashboards/${d.key}`}>{d.name}</Link></td>
                <td>{d.tiles?.length ?? 0}</td><td>{when(d.updatedAt)} by {d.updatedBy}</td>
              </tr>
            ))}
            {dashboards.length === 0 && <tr><td colSpan={3} className="muted">No dashboards yet.</td></tr>}
          </tbody>
        </table>
      )}
    </Page>
  );
}

/**
 * One dashboard: its saved insights as tiles, each answered on open (an answer the gateway computed in the last five
 * minutes will do) and again on Refresh, with the time each was computed. Editors arrange the tiles and save; a
 * change someone else saved meanwhile is refused (If-Match) and explained.
 */
export function DashboardPage({ project, dashboardKey }: { project: ProjectRole; dashboardKey: string }) {
  const path = `/api/v1/projects/${project.id}/dashboards/${encodeURIComponent(dashboardKey)}`;
  const [stored, setStored] = useState<Dashboard | null>(null);
  const [tiles, setTiles] = useState<Tile[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [drawn, setDrawn] = useState<Record<string, boolean>>({});
  const insights = useLoad(() => api<{ insights?: SavedInsight[] }>(`/api/v1/projects/${project.id}/insights`),
    [project.id]);
  const action = useAction();
  const mayEdit = includes(project.role, 'editor');
  const [adding, setAdding] = useState('');

  useEffect(() => {
    api<Dashboard>(path).then((loaded) => {
      setStored(loaded);
      setTiles(loaded.tiles ?? []);
    }, (failure) => setLoadError(describe(failure)));
  }, [path]);

  const byKey = useMemo(() => new Map((insights.data?.insights ?? []).map((i) => [i.key, i])), [insights.data]);
  const changed = stored !== null && JSON.stringify(tiles) !== JSON.stringify(stored.tiles ?? []);
  const allDrawn = tiles.length > 0 && tiles.every((t, i) => drawn[`${i}:${t.insightKey}:${refresh}`]);

  function move(index: number, by: number) {
    const next = [...tiles];
    const [tile] = next.splice(index, 1);
    next.splice(Math.max(0, Math.min(next.length, index + by)), 0, tile);
    setTiles(next);
  }

  function save() {
    void action.run(async () => {
      try {
        const saved = await api<Dashboard>(path, { method: 'PUT', body: JSON.stringify({ name: stored!.name,
          description: stored!.description, tiles }), headers: { 'If-Match': `"${stored!.version}"` } });
        setStored(saved);
        setTiles(saved.tiles ?? []);
      } catch (failure) {
        if (failure instanceof ApiError && failure.problem.status === 409) {
          throw new ApiError({ ...failure.problem, detail: 'Someone saved this dashboard while you were arranging '
            + 'it. Reload to see their version, then arrange it again.' });
        }
        throw failure;
      }
    });
  }

  if (loadError) {
    return <Page title={dashboardKey}><ErrorText error={loadError} /></Page>;
  }
  if (!stored) {
    return <Page title={dashboardKey}><Loading error={null} /></Page>;
  }
  return (
    <Page title={stored.name} actions={<>
      <button type="button" className="ghost-dark" onClick={() => setRefresh((r) => r + 1)}>Refresh</button>
      <Link to={`/p/${project.id}/dashboards`}>All dashboards</Link></>}>
      <p className="muted">Version {stored.version} · changed {when(stored.updatedAt)} by {stored.updatedBy}</p>
      {!mayEdit && <p className="notice">You can read this dashboard; editors arrange it.</p>}
      {mayEdit && (
        <div className="card row dashboard-edit" role="group" aria-label="Arrange">
          <label>Add a saved insight
            <select value={adding} onChange={(e) => setAdding(e.target.value)}>
              <option value="">choose…</option>
              {(insights.data?.insights ?? []).map((i) => <option key={i.key} value={i.key}>{i.name}</option>)}
            </select>
          </label>
          <button type="button" className="ghost-dark" disabled={!adding || tiles.length >= 24} onClick={() => {
            setTiles([...tiles, { insightKey: adding, width: 1 }]);
            setAdding('');
          }}>Add tile</button>
          <button type="button" disabled={!changed || action.busy} onClick={save}>Save dashboard</button>
          {changed && <span className="muted">Unsaved arrangement</span>}
          <ErrorText error={action.error} />
        </div>
      )}
      {tiles.length === 0 && <p className="muted">No tiles yet{mayEdit ? ': add a saved insight.' : '.'}</p>}
      <div className="board" data-all-drawn={allDrawn ? 'true' : undefined}>
        {tiles.map((tile, i) => (
          <section key={`${i}:${tile.insightKey}`} className={`card board-tile${tile.width === 2 ? ' wide' : ''}`}
            aria-label={byKey.get(tile.insightKey)?.name ?? tile.insightKey} data-insight={tile.insightKey}>
            {mayEdit && (
              <div className="tile-tools" role="group" aria-label={`Arrange ${tile.insightKey}`}>
                <button type="button" className="small ghost-dark" disabled={i === 0} onClick={() => move(i, -1)}
                  aria-label={`Move ${tile.insightKey} earlier`}>←</button>
                <button type="button" className="small ghost-dark" disabled={i === tiles.length - 1}
                  onClick={() => move(i, 1)} aria-label={`Move ${tile.insightKey} later`}>→</button>
                <button type="button" className="small ghost-dark" onClick={() => setTiles(tiles.map((t, j) => (j === i
                  ? { ...t, width: t.width === 2 ? 1 : 2 } : t)))}>{tile.width === 2 ? 'Narrower' : 'Wider'}</button>
                <button type="button" className="small ghost-dark" aria-label={`Remove ${tile.insightKey}`}
                  onClick={() => setTiles(tiles.filter((_, j) => j !== i))}>Remove</button>
              </div>
            )}
            {!insights.data ? <Loading error={insights.error} /> : byKey.get(tile.insightKey)
              ? <TileAnswer project={project} saved={byKey.get(tile.insightKey)!} refresh={refresh}
                onDrawn={() => setDrawn((d) => ({ ...d, [`${i}:${tile.insightKey}:${refresh}`]: true }))} />
              : <p className="error">The saved insight {tile.insightKey} no longer exists.</p>}
          </section>
        ))}
      </div>
    </Page>
  );
}

type TileRun = { state: 'running' } | { state: 'failed'; error: string }
  | { state: 'done'; calls: Call[]; answers: Answers; computedAt: Date };

/** One tile: the saved insight's answer (kept by the gateway up to five minutes; Refresh recomputes). */
function TileAnswer({ project, saved, refresh, onDrawn }: { project: ProjectRole; saved: SavedInsight;
  refresh: number; onDrawn: () => void }) {
  const question = useMemo(() => questionOf(saved), [saved]);
  const [run, setRun] = useState<TileRun>({ state: 'running' });
  const [, tick] = useState(0);

  useEffect(() => {
    let current = true;
    const calls = callsOf(question);
    setRun({ state: 'running' });
    runInsight(project.id, saved.environment, calls, refresh > 0 ? 'no-cache' : ON_OPEN).then(
      ({ answers, computedAt }) => current && setRun({ state: 'done', calls, answers, computedAt }),
      (failure) => current && setRun({ state: 'failed', error: describe(failure) }));
    return () => {
      current = false;
    };
  }, [project.id, saved, question, refresh]);

  useEffect(() => {
    if (run.state !== 'running') {
      onDrawn();
    }
    // the age shown moves on by itself
    const timer = setInterval(() => tick((t) => t + 1), 30_000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [run]);

  const kind = KINDS.find((k) => k.key === question.kind)?.label ?? question.kind;
  return (
    <>
      <div className="tile-head">
        <h2><Link to={`/p/${project.id}/insights/${saved.environment}/${saved.key}`}>{saved.name}</Link></h2>
        <span className="muted">{kind} · {saved.environment}</span>
        <span className="spacer" />
        {run.state === 'done' && <span className="muted computed" title={run.computedAt.toISOString()}
          data-computed-at={run.computedAt.toISOString()}>computed {age(run.computedAt)}</span>}
      </div>
      {run.state === 'running' && <p className="muted" aria-live="polite">Computing…</p>}
      {run.state === 'failed' && <ErrorText error={run.error} />}
      {run.state === 'done' && <Results insight={question} calls={run.calls} answers={run.answers} project={project}
        environment={saved.environment} />}
    </>
  );
}

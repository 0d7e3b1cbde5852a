import { type FormEvent, useMemo, useState } from 'react';

import { api, describe, type ProjectRole } from '../api';
import { Chart, type ChartOption } from '../charts/Chart';
import { ErrorText, Page, percent } from '../ui';

const BANDS = {
  desktop: { label: 'desktop (1024 px and wider)', minWidth: 1024, maxWidth: 0 },
  tablet: { label: 'tablet (768–1023 px)', minWidth: 768, maxWidth: 1023 },
  mobile: { label: 'mobile (up to 767 px)', minWidth: 0, maxWidth: 767 },
  any: { label: 'any width', minWidth: 0, maxWidth: 0 },
} as const;

interface Shown {
  question: URLSearchParams;
  session: string | null;
  elements: { selector: string; clicks: number; rageClicks: number; deadClicks: number }[];
  total: number;
  scroll: { views: number; depths: { depthPx: number; share: number }[] };
}

function day(offset: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

/**
 * Heatmaps of a page: clicks, rage clicks, dead clicks or pointer positions for a viewport band, drawn over the page
 * as a recording saw it (the player page, ADR 0014), the clicked elements counted, and how far down views scrolled.
 */
export function Heatmaps({ project, environment }: { project: ProjectRole; environment: string }) {
  const [form, setForm] = useState({ url: '', match: 'exact', band: 'desktop' as keyof typeof BANDS,
    kind: 'click', from: day(-29), to: day(0) });
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/projects/${project.id}/environments/${encodeURIComponent(environment)}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const band = BANDS[form.band];
      const question = new URLSearchParams({ url: form.url.trim(), match: form.match,
        from: `${form.from}T00:00:00Z`, to: `${form.to}T23:59:59Z` });
      if (band.minWidth) question.set('minWidth', String(band.minWidth));
      if (band.maxWidth) question.set('maxWidth', String(band.maxWidth));
      const [heat, scroll, recordings] = await Promise.all([
        api<Shown & { elements?: Shown['elements'] }>(`${base}/heatmaps?${question}&kind=${form.kind}`),
        api<{ views: number; depths?: Shown['scroll']['depths'] }>(`${base}/heatmaps/scroll?${question}`),
        api<{ recordings?: { sessionId: string }[] }>(`${base}/recordings?limit=1&url=${encodeURIComponent(
          form.url.trim())}`)]);
      setShown({ question: new URLSearchParams({ ...Object.fromEntries(question), kind: form.kind }),
        session: recordings.recordings?.[0]?.sessionId ?? null, elements: heat.elements ?? [],
        total: Number(heat.total ?? 0), scroll: { views: Number(scroll.views ?? 0), depths: scroll.depths ?? [] } });
    } catch (failure) {
      setError(describe(failure));
    } finally {
      setBusy(false);
    }
  }

  const scrollChart = useMemo<ChartOption | null>(() => shown && {
    grid: { left: 56, right: 24, top: 16, bottom: 32, containLabel: true },
    xAxis: { type: 'value', name: 'px', max: 'dataMax' },
    yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => percent(v, 0) } },
    series: [{ type: 'line', name: 'views that reached the depth', step: 'end', areaStyle: { opacity: 0.2 },
      data: shown.scroll.depths.map((d) => [Number(d.depthPx), Number(d.share)]) }],
  }, [shown]);

  return (
    <Page title="Heatmaps">
      <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Which page">
        <div className="row">
          <label>Page URL<input className="wide" required value={form.url} placeholder="https://shop.example/pricing"
            onChange={(e) => setForm({ ...form, url: e.target.value })} /></label>
          <label>Match
            <select value={form.match} onChange={(e) => setForm({ ...form, match: e.target.value })}>
              <option value="exact">this page</option><option value="prefix">pages starting so</option>
            </select>
          </label>
          <label>Viewport
            <select value={form.band} onChange={(e) => setForm({ ...form, band: e.target.value as keyof typeof BANDS })}>
              {Object.entries(BANDS).map(([key, b]) => <option key={key} value={key}>{b.label}</option>)}
            </select>
          </label>
          <label>Show
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
              <option value="click">clicks</option><option value="rage">rage clicks</option>
              <option value="dead">dead clicks</option><option value="move">pointer movement</option>
            </select>
          </label>
          <label>From<input type="date" required value={form.from} onChange={(e) => setForm({ ...form,
            from: e.target.value })} /></label>
          <label>To<input type="date" required value={form.to} onChange={(e) => setForm({ ...form,
            to: e.target.value })} /></label>
          <button type="submit" disabled={busy}>{busy ? 'Drawing…' : 'Show'}</button>
        </div>
      </form>
      <ErrorText error={error} />
      {shown && (
        <div className="heatmap">
          <section className="card" aria-label="The page with its heatmap">
            <p className="muted">{shown.total} {shown.question.get('kind') === 'move' ? 'pointer positions'
              : 'clicks'}; {shown.scroll.views} page views scrolled.</p>
            {shown.session
              ? <iframe className="player-frame heatmap-frame" title="The page with its heatmap"
                src={`/console/player.html?${new URLSearchParams({ mode: 'heatmap', p: project.id, e: environment,
                  s: shown.session, ...Object.fromEntries(shown.question) })}`} />
              : <p className="notice">No recording visited this page, so it cannot be drawn under the heatmap; the
                counts are below.</p>}
          </section>
          <aside>
            <table className="table compact elements" aria-label="Clicked elements">
              <thead><tr><th>Element</th><th>Clicks</th><th>Rage</th><th>Dead</th></tr></thead>
              <tbody>
                {shown.elements.map((e) => <tr key={e.selector} data-selector={e.selector}><td><code>{e.selector}</code>
                </td><td>{Number(e.clicks)}</td><td>{Number(e.rageClicks)}</td><td>{Number(e.deadClicks)}</td></tr>)}
                {shown.elements.length === 0 && <tr><td colSpan={4} className="muted">No clicks.</td></tr>}
              </tbody>
            </table>
            {scrollChart && shown.scroll.depths.length > 0 && <Chart option={scrollChart} height={240}
              label="Scroll map: the share of page views that reached each depth" className="scroll-chart"
              values={shown.scroll.depths} />}
          </aside>
        </div>
      )}
    </Page>
  );
}

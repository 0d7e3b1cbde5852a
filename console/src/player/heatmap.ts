/**
 * A heatmap over the page it is about: the page rebuilt by rrweb from a recording's full snapshot of it (in rrweb's
 * sandboxed frame, at the recorded viewport's width and the page's whole height), the gateway's density of clicks,
 * rage clicks, dead clicks or pointer positions drawn over it, and the scroll map's fold lines (how many page views
 * reached each depth).
 */
import { Replayer } from '@rrweb/replay';
import type { eventWithTime } from '@rrweb/types';

interface Heatmap {
  columns: number;
  cellPx: number;
  cells?: { column: number; row: number; count: number }[];
  total: number;
}

interface ScrollMap {
  views: number;
  stepPx: number;
  depths?: { depthPx: number; share: number }[];
}

const META = 4;
const FULL_SNAPSHOT = 2;
const QUESTION = ['url', 'match', 'minWidth', 'maxWidth', 'from', 'to'];

/** The page's URL without its query and fragment (a heatmap's page never has them). */
function page(href: string): string {
  return href.replace(/[?#].*$/, '');
}

/** The offset just after the full snapshot that follows the page's (first) load in the recording. */
function snapshotOffset(events: eventWithTime[], url: string, prefix: boolean): number {
  const start = events[0].timestamp;
  const loaded = events.findIndex((e) => e.type === META && (prefix
    ? page(String((e.data as { href?: string }).href)).startsWith(url)
    : page(String((e.data as { href?: string }).href)) === url));
  const snapshot = events.findIndex((e, i) => i > Math.max(0, loaded) && e.type === FULL_SNAPSHOT);
  return (snapshot < 0 ? 0 : events[snapshot].timestamp - start) + 1;
}

export async function showHeatmap(events: eventWithTime[], stage: HTMLElement, params: URLSearchParams) {
  const base = `/api/v1/projects/${encodeURIComponent(params.get('p') ?? '')}/environments/`
    + `${encodeURIComponent(params.get('e') ?? '')}/heatmaps`;
  const question = new URLSearchParams();
  QUESTION.forEach((name) => params.get(name) && question.set(name, params.get(name)!));
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(path, { credentials: 'same-origin' });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error(body?.detail ?? body?.title ?? `HTTP ${response.status}`);
    }
    return body as T;
  };
  const [heat, scroll] = await Promise.all([
    get<Heatmap>(`${base}?${question}&kind=${encodeURIComponent(params.get('kind') ?? 'click')}&columns=64&cellPx=8`),
    get<ScrollMap>(`${base}/scroll?${question}`)]);

  const replayer = new Replayer(events, { root: stage, mouseTail: false, showWarning: false, triggerFocus: false,
    UNSAFE_replayCanvas: false });
  replayer.pause(snapshotOffset(events, page(params.get('url') ?? ''), params.get('match') === 'prefix'));
  const frame = replayer.iframe;
  const document = frame.contentDocument!;
  const width = Number(frame.getAttribute('width')) || frame.clientWidth;
  const height = Math.max(Number(frame.getAttribute('height')) || 0, document.documentElement.scrollHeight,
    document.body?.scrollHeight ?? 0);
  frame.setAttribute('height', String(height));
  const wrapper = stage.querySelector<HTMLElement>('.replayer-wrapper')!;
  const scale = Math.min(1, stage.clientWidth / Math.max(1, width));
  wrapper.style.transform = `scale(${scale})`;
  stage.style.height = `${Math.round(height * scale)}px`;

  const canvas = window.document.createElement('canvas');
  canvas.className = 'heat';
  canvas.width = width;
  canvas.height = height;
  wrapper.appendChild(canvas);
  const ctx = canvas.getContext('2d')!;
  const cells = heat.cells ?? [];
  const most = Math.max(1, ...cells.map((c) => Number(c.count)));
  const cellWidth = width / heat.columns;
  ctx.filter = 'blur(4px)';
  for (const cell of cells) {
    const weight = Math.sqrt(Number(cell.count) / most);
    ctx.fillStyle = `rgba(${Math.round(255 * Math.min(1, 0.4 + weight))}, ${Math.round(200 * (1 - weight))}, 0, `
      + `${(0.25 + 0.6 * weight).toFixed(3)})`;
    ctx.fillRect(cell.column * cellWidth, cell.row * heat.cellPx, cellWidth, heat.cellPx);
  }
  ctx.filter = 'none';
  // the scroll map: where three in four, half and one in four page views stopped going further
  const depths = scroll.depths ?? [];
  const drawn = new Set<number>();
  for (const share of [0.75, 0.5, 0.25]) {
    const reached = depths.filter((d) => d.share >= share).at(-1);
    // a line only where views stopped above the page's end, once per depth
    if (reached && reached.depthPx < height - scroll.stepPx && !drawn.has(reached.depthPx)) {
      drawn.add(reached.depthPx);
      ctx.strokeStyle = 'rgba(29, 35, 48, 0.8)';
      ctx.setLineDash([8, 6]);
      ctx.beginPath();
      ctx.moveTo(0, reached.depthPx);
      ctx.lineTo(width, reached.depthPx);
      ctx.stroke();
      ctx.fillStyle = 'rgba(29, 35, 48, 0.85)';
      ctx.font = '600 14px system-ui, sans-serif';
      ctx.fillText(`${Math.round(share * 100)}% of views reached here`, 8, reached.depthPx - 6);
    }
  }
  Object.assign(window.document.body.dataset, { state: 'heatmap', cells: String(cells.length),
    total: String(heat.total), pageHeight: String(height) });
}

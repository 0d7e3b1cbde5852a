import { deadClickWatcher, interactive, RAGE_CLICKS, rageClickCounter } from './autocapture';
import type { Failures } from './errors';

/** Which heatmap data is captured; each part is on unless set to false. */
export interface HeatmapOptions {
  /**
   * Clicks anywhere (rage clicks marked), with where on the page and on which element; a click on something
   * interactive after which nothing changed for a second is sent again as a dead click.
   */
  clicks?: boolean;
  /** Pointer positions, sampled every {@link moveSampleMs} while the pointer moves, sent in batches. */
  moves?: boolean;
  /** How far down the page the visitor scrolled, sent when the page is left. */
  scroll?: boolean;
  /** Default 250 ms. */
  moveSampleMs?: number;
}

export interface HeatmapSink {
  track(event: string, properties: Record<string, unknown>): void;
}

const SELECTOR_DEPTH = 6;
const MOVES_PER_EVENT = 40;

/**
 * A selector for the element that finds it again in the same page (and in a recording's snapshot of it): its id when
 * it has one, else tag:nth-of-type steps from the nearest ancestor with an id (or the body).
 */
export function selectorOf(element: Element): string {
  const steps: string[] = [];
  for (let node: Element | null = element; node && steps.length < SELECTOR_DEPTH; node = node.parentElement) {
    const tag = node.tagName.toLowerCase();
    if (node.id && /^[A-Za-z][\w-]*$/.test(node.id)) {
      steps.unshift(`#${node.id}`);
      return steps.join(' > ');
    }
    if (tag === 'body' || tag === 'html') {
      steps.unshift(tag);
      return steps.join(' > ');
    }
    let index = 1;
    for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
      if (sibling.tagName === node.tagName) {
        index++;
      }
    }
    steps.unshift(`${tag}:nth-of-type(${index})`);
  }
  return steps.join(' > ');
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** The deepest point of the page seen so far, in page pixels (the bottom of the viewport). */
function seenDepth(): number {
  return Math.round(window.scrollY + window.innerHeight);
}

/**
 * Heatmap data as events: {@code $heatmap_click} (x as a fraction of the viewport's width, y in page pixels, the
 * element's selector, rage), {@code $heatmap_move} (batches of sampled positions) and {@code $heatmap_scroll} (the
 * depth reached and the page's height), each with the viewport's width (the page's URL is every event's context).
 */
export function startHeatmaps(options: HeatmapOptions, sink: HeatmapSink, failures: Failures,
    now: () => number = () => Date.now()): { leaving: () => void; stop: () => void } {
  const on = (part: keyof HeatmapOptions) => options[part] !== false;
  const stops: Array<() => void> = [];
  const listen = (target: EventTarget, type: string, handler: (event: Event) => void) => {
    const guarded = (event: Event) => failures.guard(`heatmaps ${type}`, () => handler(event), undefined);
    target.addEventListener(type, guarded, { capture: true, passive: true });
    stops.push(() => target.removeEventListener(type, guarded, { capture: true }));
  };
  const width = () => window.innerWidth || document.documentElement.clientWidth || 1;

  const nearClicks = rageClickCounter(now);
  const dead = on('clicks') && typeof MutationObserver !== 'undefined' ? deadClickWatcher(failures) : null;
  if (dead) {
    stops.push(dead.stop);
  }
  if (on('clicks')) {
    listen(document, 'click', (event) => {
      const click = event as MouseEvent;
      const target = click.target instanceof Element ? click.target : null;
      const near = nearClicks(click.clientX, click.clientY);
      const point = { x: round(click.clientX / width(), 4), y: Math.round(click.pageY),
        selector: target ? selectorOf(target) : '', viewportWidth: width() };
      sink.track('$heatmap_click', { ...point, rage: near >= RAGE_CLICKS });
      const element = interactive(target);
      if (element && dead) {
        dead.watch(element, () => sink.track('$heatmap_click', { ...point, dead: true }));
      }
    });
  }

  let moves: number[][] = [];
  const sendMoves = () => {
    if (moves.length) {
      sink.track('$heatmap_move', { points: moves, viewportWidth: width() });
      moves = [];
    }
  };
  if (on('moves')) {
    let last = 0;
    const every = options.moveSampleMs ?? 250;
    listen(document, 'mousemove', (event) => {
      const at = now();
      if (at - last < every) {
        return;
      }
      last = at;
      const move = event as MouseEvent;
      moves.push([round(move.clientX / width(), 4), Math.round(move.pageY)]);
      if (moves.length >= MOVES_PER_EVENT) {
        sendMoves();
      }
    });
  }

  let depth = 0;
  if (on('scroll')) {
    depth = seenDepth();
    listen(window, 'scroll', () => {
      depth = Math.max(depth, seenDepth());
    });
  }

  let left = false;
  const leaving = () => {
    if (left) {
      return;
    }
    left = true;
    sendMoves();
    if (on('scroll')) {
      sink.track('$heatmap_scroll', { depth: Math.max(depth, seenDepth()), pageHeight: Math.round(
        document.documentElement.scrollHeight), viewportWidth: width() });
    }
  };
  return { leaving, stop: () => stops.forEach((stop) => stop()) };
}

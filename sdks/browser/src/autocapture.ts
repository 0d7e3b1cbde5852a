import type { Failures } from './errors';

/** Which parts of autocapture run; each is on unless set to false. */
export interface AutocaptureOptions {
  /** Page views, including single-page apps' history changes and hash changes. */
  pageViews?: boolean;
  /** Clicks on interactive elements, with the element chain. */
  clicks?: boolean;
  /** Form submissions, without any value. */
  forms?: boolean;
  /** Three clicks or more within a second, close together. */
  rageClicks?: boolean;
  /** Clicks on something interactive after which nothing happened for a second. */
  deadClicks?: boolean;
  /** Leaving the page: time on it and how far it was scrolled. */
  pageLeave?: boolean;
  /** LCP, CLS and INP, sent when the page is left. */
  webVitals?: boolean;
  /** data-* attributes recorded on clicked elements (none unless listed: they may hold personal data). */
  dataAttributes?: string[];
}

export interface AutocaptureSink {
  page(): void;
  track(event: string, properties: Record<string, unknown>): void;
}

/** One element of a clicked element's chain, innermost first. Never an input's value. */
export interface ElementDescription {
  tag: string;
  id?: string;
  classes?: string[];
  text?: string;
  href?: string;
  name?: string;
  type?: string;
  attributes?: Record<string, string>;
}

const INTERACTIVE = 'a[href],button,input[type=button],input[type=submit],input[type=reset],input[type=checkbox],'
  + 'input[type=radio],select,summary,label,[role=button],[role=link],[role=tab],[role=menuitem],[onclick]';
const CHAIN_DEPTH = 8;
const TEXT_LENGTH = 64;
const RAGE_WINDOW_MS = 1000;
const RAGE_RADIUS_PX = 30;
const DEAD_CLICK_MS = 1000;

/**
 * Counts, for each click, the clicks within the last second and 30 px of it (itself included): three or more are a
 * rage click.
 */
export function rageClickCounter(now: () => number): (x: number, y: number) => number {
  const recent: Array<{ at: number; x: number; y: number }> = [];
  return (x, y) => {
    const at = now();
    recent.push({ at, x, y });
    while (recent.length > 0 && at - recent[0].at > RAGE_WINDOW_MS) {
      recent.shift();
    }
    return recent.filter((c) => Math.hypot(c.x - x, c.y - y) <= RAGE_RADIUS_PX).length;
  };
}

export const RAGE_CLICKS = 3;

/** The element a click was meant for: the nearest interactive ancestor, or null. */
export function interactive(target: EventTarget | null): Element | null {
  const element = target instanceof Element ? target : null;
  return element ? element.closest(INTERACTIVE) : null;
}

/** The element and its ancestors, innermost first, as far as {@link CHAIN_DEPTH}; text only of the element itself. */
export function describe(element: Element, dataAttributes: string[]): ElementDescription[] {
  const chain: ElementDescription[] = [];
  for (let node: Element | null = element; node && chain.length < CHAIN_DEPTH; node = node.parentElement) {
    const tag = node.tagName.toLowerCase();
    if (tag === 'html') {
      break;
    }
    const out: ElementDescription = { tag };
    if (node.id) {
      out.id = node.id;
    }
    const classes = Array.from(node.classList).slice(0, 10);
    if (classes.length > 0) {
      out.classes = classes;
    }
    if (node === element && !isField(node)) {
      const text = (node.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (text) {
        out.text = text.length > TEXT_LENGTH ? text.substring(0, TEXT_LENGTH) + '…' : text;
      }
    }
    const href = node.getAttribute('href');
    if (href && tag === 'a') {
      out.href = href.startsWith('javascript:') ? 'javascript:' : href;
    }
    const name = node.getAttribute('name');
    if (name) {
      out.name = name;
    }
    const type = node.getAttribute('type');
    if (type && (tag === 'input' || tag === 'button')) {
      out.type = type;
    }
    for (const attribute of dataAttributes) {
      const value = node.getAttribute(attribute);
      if (value !== null) {
        (out.attributes ??= {})[attribute] = value;
      }
    }
    chain.push(out);
  }
  return chain;
}

/** Fields people type into (their text is their value, which is never recorded), and forms, which hold them. */
function isField(element: Element): boolean {
  const tag = element.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || tag === 'form'
    || (element as HTMLElement).isContentEditable;
}

/** How far down the page has been scrolled at most, in percent of its height. */
function scrollDepth(): number {
  const root = document.documentElement;
  const height = Math.max(root.scrollHeight, document.body?.scrollHeight ?? 0);
  const seen = window.scrollY + window.innerHeight;
  return height <= 0 ? 100 : Math.min(100, Math.round((seen / height) * 100));
}

/**
 * Starts what the options switch on; returns what the page's leaving should run first (page leave, web vitals) and a
 * stop function. Every listener is passive and guarded: a failure is reported, never thrown into the page.
 */
export function startAutocapture(options: AutocaptureOptions, sink: AutocaptureSink, failures: Failures,
    now: () => number = () => Date.now()): { leaving: () => void; stop: () => void } {
  const on = (part: keyof AutocaptureOptions) => options[part] !== false;
  const dataAttributes = options.dataAttributes ?? [];
  const stops: Array<() => void> = [];
  const listen = (target: EventTarget, type: string, handler: (event: Event) => void) => {
    const guarded = (event: Event) => failures.guard(`autocapture ${type}`, () => handler(event), undefined);
    target.addEventListener(type, guarded, { capture: true, passive: true });
    stops.push(() => target.removeEventListener(type, guarded, { capture: true }));
  };
  const startedAt = now();

  if (on('pageViews')) {
    let last = location.href;
    sink.page();
    const changed = () => {
      if (location.href !== last) {
        last = location.href;
        sink.page();
      }
    };
    for (const method of ['pushState', 'replaceState'] as const) {
      const original = history[method];
      history[method] = function patched(this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        failures.guard('autocapture history', changed, undefined);
        return result;
      };
      stops.push(() => {
        history[method] = original;
      });
    }
    listen(window, 'popstate', changed);
    listen(window, 'hashchange', changed);
  }

  const nearClicks = rageClickCounter(now);
  const deadClicks = on('deadClicks') && typeof MutationObserver !== 'undefined'
    ? deadClickWatcher(failures) : null;
  if (deadClicks) {
    stops.push(deadClicks.stop);
  }
  if (on('clicks') || on('rageClicks') || on('deadClicks')) {
    listen(document, 'click', (event) => {
      const click = event as MouseEvent;
      const element = interactive(click.target);
      if (element && on('clicks')) {
        sink.track('$click', { elements: describe(element, dataAttributes) });
      }
      if (on('rageClicks')) {
        const near = nearClicks(click.clientX, click.clientY);
        if (near === RAGE_CLICKS) {
          const target = click.target instanceof Element ? click.target : null;
          sink.track('$rage_click', { clicks: near,
            elements: target ? describe(element ?? target, dataAttributes) : [] });
        }
      }
      if (element && deadClicks) {
        deadClicks.watch(element, () => sink.track('$dead_click', { elements: describe(element, dataAttributes) }));
      }
    });
  }

  if (on('forms')) {
    listen(document, 'submit', (event) => {
      const form = event.target instanceof HTMLFormElement ? event.target : null;
      if (form) {
        sink.track('$submit', {
          elements: describe(form, dataAttributes),
          action: form.getAttribute('action') ?? '',
          method: (form.getAttribute('method') ?? 'get').toLowerCase(),
          fields: form.elements.length,
        });
      }
    });
  }

  let maxDepth = 0;
  if (on('pageLeave')) {
    maxDepth = scrollDepth();
    listen(window, 'scroll', () => {
      maxDepth = Math.max(maxDepth, scrollDepth());
    });
  }

  const vitals = on('webVitals') ? observeWebVitals(failures) : null;
  if (vitals) {
    stops.push(vitals.stop);
  }

  let left = false;
  const leaving = () => {
    if (left) {
      return;
    }
    left = true;
    if (on('pageLeave')) {
      sink.track('$page_leave', { timeOnPageMs: now() - startedAt, scrollDepth: Math.max(maxDepth, scrollDepth()) });
    }
    const measured = vitals?.read();
    if (measured && Object.keys(measured).length > 0) {
      sink.track('$web_vitals', { ...measured });
    }
  };
  return { leaving, stop: () => stops.forEach((stop) => stop()) };
}

/** Tells, a second after a click on an element, whether nothing changed (no DOM change, no navigation). */
export interface DeadClickWatcher {
  watch(element: Element, dead: () => void): void;
  stop(): void;
}

/**
 * Dead clicks: a click after which the page did not change (no DOM change, no navigation) within a second. One
 * observer serves every click being watched, and watches only while one is: an observer per click made each click
 * cost as much again as it has clicks pending.
 */
export function deadClickWatcher(failures: Failures): DeadClickWatcher {
  const pending: Array<{ element: Element; url: string; changed: boolean }> = [];
  let observer: MutationObserver | null = null;
  return {
    watch(element: Element, dead: () => void): void {
      const click = { element, url: location.href, changed: false };
      pending.push(click);
      if (!observer) {
        observer = new MutationObserver(() => pending.forEach((p) => {
          p.changed = true;
        }));
        observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      }
      setTimeout(() => failures.guard('autocapture dead click', () => {
        pending.splice(pending.indexOf(click), 1);
        if (pending.length === 0) {
          observer?.disconnect();
          observer = null;
        }
        if (!click.changed && location.href === click.url && element.isConnected) {
          dead();
        }
      }, undefined), DEAD_CLICK_MS);
    },
    stop(): void {
      observer?.disconnect();
      observer = null;
    },
  };
}

interface Vitals {
  lcp?: number;
  cls?: number;
  inp?: number;
}

/** LCP (the last candidate), CLS (layout shifts without recent input) and INP (the slowest interaction). */
function observeWebVitals(failures: Failures): { read: () => Vitals; stop: () => void } | null {
  if (typeof PerformanceObserver === 'undefined') {
    return null;
  }
  const vitals: Vitals = {};
  const observers: PerformanceObserver[] = [];
  const observe = (type: string, handle: (entries: PerformanceEntryList) => void, extra: Record<string, unknown> = {}) => {
    failures.guard(`web vitals ${type}`, () => {
      if (!(PerformanceObserver.supportedEntryTypes ?? []).includes(type)) {
        return;
      }
      const observer = new PerformanceObserver((list) => failures.guard(`web vitals ${type}`,
          () => handle(list.getEntries()), undefined));
      observer.observe({ type, buffered: true, ...extra } as PerformanceObserverInit);
      observers.push(observer);
    }, undefined);
  };
  observe('largest-contentful-paint', (entries) => {
    const last = entries[entries.length - 1];
    if (last) {
      vitals.lcp = Math.round(last.startTime);
    }
  });
  observe('layout-shift', (entries) => {
    for (const entry of entries as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
      if (!entry.hadRecentInput) {
        vitals.cls = Math.round(((vitals.cls ?? 0) + entry.value) * 10000) / 10000;
      }
    }
  });
  observe('event', (entries) => {
    for (const entry of entries as Array<PerformanceEntry & { interactionId?: number }>) {
      if (entry.interactionId) {
        vitals.inp = Math.max(vitals.inp ?? 0, Math.round(entry.duration));
      }
    }
  }, { durationThreshold: 40 });
  return { read: () => ({ ...vitals }), stop: () => observers.forEach((o) => o.disconnect()) };
}

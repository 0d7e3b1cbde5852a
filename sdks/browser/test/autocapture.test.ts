import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { describe as describeElement, interactive, startAutocapture } from '../src/autocapture';
import { Flywheel } from '../src/client';
import { Failures } from '../src/errors';

interface Captured {
  kind: string;
  properties: Record<string, unknown>;
}

function capture(options = {}, failures = new Failures(undefined)) {
  const captured: Captured[] = [];
  const running = startAutocapture(options, {
    page: () => captured.push({ kind: 'page', properties: { url: location.href } }),
    track: (event, properties) => captured.push({ kind: event, properties }),
  }, failures);
  return { captured, ...running };
}

function click(element: Element, x = 10, y = 10) {
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
}

describe('autocapture', () => {
  let stop: (() => void) | undefined;

  beforeEach(() => {
    document.body.innerHTML = `
      <nav id="top" class="menu main">
        <a id="buy" class="cta" href="/checkout" data-track="buy-button" data-email="a@example.com">
          <span>Buy   now</span></a>
        <button id="noop">Does nothing</button>
        <div id="plain">Just text</div>
      </nav>
      <form id="signup" action="/signup" method="POST">
        <input name="email" type="email" value="secret@example.com">
        <input name="password" type="password" value="hunter2">
        <button type="submit">Sign up</button>
      </form>`;
    history.replaceState(null, '', '/start');
  });
  afterEach(() => {
    stop?.();
    stop = undefined;
    vi.useRealTimers();
  });

  it('records clicks on interactive elements with their chain, allow-listed data attributes only', () => {
    const running = capture({ dataAttributes: ['data-track'], deadClicks: false });
    stop = running.stop;
    click(document.querySelector('#buy span')!);
    click(document.getElementById('plain')!);
    const clicks = running.captured.filter((c) => c.kind === '$click');
    expect(clicks).toHaveLength(1);
    const [anchor, nav] = clicks[0].properties.elements as Array<Record<string, unknown>>;
    expect(anchor).toEqual({ tag: 'a', id: 'buy', classes: ['cta'], text: 'Buy now', href: '/checkout',
      attributes: { 'data-track': 'buy-button' } });
    expect(nav).toMatchObject({ tag: 'nav', id: 'top', classes: ['menu', 'main'] });
    expect(JSON.stringify(clicks)).not.toContain('a@example.com');
  });

  it('never records what is typed into a field', () => {
    const running = capture({ deadClicks: false });
    stop = running.stop;
    const email = document.querySelector('input[name=email]')!;
    expect(describeElement(email, [])[0]).toEqual({ tag: 'input', name: 'email', type: 'email' });
    document.getElementById('signup')!.dispatchEvent(new Event('submit', { bubbles: true }));
    const submit = running.captured.find((c) => c.kind === '$submit')!;
    expect(submit.properties).toMatchObject({ action: '/signup', method: 'post', fields: 3 });
    expect(JSON.stringify(running.captured)).not.toContain('secret@example.com');
    expect(JSON.stringify(running.captured)).not.toContain('hunter2');
  });

  it('finds the element a click was meant for', () => {
    expect(interactive(document.querySelector('#buy span'))?.id).toBe('buy');
    expect(interactive(document.getElementById('plain'))).toBeNull();
    expect(interactive(null)).toBeNull();
  });

  it('records page views at start and on single-page navigation, once per URL', () => {
    const running = capture({ clicks: false, deadClicks: false, rageClicks: false });
    stop = running.stop;
    history.pushState(null, '', '/products');
    history.replaceState(null, '', '/products');
    history.pushState(null, '', '/products#reviews');
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    const pages = running.captured.filter((c) => c.kind === 'page').map((c) => new URL(String(c.properties.url)).pathname
      + new URL(String(c.properties.url)).hash);
    expect(pages).toEqual(['/start', '/products', '/products#reviews']);
    running.stop();
    stop = undefined;
    history.pushState(null, '', '/after-stop');
    expect(running.captured.filter((c) => c.kind === 'page')).toHaveLength(3);
  });

  it('records rage clicks: three within a second, close together', () => {
    vi.useFakeTimers();
    const running = capture({ clicks: false, deadClicks: false });
    stop = running.stop;
    const button = document.getElementById('noop')!;
    click(button, 10, 10);
    vi.advanceTimersByTime(300);
    click(button, 14, 12);
    vi.advanceTimersByTime(300);
    click(button, 12, 9);
    vi.advanceTimersByTime(2000);
    click(button, 10, 10);
    const rage = running.captured.filter((c) => c.kind === '$rage_click');
    expect(rage).toHaveLength(1);
    expect(rage[0].properties.clicks).toBe(3);
  });

  it('records a dead click when nothing changes within a second, not when the page reacts', async () => {
    vi.useFakeTimers();
    const running = capture({ clicks: false, rageClicks: false });
    stop = running.stop;
    click(document.getElementById('noop')!);
    await vi.advanceTimersByTimeAsync(1100);
    const anchor = document.getElementById('buy')!;
    anchor.addEventListener('click', () => document.body.append(document.createElement('p')));
    click(anchor);
    await vi.advanceTimersByTimeAsync(1100);
    const dead = running.captured.filter((c) => c.kind === '$dead_click');
    expect(dead).toHaveLength(1);
    expect((dead[0].properties.elements as Array<{ id?: string }>)[0].id).toBe('noop');
  });

  it('records leaving once, with time on page and scroll depth', () => {
    const running = capture({ clicks: false, deadClicks: false, pageViews: false, webVitals: false });
    stop = running.stop;
    running.leaving();
    running.leaving();
    const leaves = running.captured.filter((c) => c.kind === '$page_leave');
    expect(leaves).toHaveLength(1);
    expect(leaves[0].properties.timeOnPageMs).toBeGreaterThanOrEqual(0);
    expect(leaves[0].properties.scrollDepth).toBeGreaterThanOrEqual(0);
  });

  it('is off unless asked for, and its events flow like any other', async () => {
    const sent: Array<{ type: string; event?: string }> = [];
    const fetcher = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      if (String(url).endsWith('/v1/batch')) {
        sent.push(...JSON.parse(String(init?.body)).batch);
      }
      return new Response(JSON.stringify({ flags: [] }), { status: 200 });
    });
    window.localStorage.clear();
    const off = new Flywheel({ writeKey: 'fw_client_autokey1', host: 'https://gw.example', flags: false,
      fetch: fetcher as typeof fetch });
    click(document.getElementById('buy')!);
    await off.flush();
    expect(sent).toHaveLength(0);
    const on = new Flywheel({ writeKey: 'fw_client_autokey2', host: 'https://gw.example', flags: false,
      autocapture: { deadClicks: false }, fetch: fetcher as typeof fetch });
    click(document.getElementById('buy')!);
    await on.flush();
    expect(sent.map((e) => e.event ?? e.type)).toEqual(['page', '$click']);
  });
});

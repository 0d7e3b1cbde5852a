import { afterEach, describe, expect, it } from 'vitest';

import { Failures } from '../src/errors';
import { selectorOf, startHeatmaps } from '../src/heatmaps';

describe('heatmaps', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('finds elements again by their selector', () => {
    document.body.innerHTML = '<main><div><button>a</button><button class="buy">b</button></div></main>'
      + '<section id="plans"><ul><li>x</li><li><a href="#">y</a></li></ul></section>';
    const buy = document.querySelector('.buy')!;
    const link = document.querySelector('a')!;
    expect(selectorOf(buy)).toBe('body > main:nth-of-type(1) > div:nth-of-type(1) > button:nth-of-type(2)');
    expect(selectorOf(link)).toBe('#plans > ul:nth-of-type(1) > li:nth-of-type(2) > a:nth-of-type(1)');
    expect(document.querySelector(selectorOf(buy))).toBe(buy);
    expect(document.querySelector(selectorOf(link))).toBe(link);
  });

  it('sends clicks with x as a share of the width and y in page pixels, rage marked; moves and scroll depth', () => {
    document.body.innerHTML = '<button id="go">Go</button>';
    const tracked: Array<[string, Record<string, unknown>]> = [];
    let clock = 1_000;
    const started = startHeatmaps({ moveSampleMs: 100 }, { track: (e, p) => tracked.push([e, p]) },
      new Failures(() => undefined), () => clock);
    stop = started.stop;
    const button = document.getElementById('go')!;
    for (let i = 0; i < 3; i++) {
      clock += 100;
      button.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: window.innerWidth / 4, clientY: 10 }));
    }
    const clicks = tracked.filter(([e, p]) => e === '$heatmap_click' && !p.dead).map(([, p]) => p);
    expect(clicks).toHaveLength(3);
    expect(clicks[0]).toMatchObject({ x: 0.25, selector: '#go', viewportWidth: window.innerWidth, rage: false });
    expect(clicks[2].rage).toBe(true);
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 10, clientY: 20 }));
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 11, clientY: 21 })); // within 100 ms: skipped
    clock += 200;
    document.dispatchEvent(new MouseEvent('mousemove', { clientX: 12, clientY: 22 }));
    started.leaving();
    const moves = tracked.find(([e]) => e === '$heatmap_move')![1];
    expect((moves.points as number[][]).length).toBe(2);
    const scroll = tracked.find(([e]) => e === '$heatmap_scroll')![1];
    expect(scroll.depth).toBeGreaterThan(0);
    expect(scroll).toHaveProperty('pageHeight');
    started.leaving();
    expect(tracked.filter(([e]) => e === '$heatmap_scroll')).toHaveLength(1);
  });

  it('sends a click on something interactive again, as dead, when nothing changed for a second', async () => {
    document.body.innerHTML = '<button id="noop">Nothing</button><button id="works">Works</button>';
    document.getElementById('works')!.addEventListener('click', () => {
      document.body.append(document.createElement('p'));
    });
    const tracked: Array<[string, Record<string, unknown>]> = [];
    const started = startHeatmaps({ moves: false, scroll: false }, { track: (e, p) => tracked.push([e, p]) },
      new Failures(() => undefined));
    stop = started.stop;
    document.getElementById('noop')!.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5 }));
    await new Promise((r) => setTimeout(r, 1200));
    // (any change to the page within the second counts for every click waiting: one at a time here)
    document.getElementById('works')!.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 50 }));
    await new Promise((r) => setTimeout(r, 1200));
    const dead = tracked.filter(([, p]) => p.dead === true).map(([, p]) => p.selector);
    expect(dead).toEqual(['#noop']);
    expect(tracked.filter(([, p]) => !p.dead)).toHaveLength(2);
  });
});

import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { ForestPlot, ticks } from '../src/charts/ForestPlot';

describe('forest plot', () => {
  it('chooses round ticks that cover the data and zero', () => {
    expect(ticks(-0.03, 0.12)).toEqual([-0.05, 0, 0.05, 0.1, 0.15]);
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(ticks(0, 0)).toEqual([0, 0.2]); // nothing to spread: still an axis, not a division by zero
  });

  it('draws one interval per variation, coloured by significance and direction', () => {
    const { container } = render(<ForestPlot relative label="Lift of checkout" intervals={[
      { label: 'b', estimate: 0.1, lower: 0.02, upper: 0.18, significant: true },
      { label: 'c', estimate: -0.05, lower: -0.2, upper: 0.1, significant: false },
    ]} />);
    const points = container.querySelectorAll('circle');
    expect(points).toHaveLength(2);
    expect(points[0].getAttribute('fill')).toBe('#1e7f3c');
    expect(points[1].getAttribute('fill')).toBe('#3366cc');
    expect(container.querySelector('svg')?.getAttribute('aria-label')).toBe('Lift of checkout');
    expect(container.querySelector('.forest')?.getAttribute('data-estimates')).toBe('0.1,-0.05');
    // the zero reference lies between the lowest and the highest tick
    const zero = container.querySelector('line[stroke-dasharray]')!;
    const lows = [...container.querySelectorAll('.interval line')].map((l) => Number(l.getAttribute('x1')));
    expect(Number(zero.getAttribute('x1'))).toBeGreaterThan(Math.min(...lows));
  });
});

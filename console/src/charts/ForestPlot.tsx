import { useEffect, useRef } from 'react';

import { CustomChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([ScatterChart, CustomChart, GridComponent, AriaComponent, SVGRenderer]);

export interface Interval {
  label: string;
  estimate: number;
  lower: number;
  upper: number;
  significant: boolean;
}

/**
 * One metric's lift per variation against the control: the estimate as a point, its interval as a line, zero as a
 * reference; green when significantly better, red when worse. Drawn as SVG (no inline styles, the page's policy).
 */
export function ForestPlot({ intervals, relative, label }: { intervals: Interval[]; relative: boolean;
  label: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(element.current!, undefined, { renderer: 'svg' });
    const finite = (v: number) => (Number.isFinite(v) ? v : 0);
    const format = (v: number) => (relative ? `${(v * 100).toFixed(1)}%` : v.toFixed(3));
    const color = (i: Interval) => (i.significant ? (i.estimate > 0 ? '#1e7f3c' : '#b3261e') : '#3366cc');
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: label } },
      grid: { left: 110, right: 24, top: 12, bottom: 28 },
      // zero (no effect) is always in view, drawn as the axis line the estimates are read against
      xAxis: { type: 'value', axisLabel: { formatter: format }, splitLine: { show: true },
        min: (extent: { min: number }) => Math.min(0, extent.min), max: (extent: { max: number }) => Math.max(0,
          extent.max) },
      yAxis: { type: 'category', data: intervals.map((i) => i.label), inverse: true,
        axisLine: { onZero: true, lineStyle: { color: '#1d2330', type: 'dashed' } } },
      series: [
        {
          type: 'custom',
          renderItem: (_params: unknown, api: { value: (d: number) => number; coord: (p: number[]) => number[] }) => {
            const y = api.value(0);
            const from = api.coord([api.value(1), y]);
            const to = api.coord([api.value(2), y]);
            return { type: 'line', shape: { x1: from[0], y1: from[1], x2: to[0], y2: to[1] },
              style: { stroke: '#5b6472', lineWidth: 2 } };
          },
          encode: { x: [1, 2], y: 0 },
          data: intervals.map((i, index) => [index, finite(i.lower), finite(i.upper)]),
          z: 1,
        },
        {
          type: 'scatter',
          symbolSize: 11,
          data: intervals.map((i) => ({ value: [i.estimate, i.label], itemStyle: { color: color(i) } })),
          z: 2,
        },
      ],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [intervals, relative, label]);
  return <div ref={element} className="forest" role="img" aria-label={label}
    data-estimates={intervals.map((i) => i.estimate).join(',')} />;
}

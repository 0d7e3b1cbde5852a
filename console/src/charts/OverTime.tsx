import { useEffect, useRef } from 'react';

import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, AriaComponent, SVGRenderer]);

export interface DayPoint {
  day: string;
  /** Per variation key: its cumulative mean that day. */
  means: Record<string, number>;
  /** Per treatment key: the lift and its interval that day (absent when there was no result). */
  lifts: Record<string, { estimate: number; lower: number; upper: number }>;
}

/**
 * An experiment metric over time: each variation's cumulative mean per day, and each treatment's lift with its
 * interval as a band around it. SVG, so the page's style policy holds.
 */
export function OverTime({ points, variations, relative, label }: { points: DayPoint[]; variations: string[];
  relative: boolean; label: string }) {
  const means = useRef<HTMLDivElement>(null);
  const lifts = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const days = points.map((p) => p.day);
    const format = (v: number) => (relative ? `${(v * 100).toFixed(1)}%` : v.toFixed(3));
    const meanChart = echarts.init(means.current!, undefined, { renderer: 'svg' });
    meanChart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `${label}: cumulative mean per variation by day` } },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 30, bottom: 28 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', scale: true },
      series: variations.map((key) => ({ type: 'line', name: key, data: points.map((p) => p.means[key] ?? null) })),
    });
    const liftChart = echarts.init(lifts.current!, undefined, { renderer: 'svg' });
    const treatments = variations.filter((key) => points.some((p) => p.lifts[key]));
    liftChart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `${label}: lift against the control by day, with its interval` } },
      legend: { top: 0, data: treatments },
      grid: { left: 60, right: 20, top: 30, bottom: 28 },
      xAxis: { type: 'category', data: days },
      yAxis: { type: 'value', axisLabel: { formatter: format } },
      series: treatments.flatMap((key) => [
        // the band: the lower bound, then the interval's width stacked on it
        { type: 'line', name: `${key} lower`, stack: key, symbol: 'none', lineStyle: { opacity: 0 },
          data: points.map((p) => p.lifts[key]?.lower ?? null) },
        { type: 'line', name: `${key} interval`, stack: key, symbol: 'none', lineStyle: { opacity: 0 },
          areaStyle: { opacity: 0.2 }, data: points.map((p) => (p.lifts[key]
            ? p.lifts[key].upper - p.lifts[key].lower : null)) },
        { type: 'line', name: key, data: points.map((p) => p.lifts[key]?.estimate ?? null) },
      ]),
    });
    return () => {
      meanChart.dispose();
      liftChart.dispose();
    };
  }, [points, variations, relative, label]);
  return (
    <div className="over-time">
      <div ref={means} className="over-time-chart" role="img" aria-label={`${label}: cumulative mean by day`} />
      <div ref={lifts} className="over-time-chart" role="img" aria-label={`${label}: lift by day`}
        data-days={points.length} />
    </div>
  );
}

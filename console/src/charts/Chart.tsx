import { useEffect, useRef } from 'react';

import { BarChart, GaugeChart, LineChart, SankeyChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, SankeyChart, GaugeChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent,
  SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/**
 * One ECharts chart in SVG (the page's style policy allows no inline style sheets), described for screen readers,
 * and carrying the numbers it plots as JSON in data-values, so a test reads the plotted values, not pixels.
 */
export function Chart({ option, label, values, height = 320, className }: { option: ChartOption; label: string;
  values: unknown; height?: number; className?: string }) {
  const element = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const chart = echarts.init(element.current!, undefined, { renderer: 'svg' });
    chart.setOption({ animation: false, aria: { enabled: true, label: { description: label } },
      tooltip: { trigger: 'axis', confine: true }, ...option });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [option, label]);
  return <div ref={element} className={`chart ${className ?? ''}`} role="img" aria-label={label}
    data-values={JSON.stringify(values)} style={{ height }} />;
}

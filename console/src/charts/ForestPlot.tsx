export interface Interval {
  label: string;
  estimate: number;
  lower: number;
  upper: number;
  significant: boolean;
}

const WIDTH = 640;
const LEFT = 110;
const RIGHT = 24;
const ROW = 30;
const TOP = 10;
const AXIS = 26;

/** About five round tick values covering [min, max] (1, 2 or 5 times a power of ten apart). */
export function ticks(min: number, max: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const rough = span / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9);
  const last = Math.max(first + 1, Math.ceil(max / step - 1e-9));
  // multiples of the step, rounded so that 3 × 0.1 reads 0.3
  return Array.from({ length: last - first + 1 }, (_, k) => +((first + k) * step).toPrecision(12));
}

/**
 * One metric's lift per variation against the control: the estimate as a point, its interval as a line, zero (no
 * effect) as a dashed reference always in view; green when significantly better, red when worse. A handful of marks
 * drawn as plain SVG by React: the results page shows one per metric and must render within a second, which the
 * chart library's start-up cost did not allow (bench/RESULTS.md). The richer over-time charts use ECharts.
 */
export function ForestPlot({ intervals, relative, label }: { intervals: Interval[]; relative: boolean;
  label: string }) {
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  const values = intervals.flatMap((i) => [finite(i.lower), finite(i.upper), finite(i.estimate)]);
  const scale = ticks(Math.min(0, ...values), Math.max(0, ...values));
  const low = scale[0];
  const high = scale[scale.length - 1];
  const x = (v: number) => LEFT + ((finite(v) - low) / (high - low || 1)) * (WIDTH - LEFT - RIGHT);
  const height = TOP + intervals.length * ROW + AXIS;
  const bottom = TOP + intervals.length * ROW;
  const format = (v: number) => (relative ? `${+(v * 100).toFixed(1)}%` : `${+v.toFixed(3)}`);
  const color = (i: Interval) => (i.significant ? (i.estimate > 0 ? '#1e7f3c' : '#b3261e') : '#3366cc');
  return (
    <div className="forest" data-estimates={intervals.map((i) => i.estimate).join(',')}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={label}>
        <title>{label}</title>
        {scale.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={TOP} y2={bottom} stroke="#e3e6eb" />
            <text x={x(t)} y={bottom + 18} textAnchor="middle" fontSize="12" fill="#5b6472">{format(t)}</text>
          </g>
        ))}
        <line x1={x(0)} x2={x(0)} y1={TOP} y2={bottom} stroke="#1d2330" strokeDasharray="4 3" />
        {intervals.map((i, row) => {
          const y = TOP + row * ROW + ROW / 2;
          return (
            <g key={i.label} className="interval">
              <text x={LEFT - 10} y={y + 4} textAnchor="end" fontSize="13" fill="#1d2330">{i.label}</text>
              <line x1={x(i.lower)} x2={x(i.upper)} y1={y} y2={y} stroke="#5b6472" strokeWidth="2" />
              <circle cx={x(i.estimate)} cy={y} r="5.5" fill={color(i)}>
                <title>{`${i.label}: ${format(i.estimate)} [${format(i.lower)}, ${format(i.upper)}]`}</title>
              </circle>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

/** Hand-drawn SVG line charts with axes, tick labels and a legend. */
export type Series = { name: string; points: { x: number; y: number }[]; dashed?: boolean };

const COLORS = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7d8c", "#57606a"];

function ticks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  const step = (max - min) / (count - 1);
  return Array.from({ length: count }, (_, i) => min + i * step);
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000
    ? v.toFixed(0)
    : Math.abs(v) >= 10
      ? v.toFixed(1)
      : v.toFixed(Math.abs(v) < 0.01 && v !== 0 ? 4 : 2);

export function LineChart(props: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  testId?: string;
  /** A fixed value range (e.g. [0, 1] for scores) instead of the data's. */
  yDomain?: [number, number];
}) {
  const W = 560;
  const H = 260;
  const m = { l: 64, r: 16, t: 12, b: 44 };
  const all = props.series.flatMap((s) => s.points);
  if (all.length === 0)
    return (
      <figure className="chart" data-testid={props.testId}>
        <figcaption>{props.title}</figcaption>
        <p className="muted">No data yet.</p>
      </figure>
    );
  let [x0, x1] = [Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x))];
  let [y0, y1] = [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  if (props.yDomain) [y0, y1] = [Math.min(y0, props.yDomain[0]), Math.max(y1, props.yDomain[1])];
  if (x0 === x1) [x0, x1] = [x0 - 1, x1 + 1];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const xt = ticks(x0, x1, Math.min(6, x1 - x0 + 1)).map((v) => Math.round(v));
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        <line x1={m.l} y1={H - m.b} x2={W - m.r} y2={H - m.b} className="axis" />
        <line x1={m.l} y1={m.t} x2={m.l} y2={H - m.b} className="axis" />
        {ticks(y0, y1).map((v) => (
          <g key={`y${v}`}>
            <line x1={m.l - 4} x2={W - m.r} y1={sy(v)} y2={sy(v)} className="grid" />
            <text x={m.l - 6} y={sy(v) + 4} textAnchor="end" className="tick">
              {fmt(v)}
            </text>
          </g>
        ))}
        {[...new Set(xt)].map((v) => (
          <g key={`x${v}`}>
            <line x1={sx(v)} x2={sx(v)} y1={H - m.b} y2={H - m.b + 4} className="axis" />
            <text x={sx(v)} y={H - m.b + 16} textAnchor="middle" className="tick">
              {v}
            </text>
          </g>
        ))}
        <text x={(m.l + W - m.r) / 2} y={H - 6} textAnchor="middle" className="label">
          {props.xLabel}
        </text>
        <text
          x={12}
          y={(m.t + H - m.b) / 2}
          textAnchor="middle"
          className="label"
          transform={`rotate(-90 14 ${(m.t + H - m.b) / 2})`}
        >
          {props.yLabel}
        </text>
        {props.series.map((s, i) => {
          const pts = [...s.points].sort((a, b) => a.x - b.x);
          const color = COLORS[i % COLORS.length];
          return (
            <g key={s.name}>
              <polyline
                points={pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" ")}
                fill="none"
                stroke={color}
                strokeWidth={s.dashed ? 3 : 1.5}
                strokeDasharray={s.dashed ? "6 3" : undefined}
              />
              {pts.map((p) => (
                <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={2.5} fill={color}>
                  <title>{`${s.name}: ${props.xLabel} ${p.x}, ${fmt(p.y)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <ul className="legend">
        {props.series.map((s, i) => (
          <li key={s.name}>
            <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
            {s.name}
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** A horizontal bar chart of shares (0 to 1), largest first. */
export function BarChart(props: { title: string; bars: { name: string; value: number }[]; testId?: string }) {
  const bars = [...props.bars].sort((a, b) => b.value - a.value);
  const W = 560;
  const label = 170;
  const row = 18;
  const H = bars.length * row + 8;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const sx = (v: number) => (v / max) * (W - label - 56);
  return (
    <figure className="chart" data-testid={props.testId}>
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
        {bars.map((b, i) => (
          <g key={b.name} data-bar={b.name}>
            <text x={label - 6} y={i * row + 14} textAnchor="end" className="tick">
              {b.name}
            </text>
            <rect x={label} y={i * row + 3} width={sx(b.value)} height={row - 5} fill={COLORS[0]}>
              <title>{`${b.name}: ${(b.value * 100).toFixed(2)}%`}</title>
            </rect>
            <text x={label + sx(b.value) + 4} y={i * row + 14} className="tick">
              {`${(b.value * 100).toFixed(1)}%`}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

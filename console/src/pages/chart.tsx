// Items moved over time per workload: an SVG line chart of the samples the job page took from
// xtm.progressSummary (one per poll), with a text summary for screen readers.
export interface Sample { t: number; items: Record<string, number> }

const COLORS: Record<string, string> = { exchange: '#0b5cad', oneDrive: '#0a7d4f', teams: '#6b3fa0', meetings: '#b35900' };
const W = 640;
const H = 200;
const PAD = { l: 56, r: 12, t: 12, b: 28 };

export function ItemsChart({ samples, workloads }: { samples: Sample[]; workloads: string[] }) {
  const t0 = samples[0]?.t ?? 0;
  const t1 = Math.max(samples[samples.length - 1]?.t ?? 1, t0 + 1000);
  const max = Math.max(1, ...samples.flatMap((s) => workloads.map((w) => s.items[w] ?? 0)));
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const last = samples[samples.length - 1];
  const summary = last ? workloads.map((w) => `${w} ${last.items[w] ?? 0} items`).join(', ') : 'no samples yet';
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Items moved over the last ${Math.round((t1 - t0) / 1000)} seconds: ${summary}`}>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} class="axis" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} class="axis" />
        <text x={PAD.l - 6} y={PAD.t + 10} text-anchor="end" class="tick">{max}</text>
        <text x={PAD.l - 6} y={H - PAD.b} text-anchor="end" class="tick">0</text>
        <text x={W - PAD.r} y={H - 8} text-anchor="end" class="tick">{`${Math.round((t1 - t0) / 1000)} s`}</text>
        {workloads.map((w) => (
          <polyline key={w} fill="none" stroke={COLORS[w] ?? '#333'} stroke-width="2" points={samples.map((s) => `${x(s.t).toFixed(1)},${y(s.items[w] ?? 0).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <figcaption>
        Items moved over time (sampled while this page is open):{' '}
        {workloads.map((w) => <span key={w} class="legend"><span class="swatch" style={{ background: COLORS[w] ?? '#333' }} aria-hidden="true" />{w} {last?.items[w] ?? 0}</span>)}
      </figcaption>
    </figure>
  );
}

// `xtm jobs watch`: polls the job's progress summary and draws it. In a terminal: one cli-progress bar
// per workload (items done of total, rate, ETA) and the users that need attention logged above the
// bars; otherwise (a pipe, a CI log) one line per change, or one JSON summary per change with --json.
// Exit 0 when the job completed (or passed validation), 1 when it ended otherwise.
import cliProgress from 'cli-progress';
import type { XtmClient } from './api.js';
import { progressSummary, type ProgressSummary, type WorkloadSummary } from './progressSummary.js';

const GOOD_END = new Set(['completed', 'validatePassed']);
const BAD_END = new Set(['completedWithErrors', 'failed', 'cancelled', 'validateFailed', 'deleted']);

/** Items per second (the server's, measured between the summary's reads) and seconds left at that rate. */
function rateOf(w: WorkloadSummary): { rate: number | null; eta: number | null } {
  const rate = w.itemsPerSecond;
  const left = w.itemsTotal - w.itemsDone;
  return { rate, eta: left <= 0 ? 0 : rate && rate > 0 ? left / rate : null };
}

const fmtRate = (r: number | null) => (r == null ? '-' : r >= 100 ? r.toFixed(0) : r.toFixed(1));
const fmtEta = (s: number | null) => (s == null ? '?' : s < 90 ? `${Math.ceil(s)}s` : s < 5400 ? `${Math.ceil(s / 60)}m` : `${(s / 3600).toFixed(1)}h`);
const counts = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k} ${v}`).join(', ');
const attentionLine = (a: ProgressSummary['attention'][number]) => `! ${a.userPrincipalName ?? a.userId} ${a.workload} ${a.status}: ${a.message}`;

export async function watchJob(c: XtmClient, ref: string, o: { intervalMs: number; json: boolean; tty?: boolean }): Promise<number> {
  const tty = o.tty ?? (!!process.stdout.isTTY && !o.json);
  const seen = new Set<string>();
  let previous = '';
  let multi: cliProgress.MultiBar | undefined;
  let head: cliProgress.SingleBar | undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const stopBars = () => multi?.stop();
  process.once('SIGINT', () => {
    stopBars();
    process.exit(130);
  });
  for (;;) {
    const s = await progressSummary(c, ref);
    const now = Date.now();
    const rows = s.workloads.map((w) => ({ w, ...rateOf(w) }));
    const fresh = s.attention.filter((a) => !seen.has(`${a.userId}|${a.workload}|${a.status}|${a.message}`));
    for (const a of fresh) seen.add(`${a.userId}|${a.workload}|${a.status}|${a.message}`);
    if (tty) {
      multi ??= new cliProgress.MultiBar({ clearOnComplete: false, hideCursor: true, autopadding: true, barsize: 30, format: '{name} {bar} {percentage}% | {value}/{total} items | {rate}/s | ETA {etaText} | {users}' }, cliProgress.Presets.shades_classic);
      head ??= multi.create(1, 0, {}, { format: '{title}' });
      head.update(0, { title: `${s.displayName} — ${s.status} — users: ${counts(s.users.byStatus)}${s.dataConsistencyScore ? ` — DCS ${s.dataConsistencyScore}` : ''}${s.completeAfterDateTime ? ` — cutover after ${s.completeAfterDateTime}` : ''}` });
      for (const r of rows) {
        let bar = bars.get(r.w.workload);
        if (!bar) bars.set(r.w.workload, (bar = multi.create(Math.max(r.w.itemsTotal, 1), 0, {})));
        bar.setTotal(Math.max(r.w.itemsTotal, 1));
        bar.update(r.w.itemsDone, { name: r.w.workload.padEnd(8), rate: fmtRate(r.rate), etaText: fmtEta(r.eta), users: counts(r.w.users) });
      }
      for (const a of fresh) multi.log(`${attentionLine(a)}\n`);
    } else if (o.json) {
      const line = JSON.stringify(s);
      if (line !== previous) console.log(line);
      previous = line;
    } else {
      const line = `${s.status} users: ${counts(s.users.byStatus)}${rows.map((r) => ` | ${r.w.workload} ${r.w.itemsDone}/${r.w.itemsTotal}${r.w.itemsTotal ? ` ${Math.floor((100 * r.w.itemsDone) / r.w.itemsTotal)}%` : ''}`).join('')}`;
      if (line !== previous) console.log(`${new Date(now).toISOString()} ${s.displayName}: ${line}${rows.some((r) => r.rate) ? ` (${rows.map((r) => `${r.w.workload} ${fmtRate(r.rate)}/s ETA ${fmtEta(r.eta)}`).join(', ')})` : ''}`);
      previous = line;
      for (const a of fresh) console.log(attentionLine(a));
    }
    if (GOOD_END.has(s.status) || BAD_END.has(s.status)) {
      stopBars();
      if (tty) console.log(`${s.displayName}: ${s.status}`);
      return GOOD_END.has(s.status) ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
}

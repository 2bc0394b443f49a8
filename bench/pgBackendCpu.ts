// CPU time of the PostgreSQL backends serving one database, for benches run on a machine other work
// shares: wall time then says little, process CPU says how much work was done. Only a local server is
// seen (Linux /proc; a backend's title names its database). Each backend's last-seen total counts, so
// pool connections that close during the run keep theirs. null where /proc can't be read.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function backendsOf(database: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(` ${database} `)) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) * (1000 / TICKS_PER_SECOND)); // utime + stime
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Starts sampling; stop() answers the backends' CPU milliseconds since start (null: not measurable here). */
export function sampleBackendCpu(database: string, everyMs = 200): { stop(): number | null } {
  let readable = true;
  const start = new Map<string, number>();
  const last = new Map<string, number>();
  const look = (first = false) => {
    try {
      for (const [pid, ms] of backendsOf(database)) {
        if (first) start.set(pid, ms); // backends already there count from now; later ones from their start
        last.set(pid, ms);
      }
    } catch {
      readable = false;
    }
  };
  look(true);
  const timer = setInterval(() => look(), everyMs);
  return {
    stop() {
      look();
      clearInterval(timer);
      if (!readable || last.size === 0) return null;
      let ms = 0;
      for (const [pid, v] of last) ms += v - (start.get(pid) ?? 0);
      return Math.round(ms);
    },
  };
}

// Crash rehearsal for durability tests: XTM_KILL_AT=<point>[:<n>] SIGKILLs the whole process (worker
// thread included) the n-th time (default 1st) the engine passes <point>. Points: inChunk (rows written,
// chunk not committed), betweenChunks (chunk committed, next not started), inCutover (recipients
// converted, not committed). Unset in normal runs: one string comparison.
const spec = process.env.XTM_KILL_AT ?? '';
const [point, nth] = spec.split(':');
let seen = 0;

export function killPoint(name: 'inChunk' | 'betweenChunks' | 'inCutover'): void {
  if (!point || name !== point) return;
  seen++;
  if (seen >= Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
}

// Child processes a bench starts (`xtm serve`, `xtm worker`) end with it: killed or interrupted, a bench
// used to leave its workers polling the database, slowing every later run on the machine.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

/** Kills `child` when this process exits, however it exits (SIGTERM and SIGINT included). */
export function endWithBench<C extends ChildProcess>(child: C): C {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => process.exit(128 + (sig === 'SIGINT' ? 2 : 15)));
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

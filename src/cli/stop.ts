// Clean stops for `xtm serve` and `xtm worker`: the first SIGTERM or SIGINT runs the stop sequence
// (each step logs itself) and exits 0; a second signal, or the bound (--shutdown-timeout) passing,
// exits at once with 1. Nothing is lost either way: work a stop cuts short is committed up to its last
// checkpoint and its lock is released by the next runner's stale-lock sweep.
import type { Logger } from 'pino';

export function stopOnSignals(log: Logger, boundMs: number, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'stopping: second signal, exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, boundMs }, 'stopping: signal received');
    setTimeout(() => {
      log.warn({ boundMs }, 'stopping: the shutdown bound passed, exiting now');
      process.exit(1);
    }, boundMs).unref();
    stop().then(() => process.exit(0), (err) => {
      log.error({ err }, 'stopping: failed, exiting now');
      process.exit(1);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

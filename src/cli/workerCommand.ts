// `xtm worker`: the runner alone, in its own process, beside any number of `xtm serve --no-worker`
// API replicas on one store (PostgreSQL: graphile-worker; a SQLite file: the embedded runner). Its
// clock follows the one the API persisted, so advancing the API's clock wakes this worker's timers.
import pino from 'pino';
import { Clock } from '../clock.js';
import { DEFAULTS, type XtmConfig } from '../config.js';
import { openStore } from '../store/db.js';
import { readClockAnchors } from '../store/settingsRepo.js';
import { startRunnerHost } from '../engine/work/host.js';

export async function workerCommand(cfg: Partial<XtmConfig> & { concurrency?: number; followClockMs?: number }): Promise<void> {
  const config: XtmConfig = { ...DEFAULTS, ...cfg };
  const log = pino({ level: config.logLevel });
  const location = config.db;
  // The persisted clock when the API wrote one, else this worker's own (--clock).
  const probe = await openStore(location);
  const anchors = await readClockAnchors(probe.db);
  await probe.close();
  const clock = Clock.parse(config.clock);
  if (anchors) clock.follow(anchors);
  const host = await startRunnerHost({ location, config, clock, log, runner: { concurrency: cfg.concurrency }, followClockMs: cfg.followClockMs ?? 250 });
  log.info({ store: location, dialect: host.store.dialect, worker: host.runner.workerId }, 'xtm worker running');
  const stop = async () => {
    await host.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

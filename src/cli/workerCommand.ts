// `xtm worker`: the runner alone, in its own process, beside any number of `xtm serve --no-worker`
// API replicas on one store (PostgreSQL: graphile-worker; a SQLite file: the embedded runner). Its
// clock follows the one the API persisted, so advancing the API's clock wakes this worker's timers.
import pino from 'pino';
import { Clock } from '../clock.js';
import { DEFAULTS, type XtmConfig } from '../config.js';
import { openStore } from '../store/db.js';
import { readClockAnchors } from '../store/settingsRepo.js';
import { startRunnerHost } from '../engine/work/host.js';
import { acquireStoreOwnership, StoreOwnedError, type StoreOwnership } from '../store/ownerLock.js';
import { ownedMessage } from './commands.js';
import { stopOnSignals } from './stop.js';

export async function workerCommand(cfg: Partial<XtmConfig> & { concurrency?: number; followClockMs?: number }): Promise<void> {
  const config: XtmConfig = { ...DEFAULTS, ...cfg };
  const log = pino({ level: config.logLevel });
  const location = config.db;
  // A SQLite file has one owner (store/ownerLock.ts): refused while a server runs it; held while this runs.
  let owner: StoreOwnership | undefined;
  if (!/^postgres(ql)?:\/\//.test(location) && location !== ':memory:') {
    try {
      owner = acquireStoreOwnership(location);
    } catch (err) {
      throw err instanceof StoreOwnedError ? new Error(ownedMessage(err, config.dataDir, 'run `xtm worker`')) : err;
    }
  }
  // The persisted clock when the API wrote one, else this worker's own (--clock).
  const probe = await openStore(location);
  const anchors = await readClockAnchors(probe.db);
  await probe.close();
  const clock = Clock.parse(config.clock);
  if (anchors) clock.follow(anchors);
  const host = await startRunnerHost({ location, config, clock, log, runner: { concurrency: cfg.concurrency }, followClockMs: cfg.followClockMs ?? 250 });
  log.info({ store: location, dialect: host.store.dialect, worker: host.runner.workerId }, 'xtm worker running');
  stopOnSignals(log, config.shutdownTimeoutMs, async () => {
    log.info('stopping: letting running work items reach their next commit point');
    await host.close();
    owner?.release();
    log.info('stopped: work items committed, locks released');
  });
}

// Runs a runner on its own store connection: in the worker thread of `xtm serve`, and in `xtm worker`.
// The backend follows the store: SQLite → the embedded runner, PostgreSQL → graphile-worker.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { openStore, setPageCacheMb, type Store } from '../../store/db.js';
import { checkpointInBackground } from '../../store/checkpointer.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { buildTasks } from '../tasks/index.js';
import type { TaskList, WorkQueue } from '../queue.js';
import { syncClock, type ClockSync } from './clockSync.js';
import { EmbeddedRunner } from './embeddedRunner.js';
import { GraphileRunner } from './graphileRunner.js';
import { makeProducer } from './producer.js';
import { logJobChanges } from '../jobs/jobLog.js';
import type { RunnerOptions } from './runnerOptions.js';

export interface Runner { queue: WorkQueue; workerId: string; start(): void | Promise<void>; stop(): Promise<void>; drain(): Promise<void> }

export function makeRunner(store: Store, clock: Clock, log: Logger, tasks: TaskList, opts: RunnerOptions = {}): Runner {
  if (store.dialect === 'sqlite') return new EmbeddedRunner(store, clock, log, tasks, makeProducer(store, clock, 'embedded'), opts);
  return new GraphileRunner(store, clock, log, tasks, makeProducer(store, clock, 'graphile'), opts);
}

/** A validation executor named by module, so a thread or process can load it (functions don't cross). */
export interface ModuleRef { module: string; export: string }

export const DEFAULT_VALIDATOR: ModuleRef = { module: new URL('../validation/runValidation.js', import.meta.url).href, export: 'runValidation' };

export async function loadValidator(ref: ModuleRef = DEFAULT_VALIDATOR): Promise<ValidationExecutor> {
  const mod = (await import(ref.module)) as Record<string, unknown>;
  const fn = mod[ref.export];
  if (typeof fn !== 'function') throw new Error(`${ref.module} exports no function '${ref.export}'`);
  return fn as ValidationExecutor;
}

export interface RunnerHost { store: Store; runner: Runner; close(): Promise<void> }

/**
 * Opens the store, builds the task registry and starts the runner. With `followClockMs`, the clock
 * follows the one the API persisted (a separate `xtm worker` process), looked up at that interval.
 */
export async function startRunnerHost(o: { location: string; config: XtmConfig; clock: Clock; log: Logger; validate?: ModuleRef; runner?: RunnerOptions; followClockMs?: number }): Promise<RunnerHost> {
  const store = await openStore(o.location);
  // 16 MB, not 64: the OS page cache serves the runner's misses as fast (2,000-user migration, interleaved
  // runs: 8 MB and 24 MB as fast as 64), while a full 64 MB cache stayed in the server's RSS (peak 480–502 MB
  // at 64, 445–467 at 24, 412–420 at 8). A transaction that dirties more spills to the WAL early.
  setPageCacheMb(store, 16);
  const checkpointer = checkpointInBackground(store);
  try {
    const host = await startOn(store, o);
    return { ...host, close: () => host.close().finally(() => checkpointer.stop()) };
  } catch (err) {
    await checkpointer.stop();
    await store.close().catch(() => undefined);
    throw err;
  }
}

async function startOn(store: Store, o: Parameters<typeof startRunnerHost>[0]): Promise<RunnerHost> {
  const validate = await loadValidator(o.validate);
  const runner = makeRunner(store, o.clock, o.log, buildTasks({ config: o.config, clock: o.clock, validate }), o.runner);
  let follow: ClockSync | undefined;
  if (o.followClockMs) {
    follow = syncClock(store, o.clock, o.log, { followMs: o.followClockMs });
    await follow.look();
  }
  const stopJobLog = logJobChanges(o.log);
  await runner.start();
  return {
    store,
    runner,
    async close() {
      stopJobLog();
      follow?.stop();
      await runner.stop();
      await store.close();
    },
  };
}

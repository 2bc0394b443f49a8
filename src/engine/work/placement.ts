// Where the API process's runner lives, and how notify/drain/idle reach it:
//   thread — a node:worker_threads worker with its own store connection (`xtm serve`, the default);
//   inline — this thread (`--db :memory:`, whose data no other connection can see; and tests that
//            inject a validation function, which cannot cross a thread boundary);
//   none   — `--no-worker`: other processes (`xtm worker`) run the work; drain() runs due work here on
//            SQLite, and on PostgreSQL starts a runner for that drain only.
import type { Logger } from 'pino';
import type { ClockAnchors, Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { setPageCacheMb, type Store } from '../../store/db.js';
import { leaveCheckpointsToRunner } from '../../store/checkpointer.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { buildTasks } from '../tasks/index.js';
import { loadValidator, makeRunner, type ModuleRef, type Runner } from './host.js';
import type { RunnerOptions } from './runnerOptions.js';
import { superviseThread, type WorkerThread } from './threadClient.js';

export type Placement = 'thread' | 'inline' | 'none';

export interface PlacedRunner {
  placement: Placement;
  notify(): void;
  start(): void;
  stop(): Promise<void>;
  drain(): Promise<void>;
  idle(): Promise<void>;
  /** The clock moved and the new time is stored: a runner in another thread hears it now. */
  clockStored(a: ClockAnchors): void;
}

export interface PlacementContext {
  store: Store;
  clock: Clock;
  config: XtmConfig;
  log: Logger;
  validate?: ValidationExecutor | ModuleRef;
  runner?: RunnerOptions;
}

export function choosePlacement(c: PlacementContext): Placement {
  if (!c.config.worker) return 'none';
  return c.store.location === ':memory:' || typeof c.validate === 'function' ? 'inline' : 'thread';
}

export async function placeRunner(c: PlacementContext): Promise<PlacedRunner> {
  const placement = choosePlacement(c);
  const local = localRunnerFactory(c);
  if (placement === 'inline') {
    const runner = await local();
    return {
      placement,
      notify: () => runner.queue.notify(),
      start: () => void Promise.resolve(runner.start()).catch((err) => c.log.error({ err }, 'runner: start failed')),
      stop: () => runner.stop(),
      drain: () => runner.drain(),
      idle: () => runner.queue.idle(),
      clockStored: () => undefined, // the runner shares this thread's clock
    };
  }
  const elsewhere = drainWithoutWorker(c, local);
  if (placement === 'none') return { placement, notify: () => undefined, start: () => undefined, stop: elsewhere.stop, drain: elsewhere.drain, idle: async () => undefined, clockStored: () => undefined };
  leaveCheckpointsToRunner(c.store);
  setPageCacheMb(c.store, 16);
  let thread: WorkerThread | undefined;
  return {
    placement,
    notify: () => thread?.post({ t: 'notify' }),
    start() {
      thread ??= superviseThread(() => ({ location: c.store.location, config: c.config, clock: c.clock.anchors(), validate: c.validate as ModuleRef | undefined, runner: c.runner, logLevel: c.log.level }), c.log);
    },
    async stop() {
      await thread?.close();
      thread = undefined;
      await elsewhere.stop();
    },
    // Before start() no thread exists yet: due work runs as without a worker.
    drain: () => (thread ? thread.request('drain') : elsewhere.drain()),
    idle: async () => thread?.request('idle'),
    clockStored: (a) => thread?.post({ t: 'clock', s: a }),
  };
}

/** Builds a runner in this thread (the validator module is loaded once). */
function localRunnerFactory(c: PlacementContext): () => Promise<Runner> {
  let loaded: ValidationExecutor | undefined;
  return async () => {
    const validate = typeof c.validate === 'function' ? c.validate : (loaded ??= await loadValidator(c.validate));
    return makeRunner(c.store, c.clock, c.log, buildTasks({ config: c.config, clock: c.clock, validate }), c.runner);
  };
}

/** Drain with no runner in this process: SQLite runs due work here; PostgreSQL starts one for the drain. */
function drainWithoutWorker(c: PlacementContext, local: () => Promise<Runner>): { drain(): Promise<void>; stop(): Promise<void> } {
  let drainer: Runner | undefined;
  return {
    async drain() {
      if (c.store.dialect === 'sqlite') {
        drainer ??= await local();
        return drainer.drain();
      }
      // graphile-worker only runs work while started: start one here for this drain, then stop it,
      // so nothing runs in this process between drains (--no-worker).
      const once = await local();
      await once.start();
      try {
        await once.drain();
      } finally {
        await once.stop();
      }
    },
    stop: async () => drainer?.stop(),
  };
}

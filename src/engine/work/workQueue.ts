// The API thread's side of the work-queue port. It only enqueues (in the caller's transaction) and
// talks to the runner, wherever placement.ts put it (a worker thread, this thread, or other processes).
// The clock is persisted on every change so runners in other threads and processes follow it
// (clockSync.ts), and followed when another API replica moved it.
import { Logger as GraphileLogger, runMigrations } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { withSchemaLock, type Store } from '../../store/db.js';
import { syncReads } from '../../store/readCache.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import type { WorkQueue } from '../queue.js';
import { syncClock } from './clockSync.js';
import type { ModuleRef } from './host.js';
import { placeRunner, type Placement, type PlacedRunner } from './placement.js';
import { makeProducer } from './producer.js';
import type { RunnerOptions } from './runnerOptions.js';

export type { Placement } from './placement.js';
export type ServerWorkQueue = WorkQueue & { placement: Placement };

export interface WorkQueueOptions {
  validate?: ValidationExecutor | ModuleRef;
  runner?: RunnerOptions;
  /** How often this process looks for a clock another process persisted (API replicas). */
  followClockMs?: number;
}

export async function openWorkQueue(store: Store, clock: Clock, config: XtmConfig, log: Logger, opts: WorkQueueOptions = {}): Promise<ServerWorkQueue> {
  const backend = store.dialect === 'sqlite' ? 'embedded' : 'graphile';
  if (backend === 'graphile') await installGraphile(store, log);
  const producer = makeProducer(store, clock, backend);
  const runner: PlacedRunner = await placeRunner({ store, clock, config, log, validate: opts.validate, runner: opts.runner });
  // The worker thread hears of a new time only once it is stored: work done at that time must never
  // outlive a crash that loses the time itself (a restart would read the earlier clock).
  const clockSync = syncClock(store, clock, log, { persist: { onStored: (a) => runner.clockStored(a) }, followMs: opts.followClockMs ?? 500 });

  const queue: ServerWorkQueue = {
    placement: runner.placement,
    enqueue: (task, payload, o, trx) => producer.add([{ task, payload, opts: o }], trx).then(() => (trx ? undefined : queue.notify())),
    enqueueMany: (items, trx) => producer.add(items, trx).then(() => (trx ? undefined : queue.notify())),
    notify: () => runner.notify(),
    start: () => runner.start(),
    async stop() {
      clockSync.stop();
      await runner.stop();
      await clockSync.stored();
    },
    // Once the work is done, this process's cached reads have seen its last write (store/readCache.ts).
    async drain() {
      await clockSync.stored();
      await runner.drain();
      await syncReads(store.db);
    },
    async idle() {
      await clockSync.stored();
      await runner.idle();
      await syncReads(store.db);
    },
  };
  return queue;
}

async function installGraphile(store: Store, log: Logger): Promise<void> {
  await withSchemaLock(store, () => runMigrations({ connectionString: store.location, logger: new GraphileLogger(() => (level, message) => level === 'error' && log.error(message)) }));
}

// The API thread's side of the work-queue port. It only enqueues (in the caller's transaction) and
// talks to the runner, which lives in one of three places:
//   thread — a node:worker_threads worker with its own store connection (`xtm serve`, the default);
//   inline — this thread (`--db :memory:`, whose data no other connection can see; and tests that
//            inject a validation function, which cannot cross a thread boundary);
//   none   — `--no-worker`: other processes (`xtm worker`) run the work; drain() runs due work here on
//            SQLite, and waits for the other workers on PostgreSQL.
// The clock is persisted on every change so runners in other threads and processes follow it.
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger as GraphileLogger, runMigrations } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { leaveCheckpointsToRunner, type Store } from '../../store/db.js';
import { readClockAnchors, saveClockAnchors } from '../../store/settingsRepo.js';
import { syncReads } from '../../store/readCache.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { buildTasks } from '../tasks/index.js';
import type { WorkQueue } from '../queue.js';
import { loadValidator, makeRunner, type ModuleRef, type Runner } from './host.js';
import { makeProducer } from './producer.js';
import type { RunnerOptions } from './runnerOptions.js';
import type { FromThread, ThreadData, ToThread } from './thread.js';

export type Placement = 'thread' | 'inline' | 'none';
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
  const placement: Placement = !config.worker ? 'none' : store.location === ':memory:' || typeof opts.validate === 'function' ? 'inline' : 'thread';

  // --- the clock: persisted on change, followed when another process moved it ---
  let changes = 0; // bumped on every local change: a lookup that raced one is dropped
  let persisting: Promise<void> = Promise.resolve();
  const persistClock = () => {
    changes++;
    const a = clock.anchors();
    persisting = persisting.then(() => saveClockAnchors(store.db, a)).catch((err) => log.warn({ err }, 'clock: could not persist'));
  };
  const followTimer = setInterval(() => {
    const seen = changes;
    void persisting.then(() => readClockAnchors(store.db)).then((a) => {
      if (a && seen === changes) clock.follow(a);
    }).catch(() => undefined);
  }, opts.followClockMs ?? 500);
  followTimer.unref();

  let loaded: ValidationExecutor | undefined;
  const localRunner = async (): Promise<Runner> => {
    const validate = typeof opts.validate === 'function' ? opts.validate : (loaded ??= await loadValidator(opts.validate));
    return makeRunner(store, clock, log, buildTasks({ config, clock, validate }), opts.runner);
  };

  let thread: ThreadClient | undefined;
  let stopping = false;
  let restarts = 0;
  // A worker thread that dies (an uncaught error in a task's code, a failed start) is started again,
  // with back-off: the API keeps serving meanwhile, and work left locked by the dead runner is released
  // by the stale-lock sweep and run by the new one.
  const spawnThread = () => {
    thread = startThread({ location: store.location, config, clock: clock.anchors(), validate: opts.validate as ModuleRef | undefined, runner: opts.runner, logLevel: log.level }, log, {
      ready: () => {
        restarts = 0;
      },
      died: (err) => {
        if (stopping) return;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts++, 5));
        log.error({ err, restartInMs: delay }, 'worker thread died; starting a new one');
        setTimeout(() => {
          if (!stopping) spawnThread();
        }, delay).unref();
      },
    });
  };
  /** A request to the worker thread; while a dead thread is being replaced, asks the new one (up to a minute). */
  const viaThread = async (t: 'drain' | 'idle'): Promise<void> => {
    for (const deadline = Date.now() + 60_000; ;) {
      const asked = thread!;
      try {
        return await asked.request(t);
      } catch (err) {
        if (stopping || !asked.isDead() || Date.now() > deadline) throw err; // the thread's own answer stands
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  let inline: Runner | undefined;
  if (placement === 'inline') inline = await localRunner();
  if (placement === 'thread') leaveCheckpointsToRunner(store);
  let drainer: Runner | undefined; // placement none: runs or awaits due work on request

  // The worker thread hears of a new time only once it is stored: work done at that time must never
  // outlive a crash that loses the time itself (a restart would read the earlier clock).
  const onAdvance = () => {
    persistClock();
    const anchors = clock.anchors();
    void persisting.then(() => thread?.post({ t: 'clock', s: anchors }));
  };
  clock.on('advance', onAdvance);
  persistClock();

  const drainHere = async (): Promise<void> => {
    await persisting;
    if (thread) return viaThread('drain');
    if (inline) return inline.drain();
    if (store.dialect === 'sqlite') {
      drainer ??= await localRunner();
      return drainer.drain();
    }
    // graphile-worker only runs work while started: start one here for this drain, then stop it,
    // so nothing runs in this process between drains (--no-worker).
    const once = await localRunner();
    await once.start();
    try {
      await once.drain();
    } finally {
      await once.stop();
    }
  };

  const queue: ServerWorkQueue = {
    placement,
    enqueue: (task, payload, o, trx) => producer.add([{ task, payload, opts: o }], trx).then(() => (trx ? undefined : queue.notify())),
    enqueueMany: (items, trx) => producer.add(items, trx).then(() => (trx ? undefined : queue.notify())),
    notify() {
      if (thread) thread.post({ t: 'notify' });
      else inline?.queue.notify();
    },
    start() {
      if (placement === 'thread' && !thread) spawnThread();
      else if (inline) void Promise.resolve(inline.start()).catch((err) => log.error({ err }, 'runner: start failed'));
    },
    async stop() {
      stopping = true;
      clock.off('advance', onAdvance);
      clearInterval(followTimer);
      if (thread) await thread.close();
      thread = undefined;
      if (inline) await inline.stop();
      if (drainer) await drainer.stop();
      await persisting;
    },
    // Once the work is done, this process's cached reads have seen its last write (store/readCache.ts).
    async drain() {
      await drainHere();
      await syncReads(store.db);
    },
    async idle() {
      await persisting;
      if (thread) await viaThread('idle');
      else if (inline) await inline.queue.idle();
      await syncReads(store.db);
    },
  };
  return queue;
}

async function installGraphile(store: Store, log: Logger): Promise<void> {
  await runMigrations({ connectionString: store.location, logger: new GraphileLogger(() => (level, message) => level === 'error' && log.error(message)) });
}

interface ThreadClient { post(m: ToThread): void; request(t: 'drain' | 'idle' | 'stop'): Promise<void>; isDead(): boolean; close(): Promise<void> }

function startThread(data: Omit<ThreadData, 'entry'>, log: Logger, on: { ready(): void; died(err: Error): void }): ThreadClient {
  // Compiled (dist/*.js): the thread runs its entry directly. From sources (tests, tsx): the boot
  // script registers tsx in the thread first (module hooks do not cross into worker threads).
  const compiled = extname(fileURLToPath(import.meta.url)) === '.js';
  const entry = new URL(`./thread${compiled ? '.js' : '.ts'}`, import.meta.url);
  const worker = new Worker(compiled ? entry : new URL('./threadBoot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } satisfies ThreadData });
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let dead: Error | undefined;
  let closing = false;
  const failAll = (e: Error) => {
    const first = !dead;
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    if (first && !closing) on.died(e);
  };
  worker.on('message', (m: FromThread) => {
    if (m.t === 'ready') on.ready();
    else if (m.t === 'failed') {
      log.error({ error: m.error }, 'worker thread: start failed');
      failAll(new Error(`worker thread failed to start: ${m.error}`));
      void worker.terminate();
    } else if (m.t === 'done') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve();
    }
  });
  worker.on('error', (err) => {
    log.error({ err }, 'worker thread crashed');
    failAll(err);
  });
  worker.on('exit', (code) => failAll(new Error(`worker thread exited (${code})`)));
  const client: ThreadClient = {
    post: (m) => {
      if (!dead) worker.postMessage(m);
    },
    request(t) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ t, id } satisfies ToThread);
      });
    },
    isDead: () => dead !== undefined,
    async close() {
      closing = true;
      if (!dead) await client.request('stop').catch((err) => log.warn({ err }, 'worker thread: stop failed'));
      await worker.terminate();
    },
  };
  return client;
}

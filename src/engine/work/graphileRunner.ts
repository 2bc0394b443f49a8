// The PostgreSQL runner: graphile-worker 0.17 claims, locks, completes and serializes named queues;
// xtm's wrapper around each task adds what the port promises on both backends — retries in clock time
// (as timers, graphile never sees a virtual run_at), PermanentError, dead letters — and a heartbeat so
// the locks of a killed worker are released by the sweep (graphile's own reset waits 4 hours).
//
// Two graphile-worker pools share the work: the batched pool claims items in batches (its local queue)
// and deletes finished ones in batches, one round trip per batch instead of per item; the serial pool
// claims one item per fetch and takes only items of a named queue (their task identifier carries
// SERIAL_SUFFIX); it starts once such an item exists. graphile-worker 0.17.3's batched fetch locks
// several jobs of one named queue at once and runs them concurrently (graphile/worker#621, fixed after
// 0.17.3; 0.18 needs Node >= 22.18), so named queues never reach the batched pool.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Logger as GraphileLogger, run, type Runner, type Task, type TaskList as GraphileTaskList, type WorkerEvents } from 'graphile-worker';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { analyzeStale } from '../../store/plannerStats.js';
import { SERIAL_SUFFIX, workRepo } from '../../store/workRepo.js';
import type { TaskList, WorkQueue } from '../queue.js';
import { retryTimer, runItem, type ItemInfo } from './execute.js';
import type { Envelope, Producer } from './producer.js';
import { realIso, RUNNER_DEFAULTS, type RunnerOptions } from './runnerOptions.js';
import { TimerAlarm } from './timerAlarm.js';

/** How often a runner looks for tables whose planner statistics its work made stale. */
const STATS_MS = 2000;

export class GraphileRunner {
  readonly workerId: string;
  readonly queue: WorkQueue;
  private readonly o: Required<Omit<RunnerOptions, 'workerId'>>;
  private readonly abort = new AbortController();
  private runners: Runner[] = [];
  private starting: Promise<void> | undefined;
  private beat: NodeJS.Timeout | undefined;
  private stats: NodeJS.Timeout | undefined;
  private analyzing = false;
  private readonly lockIds = new Set<string>();
  private lastBeatMs = 0; // wall time of the last heartbeat that reached the database
  private running = 0;
  private settleWaiters: (() => void)[] = [];
  private waking = false;
  private again = false;
  private readonly alarm: TimerAlarm;
  private startSerial: (() => Promise<Runner>) | undefined;
  private serialRunning = false;
  private serialStarting: Promise<void> | undefined;
  private serialLookedAt = 0;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly log: Logger, private readonly tasks: TaskList, private readonly producer: Producer, opts: RunnerOptions = {}) {
    this.o = { ...RUNNER_DEFAULTS, concurrency: 8, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Required<RunnerOptions>;
    this.alarm = new TimerAlarm(store, clock, this.o.pollMs, () => this.wake());
    this.workerId = opts.workerId ?? `graphile-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.queue = {
      enqueue: (task, payload, o, trx) => producer.add([{ task, payload, opts: o }], trx),
      enqueueMany: (items, trx) => producer.add(items, trx),
      notify: () => this.wake(),
      start: () => void this.start(),
      stop: () => this.stop(),
      drain: () => this.drain(),
      idle: () => (this.runners.length ? this.drain() : Promise.resolve()),
    };
  }

  start(): Promise<void> {
    this.starting ??= this.boot();
    return this.starting;
  }

  private async boot(): Promise<void> {
    const events = new EventEmitter() as WorkerEvents;
    events.on('pool:create', ({ workerPool }) => this.lockIds.add(workerPool.id));
    events.on('worker:create', ({ worker }) => this.lockIds.add(worker.workerId));
    await this.heartbeatAndSweep();
    const logger = new GraphileLogger(() => (level, message) => {
      if (level === 'error') this.log.error(message);
      else if (level === 'warning') this.log.warn(message);
      else this.log.debug(message);
    });
    const common = { connectionString: this.store.location, pollInterval: this.o.pollMs, noHandleSignals: true, parsedCronItems: [], events, logger };
    const { batched, serial } = this.wrapTasks();
    this.startSerial = () => run({ ...common, concurrency: this.o.serialConcurrency, maxPoolSize: this.o.serialConcurrency + 2, preset: { worker: { completeJobBatchDelay: 0 } }, taskList: serial });
    // Finished jobs are deleted together (completeJobBatchDelay: 0 batches the completions of one tick).
    // The local queue holds about as many items as run at once (claimBatch), so a second worker
    // process finds work too.
    try {
      this.runners.push(await run({
        ...common,
        concurrency: this.o.concurrency,
        maxPoolSize: this.o.concurrency + 2, // a pool grows on demand: the local queue itself uses one or two
        preset: { worker: { completeJobBatchDelay: 0, localQueue: { size: Math.max(this.o.claimBatch, this.o.concurrency) } } },
        taskList: batched,
      }));
      await this.serialIfNeeded(true);
    } catch (err) {
      for (const r of this.runners.splice(0)) await r.stop().catch(() => undefined);
      throw err;
    }
    await this.heartbeatAndSweep();
    this.clock.on('advance', this.wake);
    this.beat = setInterval(() => void this.heartbeatAndSweep().catch((err) => this.log.error({ err }, 'runner: heartbeat failed')), this.o.heartbeatMs);
    this.stats = setInterval(() => this.keepStatistics(), STATS_MS);
    this.wake();
  }

  /**
   * The serial pool starts once graphile holds a job of a named queue (looked for at most once a second,
   * and at once when `now`). Until then it would only cost: each of its fetches asks for identifiers no
   * job has, so graphile's get_job walked every available job to find none, on every insert notification
   * (a 2,000-user migration: 15,000 fetches of ~760 buffers, 17 s of the database's time).
   */
  private async serialIfNeeded(now = false): Promise<void> {
    if (this.serialRunning || this.abort.signal.aborted || (!now && Date.now() - this.serialLookedAt < 1000)) return;
    this.serialLookedAt = Date.now();
    this.serialStarting ??= (async () => {
      try {
        if (!(await workRepo.graphileSerialJobs(this.store.db)) || this.abort.signal.aborted || !this.startSerial) return;
        const runner = await this.startSerial();
        if (this.abort.signal.aborted) await runner.stop();
        else {
          this.runners.push(runner);
          this.serialRunning = true;
        }
      } finally {
        this.serialStarting = undefined;
      }
    })();
    await this.serialStarting;
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.serialStarting?.catch(() => undefined);
    this.clock.off('advance', this.wake);
    if (this.beat) clearInterval(this.beat);
    if (this.stats) clearInterval(this.stats);
    this.abort.abort();
    const runners = this.runners.splice(0); // wake() and the alarm see a stopped runner from here
    this.alarm.stop();
    for (const r of runners) await r.stop();
    // Whatever graphile still holds under our ids (a claim cut short by a forced shutdown) goes back now:
    // once our row is gone no sweep would release it, and graphile's own reset waits 4 hours.
    await workRepo.forceUnlockGraphile(this.store.db, [...this.lockIds]);
    await workRepo.removeWorkers(this.store.db, [this.workerId]);
  }

  /**
   * Clock moved, work was committed, or the alarm rang: move due timers into graphile (its NOTIFY wakes
   * the workers) and set the alarm for the next one. Wakes that come while one runs are folded into one.
   */
  readonly wake = (): void => {
    if (!this.runners.length) return;
    if (this.waking) {
      this.again = true;
      return;
    }
    this.waking = true;
    void (async () => {
      let next: number | null = null;
      do {
        this.again = false;
        next = await this.producer.promoteDue();
      } while (this.again);
      await this.serialIfNeeded();
      if (this.runners.length) await this.alarm.arm(next);
    })().catch((err) => {
      this.log.error({ err }, 'runner: timer promotion failed');
      if (this.runners.length) this.alarm.retryLater();
    }).finally(() => {
      this.waking = false;
      if (this.again) this.wake(); // came while the alarm was being set
    });
  };

  async drain(): Promise<void> {
    for (;;) {
      await this.producer.promoteDue();
      await this.serialIfNeeded();
      // Items running here: wait for one to end instead of polling (a poll every 10 ms through a 2,000-user
      // migration was a good part of the database's work in the bench).
      if (this.running > 0) {
        await new Promise<void>((r) => this.settleWaiters.push(r));
        continue;
      }
      // Held or due elsewhere (another process, or completions not yet written): look again shortly.
      if (!(await workRepo.graphileBusy(this.store.db)) && (await workRepo.dueTimerCount(this.store.db, this.clock.iso())) === 0 && this.running === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Each task under its own name (batched pool) and with SERIAL_SUFFIX (serial pool: named queues). */
  private wrapTasks(): { batched: GraphileTaskList; serial: GraphileTaskList } {
    const batched: GraphileTaskList = {};
    const serial: GraphileTaskList = {};
    for (const name of Object.keys(this.tasks)) {
      const task: Task = async (payload, helpers) => {
        const env = payload as Envelope;
        const job = helpers.job;
        const item: ItemInfo = {
          id: String(job.id), task: name, payload: env.p, attempt: env.a + job.attempts, maxAttempts: env.m,
          jobKey: env.k, queueName: env.q, runAtMs: this.clock.nowMs(),
        };
        this.running++;
        try {
          const outcome = await runItem(this.tasks, item, { store: this.store, clock: this.clock, log: this.log, queue: this.queue, abortSignal: this.abort.signal });
          if (outcome.ok) {
            // graphile-worker deletes a completed job by id alone. While our heartbeat keeps up nobody can
            // have swept our locks; when it fell behind, make sure the job is still ours first: if not,
            // throwing sends it to graphile's failure path, which only touches jobs the caller holds.
            if (Date.now() - this.lastBeatMs > this.o.staleMs / 2 && !this.holds(await workRepo.graphileLockHolder(this.store.db, item.id))) throw lostLock(item.id);
            return;
          }
          let lost = false;
          await inTransaction(this.store, async (trx) => {
            const now = await workRepo.graphileJobKey(trx, item.id);
            // Another worker holds it now (our locks were swept): the retry or the dead letter is its call.
            if (!now || !this.holds(now.locked_by)) {
              lost = true;
              return;
            }
            const superseded = item.jobKey !== null && now?.key !== item.jobKey;
            const nowMs = this.clock.nowMs();
            if (outcome.permanent || superseded || item.attempt >= item.maxAttempts) {
              await workRepo.recordFailures(trx, [{ id: randomUUID(), task: name, payload: JSON.stringify(env.p), job_key: item.jobKey, queue_name: item.queueName, attempts: item.attempt, last_error: outcome.error, failed_at: new Date(nowMs).toISOString() }]);
            } else {
              await this.producer.addTimerRows([{ ...retryTimer(item, outcome.error, nowMs), id: randomUUID() }], trx);
            }
          });
          if (lost) throw lostLock(item.id);
          // Returning completes graphile's job: the retry (if any) lives on as a clock-time timer.
        } finally {
          this.running--;
          for (const w of this.settleWaiters.splice(0)) w();
        }
      };
      batched[name] = task;
      serial[name + SERIAL_SUFFIX] = task;
    }
    return { batched, serial };
  }

  /** Planner statistics follow the tables the work fills (store/plannerStats.ts); one look at a time. */
  private keepStatistics(): void {
    if (this.analyzing) return;
    this.analyzing = true;
    analyzeStale(this.store.db)
      .then((tables) => tables.length && this.log.debug({ tables }, 'runner: planner statistics refreshed'))
      .catch((err) => this.log.warn({ err }, 'runner: planner statistics refresh failed'))
      .finally(() => { this.analyzing = false; });
  }

  private holds(lockedBy: string | null | undefined): boolean {
    return !!lockedBy && this.lockIds.has(lockedBy);
  }

  private async heartbeatAndSweep(): Promise<void> {
    const now = Date.now();
    await workRepo.heartbeat(this.store.db, this.workerId, [...this.lockIds], realIso(now));
    this.lastBeatMs = now;
    const stale = (await workRepo.staleWorkers(this.store.db, realIso(now - this.o.staleMs))).filter((w) => w.id !== this.workerId);
    if (!stale.length) return;
    await inTransaction(this.store, async (trx) => {
      await workRepo.forceUnlockGraphile(trx, stale.flatMap((w) => w.lockIds));
      await workRepo.removeWorkers(trx, stale.map((w) => w.id));
    });
    this.log.info({ workers: stale.map((w) => w.id) }, 'runner: released the locks of stopped workers');
  }
}

/** Sends a job we no longer hold to graphile's failure path, which only touches jobs the caller holds. */
function lostLock(jobId: string): Error {
  return new Error(`lost the lock of job ${jobId} (our heartbeat fell behind and another worker took it over); leaving it to its holder`);
}

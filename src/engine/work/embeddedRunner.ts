// The embedded runner (SQLite): claims due items from work_items in one statement per batch, runs
// their handlers, deletes finished ones in one statement per batch (guarded by the lock owner),
// retries failures as clock-time timers, and sweeps the locks of runners whose heartbeat stopped.
// It runs in the worker thread (engine/work/thread.ts), or in-process for `:memory:` and tests.
// Items of group-committed tasks (queue.ts groupCommit) run several to one transaction: SQLite's cost
// per transaction is its commit, which writes every page the transaction dirtied to the WAL, and the
// per-user migration steps dirty the same pages (job, tasks, moves, queue) over and over.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { WorkItemsTable } from '../../store/schema.js';
import { inTransaction, storeInTransaction } from '../../store/unitOfWork.js';
import { workRepo } from '../../store/workRepo.js';
import { isGroupCommitted, type TaskList, type WorkQueue } from '../queue.js';
import { retryTimer, runItem, type ItemInfo, type Outcome, type RunContext } from './execute.js';
import type { Producer } from './producer.js';
import { realIso, RUNNER_DEFAULTS, type RunnerOptions } from './runnerOptions.js';
import { TimerAlarm } from './timerAlarm.js';

/** How long one group of items may hold SQLite's write lock before the rest of it runs as the next group. */
const GROUP_BUDGET_MS = 50;

function itemInfo(row: WorkItemsTable): ItemInfo {
  return {
    id: row.id, task: row.task, payload: JSON.parse(row.payload), attempt: row.attempts, maxAttempts: row.max_attempts,
    jobKey: row.job_key, queueName: row.queue_name, runAtMs: Date.parse(row.run_at),
  };
}

export class EmbeddedRunner {
  readonly workerId: string;
  readonly queue: WorkQueue;
  private readonly o: Required<Omit<RunnerOptions, 'workerId'>>;
  private readonly abort = new AbortController();
  private started = false;
  private running = 0;
  private pumping = false;
  private repump = false;
  private wakeQueued = false;
  private readonly alarm: TimerAlarm;
  private beat: NodeJS.Timeout | undefined;
  private completed: string[] = [];
  private settleWaiters: (() => void)[] = [];

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly log: Logger, private readonly tasks: TaskList, private readonly producer: Producer, opts: RunnerOptions = {}) {
    this.o = { ...RUNNER_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Required<RunnerOptions>;
    this.alarm = new TimerAlarm(store, clock, this.o.pollMs, () => this.wake());
    this.workerId = opts.workerId ?? `embedded-${process.pid}-${randomUUID().slice(0, 8)}`;
    // The queue handlers see: enqueue goes through the producer; notify wakes this runner.
    this.queue = {
      enqueue: (task, payload, opts, trx) => producer.add([{ task, payload, opts }], trx),
      enqueueMany: (items, trx) => producer.add(items, trx),
      notify: () => this.wake(),
      start: () => this.start(),
      stop: () => this.stop(),
      drain: () => this.drain(),
      idle: () => (this.started ? this.drain() : this.settled()),
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.clock.on('advance', this.wake);
    const tick = () => {
      void this.heartbeatAndSweep().catch((err) => this.log.error({ err }, 'runner: heartbeat failed'));
    };
    // Register before the first claim, so every lock we take belongs to a runner the sweep can see.
    void this.heartbeatAndSweep().catch((err) => this.log.error({ err }, 'runner: heartbeat failed')).finally(this.wake);
    this.beat = setInterval(tick, this.o.heartbeatMs);
  }

  async stop(): Promise<void> {
    if (!this.started) return this.settled();
    this.started = false;
    this.clock.off('advance', this.wake);
    this.alarm.stop();
    if (this.beat) clearInterval(this.beat);
    this.abort.abort();
    await this.settled();
    await this.flush();
    // Items a group had claimed but did not reach before the stop: free for the next runner at once.
    await workRepo.unlockItems(this.store.db, [this.workerId]);
    await workRepo.removeWorkers(this.store.db, [this.workerId]);
  }

  /**
   * Runs the pump on the event loop's next turn, not straight on: SQLite answers every statement at once,
   * so items launched from other items' completions would chain promise after promise without ever
   * yielding, and until the work ran out the thread would see no message (stop, clock) and no timer
   * (heartbeat) — a SIGTERM waited for a whole migration (test/service/sigterm.migration.test.ts).
   */
  readonly wake = (): void => {
    if (!this.started || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      if (!this.started) return;
      if (this.pumping) {
        this.repump = true;
        return;
      }
      void this.pump();
    });
  };

  /** Runs everything due now (here, beside the background pump) until nothing is due, running or locked. */
  async drain(): Promise<void> {
    for (;;) {
      await this.producer.promoteDue();
      const items = this.running < this.o.concurrency ? await this.claim(this.o.concurrency - this.running) : [];
      this.launchAll(items);
      if (items.length) continue;
      if (this.running > 0) {
        await new Promise<void>((r) => this.settleWaiters.push(r));
        continue;
      }
      await this.flush();
      const nowIso = this.clock.iso();
      const st = await workRepo.itemState(this.store.db, nowIso);
      if (st.due === 0 && st.locked === 0 && (await workRepo.dueTimerCount(this.store.db, nowIso)) === 0) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async settled(): Promise<void> {
    while (this.running > 0) await new Promise<void>((r) => this.settleWaiters.push(r));
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      let next: number | null = null;
      do {
        this.repump = false;
        next = await this.producer.promoteDue();
        while (this.started && this.running < this.o.concurrency) {
          const items = await this.claim(this.o.concurrency - this.running);
          if (!items.length) break;
          this.launchAll(items);
        }
      } while (this.repump && this.started);
      // Items launched above may add timers: they notify, which wakes this pump again.
      if (this.started) await this.alarm.arm(next);
    } catch (err) {
      this.log.error({ err }, 'runner: pump failed');
      if (this.started) this.alarm.retryLater();
    } finally {
      this.pumping = false;
      // A wake that came while the next timer was being scheduled must not wait for the poll.
      if (this.repump) this.wake();
    }
  }

  /** Deletes the finished items and claims the next ones in one transaction (one commit per batch, not two). */
  private async claim(limit: number): Promise<WorkItemsTable[]> {
    if (!this.completed.length) return workRepo.claimItems(this.store.db, this.workerId, this.clock.iso(), realIso(), limit);
    return this.withCompleted((ids) => inTransaction(this.store, async (trx) => {
      await workRepo.completeItems(trx, this.workerId, ids);
      return workRepo.claimItems(trx, this.workerId, this.clock.iso(), realIso(), limit);
    }));
  }

  private launchAll(rows: WorkItemsTable[]): void {
    const grouped = rows.filter((r) => isGroupCommitted(this.tasks[r.task]));
    if (grouped.length < 2) {
      for (const r of rows) this.launch(r);
      return;
    }
    for (const r of rows) if (!isGroupCommitted(this.tasks[r.task])) this.launch(r);
    this.launchGroup(grouped.map(itemInfo));
  }

  private launch(row: WorkItemsTable): void {
    this.running++;
    void this.runOne(itemInfo(row)).finally(() => this.ended(1));
  }

  private async runOne(item: ItemInfo): Promise<void> {
    const outcome = await runItem(this.tasks, item, this.context(this.store));
    if (outcome.ok) this.completed.push(item.id);
    else await this.fail(item, outcome).catch((err: unknown) => this.log.error({ err, item: item.id }, 'runner: could not record an outcome'));
  }

  private launchGroup(items: ItemInfo[]): void {
    this.running += items.length;
    void this.runGroup(items).finally(() => this.ended(items.length));
  }

  /**
   * Group commit: the items run one after another in one transaction, each step that a handler makes a
   * transaction of its own a savepoint in it, and their completions (or retry timers) commit with them.
   * What an item's handler wrote before it failed stays, as it would have been committed on its own. The
   * group stops taking items after GROUP_BUDGET_MS, so the API's writes never wait longer than that for
   * the lock; the rest run as the next group. If the transaction fails as a whole (its commit, or SQLite
   * aborting it), nothing of it committed and every item runs again on its own.
   */
  private async runGroup(items: ItemInfo[]): Promise<void> {
    let rest: ItemInfo[] = [];
    try {
      await inTransaction(this.store, async (trx) => {
        const store = storeInTransaction(this.store, trx);
        const done: string[] = [];
        const start = performance.now();
        for (const [i, item] of items.entries()) {
          if (i > 0 && (this.abort.signal.aborted || performance.now() - start > GROUP_BUDGET_MS)) {
            rest = items.slice(i);
            break;
          }
          const outcome = await runItem(this.tasks, item, this.context(store));
          if (outcome.ok) done.push(item.id);
          else await this.fail(item, outcome, store);
        }
        await workRepo.completeItems(trx, this.workerId, done);
      });
    } catch (err) {
      this.log.warn({ err, items: items.length }, 'runner: a group of items could not commit; each runs again on its own');
      for (const item of items) await this.runOne(item);
      return;
    }
    // Stopping: the rest stay claimed until stop() frees them.
    if (rest.length && !this.abort.signal.aborted) await this.runGroup(rest);
  }

  private context(store: Store): RunContext {
    return { store, clock: this.clock, log: this.log, queue: this.queue, abortSignal: this.abort.signal };
  }

  private ended(n: number): void {
    this.running -= n;
    for (const w of this.settleWaiters.splice(0)) w();
    this.wake();
  }

  /** Completions not yet deleted with a claim (drain, stop): one statement. */
  private async flush(): Promise<void> {
    if (this.completed.length) await this.withCompleted((ids) => workRepo.completeItems(this.store.db, this.workerId, ids));
  }

  /** Hands the finished ids to `write`; if it fails they are still ours and done, deleted with the next batch. */
  private async withCompleted<T>(write: (ids: string[]) => Promise<T>): Promise<T> {
    const ids = this.completed;
    this.completed = [];
    try {
      return await write(ids);
    } catch (err) {
      this.completed.push(...ids);
      throw err;
    }
  }

  private async fail(item: ItemInfo, outcome: Extract<Outcome, { ok: false }>, store = this.store): Promise<void> {
    await inTransaction(store, async (trx) => {
      const row = await workRepo.takeLockedItem(trx, this.workerId, item.id);
      if (!row) return; // our lock was swept: the item belongs to another runner now
      const now = this.clock.nowMs();
      if (outcome.permanent || row.attempts >= row.max_attempts) {
        await workRepo.recordFailures(trx, [{ id: row.id, task: row.task, payload: row.payload, job_key: row.job_key, queue_name: row.queue_name, attempts: row.attempts, last_error: outcome.error, failed_at: new Date(now).toISOString() }]);
      } else {
        await this.producer.addTimerRows([retryTimer({ ...item, attempt: row.attempts, maxAttempts: row.max_attempts, jobKey: row.job_key }, outcome.error, now)], trx);
      }
    });
  }

  private async heartbeatAndSweep(): Promise<void> {
    const now = Date.now();
    await workRepo.heartbeat(this.store.db, this.workerId, [this.workerId], realIso(now));
    const before = realIso(now - this.o.staleMs);
    const stale = (await workRepo.staleWorkers(this.store.db, before)).filter((w) => w.id !== this.workerId);
    const n = await inTransaction(this.store, async (trx) => {
      const unlocked = stale.length ? await workRepo.unlockItems(trx, stale.flatMap((w) => w.lockIds)) : 0;
      await workRepo.removeWorkers(trx, stale.map((w) => w.id));
      return unlocked + (await workRepo.unlockOrphans(trx, before));
    });
    if (!n && !stale.length) return;
    this.log.info({ workers: stale.map((w) => w.id), items: n }, 'runner: released the locks of stopped runners');
    if (n) this.wake();
  }
}

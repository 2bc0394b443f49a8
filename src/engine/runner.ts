// The embedded durable runner: work items live in the store (work_items), so a killed process
// resumes them on restart. Due time is virtual (clock service); advancing the clock wakes it.
// Delivery is at least once: handlers must be idempotent (graphile-worker's rule).
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';
import type { Database, WorkItemsTable } from '../store/schema.js';
import type { EnqueueOptions, TaskList, WorkQueue } from './queue.js';

export interface RunnerOptions { concurrency?: number; pollMs?: number; workerId?: string }

export function makeEmbeddedQueue(store: Store, clock: Clock, log: Logger, tasks: TaskList, opts: RunnerOptions = {}): WorkQueue & { tasks: TaskList } {
  const concurrency = opts.concurrency ?? 4;
  const pollMs = opts.pollMs ?? 1000;
  const workerId = opts.workerId ?? `embedded-${process.pid}-${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  let running = 0;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let repump = false;
  const idleWaiters: (() => void)[] = [];

  const queue: WorkQueue & { tasks: TaskList } = {
    tasks,
    async enqueue(task, payload, o: EnqueueOptions = {}, trx?: Kysely<Database> | Transaction<Database>) {
      if (!tasks[task]) throw new Error(`unknown task '${task}'`);
      const db = trx ?? store.db;
      const now = clock.iso();
      const row = {
        id: randomUUID(),
        task,
        payload: JSON.stringify(payload),
        job_key: o.jobKey ?? null,
        run_at: (o.runAt ?? clock.now()).toISOString(),
        attempts: 0,
        max_attempts: o.maxAttempts ?? 25,
        locked_at: null,
        locked_by: null,
        last_error: null,
        failed_at: null,
        created_at: now,
      };
      if (o.jobKey) {
        // graphile-worker's job_key semantics: replace a pending item with the same key; a running one stays.
        const existing = await db.selectFrom('work_items').select(['id', 'locked_at']).where('job_key', '=', o.jobKey).executeTakeFirst();
        if (existing && existing.locked_at === null) {
          await db.updateTable('work_items').set({ task, payload: row.payload, run_at: row.run_at, attempts: 0, failed_at: null, last_error: null }).where('id', '=', existing.id).execute();
        } else if (existing) {
          await db.insertInto('work_items').values({ ...row, job_key: null }).execute();
        } else {
          await db.insertInto('work_items').values(row).execute();
        }
      } else {
        await db.insertInto('work_items').values(row).execute();
      }
      if (!trx) wake();
    },
    notify() {
      wake();
    },
    start() {
      if (started) return;
      started = true;
      clock.on('advance', wake);
      // Items locked by a process that died are ours to run again (embedded mode: one process per store).
      void store.db.updateTable('work_items').set({ locked_at: null, locked_by: null }).where('locked_at', 'is not', null).where('failed_at', 'is', null).execute().then(wake, (err) => log.error({ err }, 'runner: unlock failed'));
    },
    async stop() {
      started = false;
      clock.off('advance', wake);
      if (timer) clearTimeout(timer);
      abort.abort();
      while (running > 0) await new Promise((r) => setTimeout(r, 10));
    },
    async drain() {
      for (;;) {
        const item = await claim();
        if (!item) {
          if (running === 0) return;
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        await execute(item);
      }
    },
    idle() {
      if (!started) {
        // No worker in this process: idle as soon as nothing this process runs is in flight.
        return (async () => {
          while (running > 0) await new Promise((r) => setTimeout(r, 5));
        })();
      }
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake();
      });
    },
  };

  /** Called after a commit that enqueued work, and on clock advances. */
  function wake(): void {
    if (!started) return;
    if (pumping) {
      repump = true;
      return;
    }
    void pump();
  }

  async function pump(): Promise<void> {
    pumping = true;
    try {
      do {
        repump = false;
        while (started && running < concurrency) {
          const item = await claim();
          if (!item) break;
          running++;
          void execute(item).finally(() => {
            running--;
            wake();
          });
        }
      } while (repump);
      if (running === 0 && started) await scheduleNext();
    } catch (err) {
      log.error({ err }, 'runner: pump failed');
    } finally {
      pumping = false;
    }
  }

  async function scheduleNext(): Promise<void> {
    if (timer) clearTimeout(timer);
    const next = await store.db.selectFrom('work_items').select('run_at').where('failed_at', 'is', null).where('locked_at', 'is', null).orderBy('run_at').limit(1).executeTakeFirst();
    if (!next) {
      for (const w of idleWaiters.splice(0)) w();
      timer = setTimeout(wake, pollMs * 30);
      return;
    }
    const delay = clock.realDelayUntil(Date.parse(next.run_at));
    if (delay > 0) for (const w of idleWaiters.splice(0)) w();
    timer = setTimeout(wake, Math.min(Number.isFinite(delay) ? Math.max(delay, 1) : pollMs, pollMs * 30));
  }

  async function claim() {
    const now = clock.iso();
    for (let tries = 0; tries < 5; tries++) {
      const cand = await store.db.selectFrom('work_items').selectAll().where('failed_at', 'is', null).where('locked_at', 'is', null).where('run_at', '<=', now).orderBy('run_at').limit(1).executeTakeFirst();
      if (!cand) return undefined;
      const res = await store.db.updateTable('work_items').set({ locked_at: now, locked_by: workerId, attempts: cand.attempts + 1 }).where('id', '=', cand.id).where('locked_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) return { ...cand, attempts: cand.attempts + 1 };
    }
    return undefined;
  }

  async function execute(item: WorkItemsTable) {
    const handler = tasks[item.task];
    try {
      if (!handler) throw new Error(`no handler for task '${item.task}'`);
      await handler(JSON.parse(item.payload), { store, clock, log: log.child({ task: item.task, item: item.id }), queue, attempt: item.attempts, abortSignal: abort.signal });
      await store.db.deleteFrom('work_items').where('id', '=', item.id).where('locked_by', '=', workerId).execute();
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const permanent = item.attempts >= item.max_attempts;
      // Exponential back-off in virtual time, like graphile-worker: exp(min(attempts, 10)) seconds.
      const backoffMs = Math.round(Math.exp(Math.min(item.attempts, 10)) * 1000);
      log.warn({ task: item.task, item: item.id, attempt: item.attempts, err: message, permanent }, 'work item failed');
      await store.db.updateTable('work_items').set({
        locked_at: null,
        locked_by: null,
        last_error: message.slice(0, 2000),
        run_at: new Date(clock.nowMs() + backoffMs).toISOString(),
        failed_at: permanent ? clock.iso() : null,
      }).where('id', '=', item.id).execute();
    }
  }

  return queue;
}

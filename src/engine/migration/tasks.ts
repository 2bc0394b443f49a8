// Durable tasks of a migration (payloads carry ids only; every handler re-reads state and does nothing
// when the job or the move has moved on, so at-least-once delivery is harmless):
//   migration.start      processing → inProgress: first-failure re-validation, moves created, slots granted
//   exchange.sync        one chunk of a mailbox's initial sync, then the next (paced in clock time)
//   exchange.incremental an incremental pass every IncrementalSyncInterval until cutover
//   migration.cutover    at max(sync done, completeAfterDateTime): inProgress → cuttingOver, finalize each mailbox
//   exchange.finalize    final pass, reconciliation and Data Consistency Score, conversion of both recipients
//   migration.approve    skipped items approved: the waiting mailboxes finalize
//   workload.move        ODSP / Teams / Meeting after the cutover, chunk by chunk
import { PermanentError, type TaskHelpers, type TaskList } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo, type Move } from '../../store/migrationRepo.js';
import type { Workload } from '../../domain/enums.js';
import type { MigrationJob } from '../../domain/job.js';
import { consistencyScore, type MovePhase } from '../../domain/moveStatus.js';
import { nextChunkAt } from './pacing.js';
import {
  commitJob, failMove, fillSlots, PermanentMoveError, finishIfDone, isMigrating, isPermanent, MOVE_MAX_ATTEMPTS, publishUsers, StaleMoveError,
  finalizeWith, startAfterCutover, throughput, userMove, type MigrationDeps, type Trx,
} from './orchestrator.js';
import type { ChunkResult, MovedWorkload, SkippedItem, UserMove } from './workload.js';

interface JobRef { jobId: string; opSeq?: number }
interface MoveRef { jobId: string; userId: string; workload?: Workload }

function jobRef(p: unknown): JobRef {
  const o = p as Partial<JobRef> | null;
  if (!o || typeof o.jobId !== 'string') throw new PermanentError('invalid migration payload');
  return o as JobRef;
}
function moveRef(p: unknown): MoveRef {
  const o = p as Partial<MoveRef> | null;
  if (!o || typeof o.jobId !== 'string' || typeof o.userId !== 'string') throw new PermanentError('invalid move payload');
  return o as MoveRef;
}

const mergeSkipped = (a: SkippedItem[], b: SkippedItem[]): SkippedItem[] => {
  const seen = new Set(a.map((s) => s.sourceItemId));
  return [...a, ...b.filter((s) => !seen.has(s.sourceItemId))];
};

export function migrationTasks(deps: MigrationDeps): TaskList {
  const { clock } = deps;

  /** Loads job + move; undefined when either is gone or the job no longer migrates. */
  async function load(h: TaskHelpers, p: MoveRef, workload: Workload): Promise<{ job: MigrationJob; move: Move } | undefined> {
    const job = await jobsRepo.byIdAnyTenant(h.store.db, p.jobId);
    if (!job || !isMigrating(job)) return undefined;
    const move = await migrationRepo.get(h.store.db, p.jobId, p.userId, workload);
    return move ? { job, move } : undefined;
  }

  /** Runs a step of a move; a permanent error or the last attempt fails the move instead of retrying. */
  async function guarded(h: TaskHelpers, job: MigrationJob, move: Move, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      if (e instanceof StaleMoveError) return;
      const last = h.attempt >= MOVE_MAX_ATTEMPTS;
      if (!isPermanent(e) && !last) throw e;
      const err = e as Error & { code?: string };
      const [code, message] = isPermanent(e)
        ? [err.code ?? 'MIGR-003', err.message]
        : move.workload === 'Exchange' ? ['EXCH-15', `Max retry for user with id ${move.userId} reached.`] : ['MIGR-003', `User [${move.userId}] migration failed. Please retry user migration.`];
      h.log.warn({ job: job.id, user: move.userId, workload: move.workload, err: err.message, permanent: isPermanent(e) }, 'move failed');
      await h.store.db.transaction().execute((trx) => failMove(trx, job, move, code, message, clock.iso()));
    }
  }

  /** The chunk's commit hook: progress and cursor commit with the rows, only while the move is still in `phase`. */
  const onChunk = (move: Move, phase: MovePhase, extra?: (trx: Trx, r: ChunkResult) => Promise<void>) => async (trx: Trx, r: ChunkResult) => {
    const cur = await migrationRepo.get(trx, move.jobId, move.userId, move.workload);
    if (!cur || cur.phase !== phase) throw new StaleMoveError();
    await migrationRepo.addProgress(trx, move, r.items, r.bytes, r.cursor, clock.iso());
    if (r.skipped.length > 0) await migrationRepo.update(trx, move, { skipped: mergeSkipped(cur.skipped, r.skipped) });
    if (extra) await extra(trx, r);
  };

  /** Mid-move faults due after `passes` sync passes change the source; one that stops the move fails it. */
  async function midMoveFaults(h: TaskHelpers, um: UserMove, passes: number): Promise<void> {
    const err = await deps.faults?.afterPass(um, 'Exchange', passes, h);
    if (err) throw new PermanentMoveError(err.code, err.message);
  }

  async function scheduleAfterSync(trx: Trx, h: TaskHelpers, job: MigrationJob, userId: string): Promise<void> {
    const now = clock.nowMs();
    const cutoverAt = Date.parse(job.completeAfterDateTime);
    if (now >= cutoverAt) {
      await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}` }, trx);
    } else if (now + deps.config.incrementalSyncIntervalMs < cutoverAt) {
      await h.queue.enqueue('exchange.incremental', { jobId: job.id, userId }, { jobKey: `xinc:${job.id}:${userId}`, runAt: new Date(now + deps.config.incrementalSyncIntervalMs), maxAttempts: MOVE_MAX_ATTEMPTS }, trx);
    }
  }

  return {
    'migration.start': async (payload, h) => {
      const p = jobRef(payload);
      const job = await jobsRepo.byIdAnyTenant(h.store.db, p.jobId);
      if (!job || job.opSeq !== p.opSeq || job.status !== 'processing') return;
      const db = h.store.db;
      const tasks = (await jobsRepo.tasks(db, job.id)).filter((t) => !t.cancelled);
      const done = new Set((await migrationRepo.ofJob(db, job.id)).filter((m) => m.phase === 'completed').map((m) => `${m.userId}|${m.workload}`));
      const todo = tasks.filter((t) => job.workloads.some((w) => !done.has(`${t.id}|${w}`)));
      // Migrate re-runs the checks but reports only the first failure; a user failing them fails alone.
      const results = todo.length ? await deps.validate(h.store, job, todo.map((t) => t.id), { nowMs: clock.nowMs(), mode: 'firstFailure' }) : new Map();
      const sources = await migrationRepo.sourceUsers(db, job.tenantId, job.sourceTenantId, todo.map((t) => t.id));
      const nowIso = clock.iso();
      const rows: Parameters<typeof migrationRepo.startMoves>[1] = [];
      for (const t of todo) {
        const fail = (results.get(t.id) ?? []).find((s: { service: Workload; status: string; errors: unknown[] }) => (s.status === 'invalid' || s.status === 'error') && !done.has(`${t.id}|${s.service}`));
        const err = fail?.errors[0] ?? (fail ? { code: 'CTM-103', message: 'Internal error.' } : undefined);
        const sourceUserId = sources.get(t.id) ?? null;
        for (const w of job.workloads) {
          if (done.has(`${t.id}|${w}`)) continue;
          const noMapping = !err && !sourceUserId;
          const phase: MovePhase = err || noMapping ? 'failed' : w === 'Exchange' ? 'queued' : 'waiting';
          rows.push({
            jobId: job.id, userId: t.id, workload: w, tenantId: job.tenantId, sourceTenantId: job.sourceTenantId, sourceUserId, phase, nowIso,
            errorCode: err?.code ?? (noMapping ? 'CTM-100' : null), errorMessage: err?.message ?? (noMapping ? 'User migration validation failed. User identity mapping not found.' : null),
          });
        }
      }
      await db.transaction().execute(async (trx) => {
        await jobsRepo.lock(trx, job.id);
        const started = await commitJob(trx, job, { type: 'migrationStarted' }, nowIso);
        if (!started) return;
        await migrationRepo.startMoves(trx, rows);
        await fillSlots(trx, h.queue, deps, job.tenantId, nowIso);
        await publishUsers(trx, started, todo.map((t) => t.id), nowIso);
        await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(Math.max(clock.nowMs(), Date.parse(job.completeAfterDateTime))) }, trx);
        await finishIfDone(trx, job.id, nowIso);
      });
      h.queue.notify();
    },

    'exchange.sync': async (payload, h) => {
      const p = moveRef(payload);
      const ctx = await load(h, p, 'Exchange');
      if (!ctx || ctx.move.phase !== 'syncing') return;
      const { job, move } = ctx;
      const mover = deps.movers.Exchange!;
      await guarded(h, job, move, async () => {
        const um = userMove(job, move);
        if (move.passes === 0 && move.itemsDone === 0 && move.cursor === null) {
          const totals = await mover.totals(um, h);
          await migrationRepo.update(h.store.db, move, { itemsTotal: totals.items, bytesTotal: totals.bytes }, ['syncing']);
        }
        await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: `sync:${move.cursor ?? ''}` });
        const t = throughput(deps, 'Exchange');
        const factor = (await deps.faults?.throughputFactor(um, 'Exchange', h)) ?? 1;
        const result = await mover.copyChunk(um, move.cursor, t.chunkItems, h, onChunk(move, 'syncing', async (trx, r) => {
          const nowIso = clock.iso();
          if (r.cursor !== null) {
            await h.queue.enqueue('exchange.sync', p as unknown as Record<string, unknown>, { jobKey: `xsync:${job.id}:${move.userId}`, runAt: nextChunkAt(clock, t, r.items, r.bytes, factor), maxAttempts: MOVE_MAX_ATTEMPTS }, trx);
            await publishUsers(trx, job, [move.userId], nowIso);
            return;
          }
          // Initial sync done: synced; the slot goes to the next queued mailbox of the tenant.
          await migrationRepo.update(trx, move, { phase: 'synced', passes: 1, syncDoneAt: nowIso, lastSyncAt: nowIso, updatedAt: nowIso }, ['syncing']);
          await publishUsers(trx, job, [move.userId], nowIso);
          await fillSlots(trx, h.queue, deps, job.tenantId, nowIso);
          await scheduleAfterSync(trx, h, job, move.userId);
        }));
        if (result.cursor === null) await midMoveFaults(h, um, 1);
      });
      h.queue.notify();
    },

    'exchange.incremental': async (payload, h) => {
      const p = moveRef(payload);
      const ctx = await load(h, p, 'Exchange');
      if (!ctx || ctx.move.phase !== 'synced' || ctx.job.status !== 'inProgress') return;
      const { job, move } = ctx;
      if (clock.nowMs() >= Date.parse(job.completeAfterDateTime)) return; // the cutover makes the final pass
      await guarded(h, job, move, async () => {
        const um = userMove(job, move);
        await midMoveFaults(h, um, move.passes);
        await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: `pass:${move.passes + 1}` });
        await deps.movers.Exchange!.syncDelta!(um, h, onChunk(move, 'synced', async (trx, r) => {
          const nowIso = clock.iso();
          await migrationRepo.update(trx, move, { passes: move.passes + 1, lastSyncAt: nowIso, itemsTotal: move.itemsTotal + r.items, bytesTotal: move.bytesTotal + r.bytes, updatedAt: nowIso });
          await publishUsers(trx, job, [move.userId], nowIso);
          await scheduleAfterSync(trx, h, job, move.userId);
        }));
        await midMoveFaults(h, um, move.passes + 1);
      });
      h.queue.notify();
    },

    'migration.cutover': async (payload, h) => {
      const p = jobRef(payload);
      const db = h.store.db;
      const job = await jobsRepo.byIdAnyTenant(db, p.jobId);
      if (!job || (job.status !== 'inProgress' && job.status !== 'cuttingOver')) return;
      const at = Date.parse(job.completeAfterDateTime);
      if (clock.nowMs() < at) {
        // completeAfterDateTime moved later: wait for it (PATCH re-enqueues when it moves earlier).
        await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(at) });
        return;
      }
      const moves = await migrationRepo.ofJob(db, job.id);
      const active = new Set((await jobsRepo.tasks(db, job.id)).filter((t) => !t.cancelled).map((t) => t.id));
      const mine = moves.filter((m) => active.has(m.userId));
      // Cutover waits for every initial sync: max(sync done, completeAfterDateTime).
      if (mine.some((m) => m.workload === 'Exchange' && (m.phase === 'queued' || m.phase === 'syncing'))) return;
      const nowIso = clock.iso();
      await db.transaction().execute(async (trx) => {
        await jobsRepo.lock(trx, job.id);
        const cur = (await jobsRepo.byIdAnyTenant(trx, job.id))!;
        const next = cur.status === 'inProgress' ? await commitJob(trx, cur, { type: 'cutoverStarted' }, nowIso) : cur;
        if (!next || next.status !== 'cuttingOver') return;
        for (const m of mine) {
          if (m.workload === 'Exchange' && m.phase === 'synced') {
            await h.queue.enqueue('exchange.finalize', { jobId: job.id, userId: m.userId }, { jobKey: `xfin:${job.id}:${m.userId}`, maxAttempts: MOVE_MAX_ATTEMPTS }, trx);
          }
        }
        if (!job.workloads.includes('Exchange')) {
          for (const u of active) await startAfterCutover(trx, h.queue, next, u, nowIso);
          await publishUsers(trx, next, [...active], nowIso);
        }
        await finishIfDone(trx, job.id, nowIso);
      });
      h.queue.notify();
    },

    'exchange.finalize': async (payload, h) => {
      const p = moveRef(payload);
      const ctx = await load(h, p, 'Exchange');
      if (!ctx || ctx.job.status !== 'cuttingOver' || (ctx.move.phase !== 'synced' && ctx.move.phase !== 'finalizing')) return;
      const { job } = ctx;
      let move = ctx.move;
      const mover = deps.movers.Exchange!;
      const um = userMove(job, move);
      await guarded(h, job, move, async () => {
        if (move.phase === 'synced') {
          await h.store.db.transaction().execute(async (trx) => {
            if (!(await migrationRepo.update(trx, move, { phase: 'finalizing', updatedAt: clock.iso() }, ['synced']))) throw new StaleMoveError();
            await publishUsers(trx, job, [move.userId], clock.iso());
          });
          move = { ...move, phase: 'finalizing' };
        }
        await midMoveFaults(h, um, move.passes);
        await deps.faults?.beforeChunk(um, 'Exchange', { store: h.store, clock, attempt: h.attempt, step: 'final' });
        // Final incremental pass, then source against target while both still exist.
        await mover.syncDelta!(um, h, onChunk(move, 'finalizing', async (trx, r) => {
          await migrationRepo.update(trx, move, { passes: move.passes + 1, lastSyncAt: clock.iso(), itemsTotal: move.itemsTotal + r.items, bytesTotal: move.bytesTotal + r.bytes });
        }));
        const rec = await mover.reconcile(um, h);
        const cur = (await migrationRepo.get(h.store.db, job.id, move.userId, 'Exchange'))!;
        const skipped = mergeSkipped(cur.skipped, rec.skipped);
        const score = consistencyScore(rec.sourceCount, rec.targetCount, skipped.length);
        const nowIso = clock.iso();
        if (score === 'Poor') {
          await h.store.db.transaction().execute(async (trx) => {
            await migrationRepo.update(trx, move, { sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped });
            await failMove(trx, job, cur, 'DataConsistencyScorePoor', `The Data Consistency Score is Poor: ${skipped.length} of ${rec.sourceCount} items were skipped or are missing in the target. The move can't be completed.`, nowIso);
          });
          return;
        }
        if (score === 'Investigate' && !cur.skippedApproved) {
          // Skipped items wait for an admin's approval (Set-MigrationUser -ApproveSkippedItems): adminActionRequired.
          await h.store.db.transaction().execute(async (trx) => {
            if (!(await migrationRepo.update(trx, move, { phase: 'awaitingApproval', sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped, updatedAt: nowIso }, ['finalizing']))) return;
            await publishUsers(trx, job, [move.userId], nowIso);
            await jobsRepo.lock(trx, job.id);
            const j = (await jobsRepo.byIdAnyTenant(trx, job.id))!;
            const waiting = (await migrationRepo.ofJob(trx, job.id)).filter((m) => m.phase === 'awaitingApproval').length;
            if (j.status === 'cuttingOver') await commitJob(trx, j, { type: 'adminActionRequired', users: waiting }, nowIso);
          });
          return;
        }
        await finalizeWith(mover, um, h, async (trx) => {
          if (!(await migrationRepo.update(trx, move, { phase: 'completed', sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped, updatedAt: nowIso }, ['finalizing']))) throw new StaleMoveError();
          await startAfterCutover(trx, h.queue, job, move.userId, nowIso);
          await publishUsers(trx, job, [move.userId], nowIso);
          await finishIfDone(trx, job.id, nowIso);
        });
      });
      h.queue.notify();
    },

    'migration.approve': async (payload, h) => {
      const p = jobRef(payload);
      const db = h.store.db;
      const job = await jobsRepo.byIdAnyTenant(db, p.jobId);
      if (!job || job.status !== 'adminActionRequired') return;
      const nowIso = clock.iso();
      await db.transaction().execute(async (trx) => {
        await jobsRepo.lock(trx, job.id);
        const next = await commitJob(trx, job, { type: 'adminActionResolved', cuttingOver: true }, nowIso);
        if (!next) return;
        const waiting = (await migrationRepo.ofJob(trx, job.id)).filter((m) => m.phase === 'awaitingApproval');
        for (const m of waiting) {
          await migrationRepo.update(trx, m, { phase: 'synced', skippedApproved: true, updatedAt: nowIso }, ['awaitingApproval']);
          await h.queue.enqueue('exchange.finalize', { jobId: job.id, userId: m.userId }, { jobKey: `xfin:${job.id}:${m.userId}`, maxAttempts: MOVE_MAX_ATTEMPTS }, trx);
        }
        await publishUsers(trx, next, waiting.map((m) => m.userId), nowIso);
      });
      h.queue.notify();
    },

    'workload.move': async (payload, h) => {
      const p = moveRef(payload);
      const w = p.workload as MovedWorkload | undefined;
      if (w !== 'ODSP' && w !== 'Teams' && w !== 'Meeting') throw new PermanentError('invalid workload.move payload');
      const ctx = await load(h, p, w);
      if (!ctx || ctx.move.phase !== 'moving') return;
      const { job, move } = ctx;
      const mover = deps.movers[w];
      if (!mover) {
        await h.store.db.transaction().execute((trx) => failMove(trx, job, move, 'WorkloadUnavailable', `The ${w} workload can't be migrated by this version of xtm.`, clock.iso()));
        return;
      }
      const um = userMove(job, move);
      await guarded(h, job, move, async () => {
        if (move.passes === 0) {
          const totals = await mover.totals(um, h);
          await migrationRepo.update(h.store.db, move, { itemsTotal: totals.items, bytesTotal: totals.bytes, passes: 1 }, ['moving']);
        }
        await deps.faults?.beforeChunk(um, w, { store: h.store, clock, attempt: h.attempt, step: `move:${move.cursor ?? ''}` });
        const t = throughput(deps, w);
        const factor = (await deps.faults?.throughputFactor(um, w, h)) ?? 1;
        const r = await mover.copyChunk(um, move.cursor, t.chunkItems, h, onChunk(move, 'moving', async (trx, res) => {
          if (res.cursor !== null) {
            await h.queue.enqueue('workload.move', p as unknown as Record<string, unknown>, { jobKey: `wmove:${job.id}:${move.userId}:${w}`, runAt: nextChunkAt(clock, t, res.items, res.bytes, factor), maxAttempts: MOVE_MAX_ATTEMPTS }, trx);
          }
          await publishUsers(trx, job, [move.userId], clock.iso());
        }));
        if (r.cursor !== null) return;
        const rec = await mover.reconcile(um, h);
        const cur = (await migrationRepo.get(h.store.db, job.id, move.userId, w))!;
        const skipped = mergeSkipped(cur.skipped, rec.skipped);
        const score = consistencyScore(rec.sourceCount, rec.targetCount, skipped.length);
        const nowIso = clock.iso();
        await finalizeWith(mover, um, h, async (trx) => {
          const failed = rec.outcome === 'failed';
          const patch = failed
            ? { phase: 'failed' as const, errorCode: rec.errors?.[0]?.code ?? 'MIGR-003', errorMessage: rec.message ?? rec.errors?.[0]?.message ?? '' }
            : { phase: 'completed' as const, errorCode: null, errorMessage: rec.message ?? null };
          if (!(await migrationRepo.update(trx, move, { ...patch, sourceCount: rec.sourceCount, targetCount: rec.targetCount, consistency: score, skipped, updatedAt: nowIso }, ['moving']))) throw new StaleMoveError();
          await publishUsers(trx, job, [move.userId], nowIso);
          await finishIfDone(trx, job.id, nowIso);
        });
      });
      h.queue.notify();
    },
  };
}

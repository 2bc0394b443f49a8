// What the migration tasks (engine/tasks/*) share: payload checks, loading a move, running a step with
// the retry/fail policy, the chunk commit hook, mid-move faults and what follows a sync pass. Payloads
// carry ids only; every handler re-reads state and does nothing when the job or the move has moved on,
// so at-least-once delivery is harmless.
import { isPermanentError, PermanentError, type TaskHelpers } from '../queue.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo, type Move } from '../../store/migrationRepo.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import type { Workload } from '../../domain/enums.js';
import type { JobHead } from '../../domain/job.js';
import type { MovePhase } from '../../domain/movePhases.js';
import { isMigrating } from '../../domain/jobStateMachine.js';
import { failMove, MOVE_MAX_ATTEMPTS, PermanentMoveError, StaleMoveError, type MigrationDeps } from './orchestrator.js';
import type { ChunkResult, SkippedItem, UserMove } from './workload.js';

export interface JobRef { jobId: string; opSeq?: number }
export interface MoveRef { jobId: string; userId: string; workload?: Workload }

export function jobRef(p: unknown): JobRef {
  const o = p as Partial<JobRef> | null;
  if (!o || typeof o.jobId !== 'string') throw new PermanentError('invalid migration payload');
  return o as JobRef;
}

export function moveRef(p: unknown): MoveRef {
  const o = p as Partial<MoveRef> | null;
  if (!o || typeof o.jobId !== 'string' || typeof o.userId !== 'string') throw new PermanentError('invalid move payload');
  return o as MoveRef;
}

export const mergeSkipped = (a: SkippedItem[], b: SkippedItem[]): SkippedItem[] => {
  const seen = new Set(a.map((s) => s.sourceItemId));
  return [...a, ...b.filter((s) => !seen.has(s.sourceItemId))];
};

export function moveSteps(deps: MigrationDeps) {
  const { clock } = deps;

  /** Loads job + move; undefined when either is gone or the job no longer migrates. */
  async function load(h: TaskHelpers, p: MoveRef, workload: Workload): Promise<{ job: JobHead; move: Move } | undefined> {
    const job = await jobsRepo.headById(h.store.db, p.jobId);
    if (!job || !isMigrating(job)) return undefined;
    const move = await migrationRepo.get(h.store.db, p.jobId, p.userId, workload);
    return move ? { job, move } : undefined;
  }

  /** Runs a step of a move; a permanent error or the last attempt fails the move instead of retrying. */
  async function guarded(h: TaskHelpers, job: JobHead, move: Move, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (e) {
      if (e instanceof StaleMoveError) return;
      const permanent = isPermanentError(e);
      const last = h.attempt >= MOVE_MAX_ATTEMPTS;
      if (!permanent && !last) throw e;
      const err = e as Error & { code?: string };
      const [code, message] = permanent
        ? [err.code ?? 'MIGR-003', err.message]
        : move.workload === 'Exchange' ? ['EXCH-15', `Max retry for user with id ${move.userId} reached.`] : ['MIGR-003', `User [${move.userId}] migration failed. Please retry user migration.`];
      h.log.warn({ job: job.id, user: move.userId, workload: move.workload, err: err.message, permanent }, 'move failed');
      await inTransaction(h.store, (tx) => failMove(tx, job, move, code, message, clock.iso()));
    }
  }

  /**
   * The chunk's commit hook: progress and cursor commit with the rows, only while the move is still in
   * `phase` (checked by the update itself: the chunk's rows roll back when it has moved on).
   */
  const onChunk = (move: Move, phase: MovePhase, extra?: (tx: Tx, r: ChunkResult) => Promise<void>) => async (tx: Tx, r: ChunkResult) => {
    if (!(await migrationRepo.addProgress(tx, move, phase, r.items, r.bytes, r.cursor, clock.iso()))) throw new StaleMoveError();
    if (r.skipped.length > 0) {
      const cur = (await migrationRepo.get(tx, move.jobId, move.userId, move.workload))!;
      await migrationRepo.patch(tx, move, { skipped: mergeSkipped(cur.skipped, r.skipped) });
    }
    if (extra) await extra(tx, r);
  };

  /** Mid-move faults due after `passes` sync passes change the source; one that stops the move fails it. */
  async function midMoveFaults(h: TaskHelpers, um: UserMove, passes: number): Promise<void> {
    const err = await deps.faults?.afterPass(um, 'Exchange', passes, h);
    if (err) throw new PermanentMoveError(err.code, err.message);
  }

  /**
   * After a sync pass: the next incremental pass when it comes before the cutover; and once no initial sync
   * of the job is left, the cutover check (at completeAfterDateTime, or now when that has passed). The
   * check defers to syncs still running, so the last one must ask: decided under the job's cutover lock,
   * which the check takes too, and not on this process's clock, which can lag the one that moved past
   * completeAfterDateTime (an `xtm worker` follows the persisted clock every 250 ms; a job whose last sync
   * ended there in that window never cut over: test/service/chaos.postgres.test.ts).
   */
  async function scheduleAfterSync(tx: Tx, h: TaskHelpers, job: JobHead, userId: string): Promise<void> {
    const now = clock.nowMs();
    const cutoverAt = Date.parse(job.completeAfterDateTime);
    if (now + deps.config.incrementalSyncIntervalMs < cutoverAt) {
      await h.queue.enqueue('exchange.incremental', { jobId: job.id, userId }, { jobKey: `xinc:${job.id}:${userId}`, runAt: new Date(now + deps.config.incrementalSyncIntervalMs), maxAttempts: MOVE_MAX_ATTEMPTS }, tx);
    }
    if (await migrationRepo.holdActiveSync(tx, job.id, userId)) return; // that sync's end decides, after this commit
    await migrationRepo.lockCutoverDecision(tx, job.id);
    if (await migrationRepo.anyActiveIn(tx, job.id, ['queued', 'syncing'], 'Exchange')) return;
    await h.queue.enqueue('migration.cutover', { jobId: job.id }, { jobKey: `cutover:${job.id}`, runAt: new Date(Math.max(now, cutoverAt)) }, tx);
  }

  return { load, guarded, onChunk, midMoveFaults, scheduleAfterSync };
}

// The migration orchestrator's shared steps: which moves a job has, what the per-user statuses read,
// when the job is done, move slots per tenant, and the start of the workloads that wait for cutover.
// Every step runs inside the caller's transaction, so state and the work that continues it commit together.
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import type { Store } from '../../store/db.js';
import { atGroupEnd, inTransaction, type Tx } from '../../store/unitOfWork.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { migrationRepo, type Move } from '../../store/migrationRepo.js';
import type { JobHead, ServiceStatusDetails } from '../../domain/job.js';
import type { Workload } from '../../domain/enums.js';
import { isMigrating } from '../../domain/jobStateMachine.js';
import { commitJob } from '../jobs/commitJob.js';
import { AFTER_CUTOVER, moveMessage, userOutcome, type ConsistencyScore } from '../../domain/moveStatus.js';
import { moveStatus, SLOT_PHASES } from '../../domain/movePhases.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { PermanentError, type EnqueueSpec, type WorkQueue } from '../queue.js';
import type { MoverRegistry } from './movers.js';
import { throughputFor, type Throughput } from './pacing.js';
import type { MovedWorkload, UserMove } from './workload.js';

/** Faults to rehearse (transient, permanent, slow…): consulted before every chunk and pass of a move. */
export interface MoveFaults {
  /**
   * Throws a PermanentMoveError (the move fails) or another error (this attempt fails and is retried). `step`
   * names the chunk or pass. Answers the throughput factor (slow throughput: the pacing's items and bytes per
   * hour are multiplied by it; 1 = normal), from the same read of the user's faults.
   */
  beforeChunk(move: UserMove, workload: MovedWorkload, h: { store: Store; clock: Clock; attempt: number; step: string }): Promise<number>;
  /** After `completedPasses` sync passes: fires due mid-move faults; an error stops the move. */
  afterPass(move: UserMove, workload: MovedWorkload, completedPasses: number, h: { store: Store; clock: Clock }): Promise<{ code: string; message: string } | null>;
}

export interface MigrationDeps {
  config: XtmConfig;
  clock: Clock;
  validate: ValidationExecutor;
  movers: MoverRegistry;
  faults?: MoveFaults;
}

/** Work item attempts before a move fails with EXCH-15 "Max retry … reached" (backoff in clock time between them). */
export const MOVE_MAX_ATTEMPTS = 6;

/** An error a move can't recover from by retrying (also thrown by fault injection), with the code the user's status shows. */
export class PermanentMoveError extends PermanentError {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** Thrown inside a chunk's transaction when the move left the phase the chunk was copying for (cancel): nothing commits. */
export class StaleMoveError extends Error {
  constructor() {
    super('the move changed phase while a chunk was copying');
    this.name = 'StaleMoveError';
  }
}

export function throughput(deps: MigrationDeps, w: MovedWorkload): Throughput {
  return throughputFor(w, deps.config.migrationThroughput as never);
}

export function userMove(job: JobHead, m: Move): UserMove {
  return {
    jobId: job.id, taskId: m.userId, targetUserId: m.userId, sourceTenantId: job.sourceTenantId, targetTenantId: job.tenantId, sourceUserId: m.sourceUserId ?? '',
    ...(job.exchangeSettings ? { targetDeliveryDomain: job.exchangeSettings.targetDeliveryDomain } : {}),
  };
}

export function renderMove(m: Move): ServiceStatusDetails {
  const failed = m.phase === 'failed';
  return {
    service: m.workload,
    status: moveStatus(m.workload, m.phase),
    message: failed || (m.phase === 'completed' && m.errorMessage) ? (m.errorMessage ?? '') : moveMessage(m.workload, m.phase, {
      itemsDone: m.itemsDone, itemsTotal: m.itemsTotal, bytesDone: m.bytesDone, bytesTotal: m.bytesTotal, skipped: m.skipped.length, consistency: m.consistency as ConsistencyScore | null,
    }),
    errors: failed && m.errorCode ? [{ code: m.errorCode, message: m.errorMessage ?? '' }] : [],
  };
}

/**
 * Rebuilds the users' currentStatus from their moves. The task rows are locked before the moves are read:
 * several workloads' transactions publish one user, and on PostgreSQL a transaction that read the moves
 * before waiting for the lock would write its older view of another workload's move over a newer one
 * (Teams `completed`, then `inProgress` again: found by test/service/chaos.postgres.test.ts).
 */
export async function publishUsers(trx: Tx, job: JobHead, userIds: readonly string[], nowIso: string): Promise<void> {
  if (userIds.length === 0) return;
  // In a group commit, once for every user the group's items touched (their moves as the group leaves them).
  const later = atGroupEnd(trx, `publish:${job.id}`, () => ({ users: new Set<string>(), nowIso }), (tx, p) => publishNow(tx, job.id, [...p.users], p.nowIso));
  if (!later) return publishNow(trx, job.id, userIds, nowIso);
  for (const id of userIds) later.users.add(id);
  later.nowIso = nowIso;
}

async function publishNow(trx: Tx, jobId: string, userIds: readonly string[], nowIso: string): Promise<void> {
  const tasks = await jobsRepo.lockedTasks(trx, jobId, userIds);
  const moves = tasks.length === 1 ? await migrationRepo.ofUser(trx, jobId, tasks[0]!.id) : await migrationRepo.ofUsers(trx, jobId, tasks.map((t) => t.id));
  const byUser = new Map<string, Move[]>();
  for (const m of moves) {
    const list = byUser.get(m.userId) ?? [];
    list.push(m);
    byUser.set(m.userId, list);
  }
  const updates = tasks.map((task) => {
    const mine = byUser.get(task.id) ?? [];
    return { id: task.id, currentStatus: task.currentStatus.map((s) => { const m = mine.find((x) => x.workload === s.service); return m ? renderMove(m) : s; }) };
  });
  await jobsRepo.saveTaskStatuses(trx, jobId, updates, nowIso);
}

/** Ends the job once every (not cancelled) user is completed or failed: completed / completedWithErrors / failed. */
export async function finishIfDone(trx: Tx, jobId: string, nowIso: string): Promise<void> {
  // In a group commit, asked once, when the group's moves are where its items leave them.
  const later = atGroupEnd(trx, `finish:${jobId}`, () => ({ nowIso }), (tx, p) => finishNow(tx, jobId, p.nowIso));
  if (!later) return finishNow(trx, jobId, nowIso);
  later.nowIso = nowIso;
}

async function finishNow(trx: Tx, jobId: string, nowIso: string): Promise<void> {
  // While some open move is not being changed by anyone else, the job is not done, and holding that move
  // hands the decision to its next change: the job's lock, which serialises every finishing workload of
  // every worker, is taken only at the end (PostgreSQL; see holdOpenMove).
  if (await migrationRepo.holdOpenMove(trx, jobId)) return;
  await jobsRepo.lock(trx, jobId);
  const job = await jobsRepo.byIdAnyTenant(trx, jobId);
  if (!job || !isMigrating(job) || job.status === 'processing') return;
  // Constant per event: an index seek says whether any active user still runs; the users are read once, at the end.
  if (await migrationRepo.anyActiveIn(trx, jobId)) return;
  let completed = 0;
  let failed = 0;
  for (const phases of (await migrationRepo.activePhasesByUser(trx, jobId)).values()) {
    const o = userOutcome(phases);
    if (o === 'running') return;
    if (o === 'completed') completed++;
    else if (o === 'failed') failed++;
  }
  await commitJob(trx, job, { type: 'migrationFinished', completedUsers: completed, failedUsers: failed }, nowIso);
}

/** Fails a move (and, for Exchange, the workloads of the user that can only start after its cutover). */
export async function failMove(trx: Tx, job: JobHead, m: Move, code: string, message: string, nowIso: string): Promise<void> {
  const ok = await migrationRepo.applyMoveEvent(trx, m, 'failed', { errorCode: code, errorMessage: message, updatedAt: nowIso });
  if (!ok) return;
  if (m.workload === 'Exchange') {
    for (const w of AFTER_CUTOVER) {
      const err = w === 'Meeting'
        ? { code: 'MMS-011', message: 'The user does not have a target mailbox.' }
        : { code: 'MIGR-003', message: `User [${m.userId}] migration failed. Please retry user migration.` };
      await migrationRepo.applyMoveEvent(trx, { jobId: m.jobId, userId: m.userId, workload: w }, 'sourceFailed', { errorCode: err.code, errorMessage: err.message, updatedAt: nowIso });
    }
  }
  await publishUsers(trx, job, [m.userId], nowIso);
  await finishIfDone(trx, job.id, nowIso);
}

/**
 * Grants free Exchange move slots of a tenant to queued moves (oldest first) and enqueues their sync.
 * `handOver`: slots the caller's transaction frees (a finished initial sync); each passes straight to a
 * queued move, so the number of syncing moves stays put and no other granting transaction is waited for.
 */
export async function fillSlots(trx: Tx, queue: WorkQueue, deps: MigrationDeps, tenantId: string, nowIso: string, handOver = 0): Promise<void> {
  const t = throughput(deps, 'Exchange');
  const grant = async (n: number) => {
    // PostgreSQL: queued moves another transaction is granting are skipped, not waited for.
    const syncs: EnqueueSpec[] = [];
    for (const m of await migrationRepo.queued(trx, tenantId, 'Exchange', n)) {
      if (await migrationRepo.applyMoveEvent(trx, m, 'slotGranted', { updatedAt: nowIso })) {
        syncs.push({ task: 'exchange.sync', payload: { jobId: m.jobId, userId: m.userId }, opts: { jobKey: `xsync:${m.jobId}:${m.userId}`, maxAttempts: MOVE_MAX_ATTEMPTS } });
      }
    }
    if (syncs.length > 0) await queue.enqueueMany(syncs, trx);
  };
  if (handOver > 0) await grant(handOver);
  // Slots free beyond those (a job starts, a move failed or was cancelled): counted by one transaction of the
  // tenant at a time (PostgreSQL), which counts again once it is its turn and so sees every grant committed
  // before it. A transaction that only hands its slot over never takes this lock while the tenant is at its
  // limit: the lock is held to its commit, and finished syncs queued on it for every queued mailbox.
  const spare = async () => t.perTenantConcurrency - (await migrationRepo.countInPhases(trx, tenantId, 'Exchange', SLOT_PHASES));
  if ((await spare()) <= 0 || !(await migrationRepo.anyQueued(trx, tenantId, 'Exchange'))) return;
  await migrationRepo.lockSlots(trx, tenantId, 'Exchange');
  const free = await spare();
  if (free > 0) await grant(free);
}

/** After the user's mailbox cutover (or at cutover when Exchange is not selected): ODSP, Teams and Meeting start. */
export async function startAfterCutover(trx: Tx, queue: WorkQueue, job: JobHead, userId: string, nowIso: string): Promise<void> {
  const moves: EnqueueSpec[] = [];
  for (const w of AFTER_CUTOVER as readonly Workload[]) {
    if (!job.workloads.includes(w)) continue;
    if (await migrationRepo.applyMoveEvent(trx, { jobId: job.id, userId, workload: w }, 'sourceReady', { updatedAt: nowIso })) {
      moves.push({ task: 'workload.move', payload: { jobId: job.id, userId, workload: w }, opts: { jobKey: `wmove:${job.id}:${userId}:${w}`, maxAttempts: MOVE_MAX_ATTEMPTS } });
    }
  }
  if (moves.length > 0) await queue.enqueueMany(moves, trx);
}

/**
 * Cancel before cutover: every move of `userIds` (all users when undefined) that has not completed
 * stops (phase cancelling first, so a chunk in flight can't commit after the rollback), its copied
 * content is removed from the target by its mover, then it is cancelled.
 */
export async function cancelMoves(store: Store, deps: MigrationDeps, job: JobHead, userIds: readonly string[] | undefined, h: { log: import('pino').Logger; queue: WorkQueue }): Promise<void> {
  const nowIso = deps.clock.iso();
  await inTransaction(store, (tx) => migrationRepo.applyMoveEventToJob(tx, job.id, 'cancelRequested', { updatedAt: nowIso }, userIds));
  // Every move still cancelling (also those a crash left there on an earlier attempt) is rolled back.
  const pick = (ms: Move[]) => ms.filter((m) => (!userIds || userIds.includes(m.userId)) && m.phase === 'cancelling');
  for (const m of pick(await migrationRepo.ofJob(store.db, job.id))) {
    const mover = deps.movers[m.workload];
    if (mover && m.sourceUserId) await mover.rollback(userMove(job, m), { store, clock: deps.clock, log: h.log });
    await inTransaction(store, (tx) => migrationRepo.applyMoveEvent(tx, m, 'rolledBack', { updatedAt: deps.clock.iso() }));
  }
  await inTransaction(store, (tx) => fillSlots(tx, h.queue, deps, job.tenantId, deps.clock.iso()));
}

/**
 * Runs a mover's finalize with `onCommit` inside its transaction; a mover that does not call onCommit
 * (finalize is idempotent by contract) gets it committed right after, in a transaction of its own.
 */
export async function finalizeWith(mover: import('./workload.js').WorkloadMover, um: UserMove, h: import('./workload.js').MoveHelpers, onCommit: (trx: Tx) => Promise<void>): Promise<void> {
  let called = false;
  await mover.finalize(um, h, async (trx) => {
    called = true;
    await onCommit(trx);
  });
  if (!called) await inTransaction(h.store, onCommit);
}

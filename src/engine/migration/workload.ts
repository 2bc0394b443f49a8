// The workload-mover port: what the migration orchestrator (engine/migration) asks of each workload
// (Exchange, ODSP, Teams, Meeting). Movers are set-based and idempotent: each chunk commits the copied
// rows, the source→target id map and (through onCommit) the orchestrator's cursor and progress in ONE
// transaction, so a process killed at any point resumes with every item present exactly once.
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { type Tx } from '../../store/unitOfWork.js';

export type MovedWorkload = 'Exchange' | 'ODSP' | 'Teams' | 'Meeting';

/** One user's move of one job. Ids only; movers read everything else from the store. */
export interface UserMove {
  jobId: string;
  /** migration_tasks.id: the target user's object id. */
  taskId: string;
  sourceTenantId: string;
  targetTenantId: string;
  sourceUserId: string;
  targetUserId: string;
  /** exchangeSettings.targetDeliveryDomain of the job, when Exchange is selected. */
  targetDeliveryDomain?: string;
}

export interface MoveHelpers {
  store: Store;
  clock: Clock;
  log: Logger;
  signal?: AbortSignal;
}

export interface SkippedItem {
  sourceItemId: string;
  reason: string;
}

export interface ChunkResult {
  /** Resume point committed with the chunk; null when this pass has nothing left to copy. */
  cursor: string | null;
  items: number;
  bytes: number;
  skipped: SkippedItem[];
}

/** Called inside the mover's chunk transaction so cursor and progress commit with the rows. */
export type OnChunkCommit = (trx: Tx, result: ChunkResult) => Promise<void>;

export interface Reconciliation {
  sourceCount: number;
  targetCount: number;
  skipped: SkippedItem[];
  /** A workload-specific verdict (e.g. Teams quality thresholds): failed with this message. Default: completed. */
  outcome?: 'completed' | 'failed';
  message?: string;
  errors?: { code: string; message: string }[];
}

export interface WorkloadMover {
  readonly workload: MovedWorkload;
  /** Items and bytes this user's move has to copy (for progress). */
  totals(move: UserMove, h: MoveHelpers): Promise<{ items: number; bytes: number }>;
  /**
   * Copies at most `limit` items after `cursor` in one transaction, keyed by source item so that a
   * chunk whose commit already landed copies nothing twice.
   */
  copyChunk(move: UserMove, cursor: string | null, limit: number, h: MoveHelpers, onCommit: OnChunkCommit): Promise<ChunkResult>;
  /** Source-side conversion once content has moved (mailbox→MailUser, redirect site, source thread edits). Idempotent, one transaction; `onCommit` runs inside it. */
  finalize(move: UserMove, h: MoveHelpers, onCommit?: (trx: Tx) => Promise<void>): Promise<void>;
  /** Source against target after the move, for the Data Consistency Score. */
  reconcile(move: UserMove, h: MoveHelpers): Promise<Reconciliation>;
  /** Removes everything this move copied into the target (cancel before cutover). Idempotent. */
  rollback(move: UserMove, h: MoveHelpers): Promise<void>;
  /**
   * Optional (Exchange): an incremental pass that copies items added and re-copies items changed in
   * the source since the last pass, and deletes in the target what the source deleted. One transaction.
   */
  syncDelta?(move: UserMove, h: MoveHelpers, onCommit: OnChunkCommit): Promise<ChunkResult & { changed: number; deleted: number }>;
}

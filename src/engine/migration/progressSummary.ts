// The compact progress summary of a job (xtm extension `xtm.progressSummary`, read by the console and
// `xtm jobs watch`): users by status, per-workload counts and totals, a rate, the users that need
// attention and the slowest moves. The figures are aggregates (store/progressSummaryRepo.ts); this
// file only names and orders them. The full per-user detail stays in `xtm.progress` and `/users`.
import type { Store } from '../../store/db.js';
import { progressSummaryRows } from '../../store/progressSummaryRepo.js';
import type { MigrationJob } from '../../domain/job.js';
import type { Workload } from '../../domain/enums.js';
import { worstScore, type ConsistencyScore } from '../../domain/moveStatus.js';
import type { MovePhase } from '../../domain/movePhases.js';

/** The workloads as the summary names them (the console's and CLI's column headers). */
export const SUMMARY_WORKLOAD: Record<Workload, string> = { Exchange: 'exchange', ODSP: 'oneDrive', Teams: 'teams', Meeting: 'meetings' };

/**
 * A user's overall status is the most pressing of its workloads' statuses, in this order: a user is
 * `completed` only when every workload is, `valid` only when none is invalid or still running.
 */
export const USER_STATUS_RANK = ['failed', 'error', 'invalid', 'pendingCancel', 'finalizing', 'inProgress', 'syncing', 'synced', 'notStarted', 'valid', 'forceComplete', 'completed', 'cancelled'] as const;

const ATTENTION_STATUSES = ['invalid', 'error'] as const; // validation's findings (before moves exist)
const ATTENTION_PHASES = ['failed', 'awaitingApproval'] as const; // the engine's: failed moves, skipped items to approve
// Moves copying right now; waiting ones (queued, synced until cutover, awaiting the mailbox) are not slow.
const ACTIVE_PHASES: readonly MovePhase[] = ['syncing', 'moving', 'finalizing'];
const LIST_LIMIT = 50;
const SLOWEST_LIMIT = 5;

export interface WorkloadSummary {
  workload: string;
  users: Record<string, number>;
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  itemsPerSecond: number | null;
}

export interface ProgressSummary {
  jobId: string;
  displayName: string;
  status: string;
  completeAfterDateTime: string;
  lastUpdatedDateTime: string;
  users: { total: number; byStatus: Record<string, number> };
  workloads: WorkloadSummary[];
  dataConsistencyScore: ConsistencyScore | null;
  attention: { userId: string; userPrincipalName?: string; workload: string; status: string; message: string }[];
  slowestUsers: { userId: string; workload: string; itemsDone: number; itemsTotal: number }[];
}

const APPROVAL_MESSAGE = "Skipped items need an administrator's approval before cutover (xtm.approveSkippedItems).";

export async function progressSummary(store: Store, job: MigrationJob, rates: ItemRates): Promise<ProgressSummary> {
  const rows = await progressSummaryRows(store.db, job, {
    rank: USER_STATUS_RANK, attentionStatuses: ATTENTION_STATUSES, attentionPhases: ATTENTION_PHASES, activePhases: ACTIVE_PHASES,
    attentionLimit: LIST_LIMIT, slowestLimit: SLOWEST_LIMIT,
  });
  const byStatus: Record<string, number> = {};
  for (const r of rows.userStatuses) byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;

  let lastUpdated = job.lastUpdatedDateTime;
  const workloads = job.workloads.map((w): WorkloadSummary => {
    const moves = rows.moves.filter((m) => m.workload === w);
    const sum = (k: 'itemsDone' | 'itemsTotal' | 'bytesDone' | 'bytesTotal') => moves.reduce((a, m) => a + m[k], 0);
    // Once the migration started, the engine's phases say more (queued, awaitingApproval, waiting);
    // before it, the users' statuses as validation left them.
    const users: Record<string, number> = {};
    const counts = moves.length > 0 ? moves.map((m) => [m.phase, m.n] as const) : rows.taskStatuses.filter((t) => t.workload === w).map((t) => [t.status, t.n] as const);
    for (const [k, n] of counts) users[k] = (users[k] ?? 0) + n;
    for (const m of moves) if (m.updatedAt && m.updatedAt > lastUpdated) lastUpdated = m.updatedAt;
    const itemsDone = sum('itemsDone');
    return { workload: SUMMARY_WORKLOAD[w], users, itemsDone, itemsTotal: sum('itemsTotal'), bytesDone: sum('bytesDone'), bytesTotal: sum('bytesTotal'), itemsPerSecond: rates.sample(`${job.id}|${w}`, itemsDone) };
  });

  // A user may be listed twice (an invalid validation status, then its failed move): the move wins.
  const seen = new Set<string>();
  const attention: ProgressSummary['attention'] = [];
  for (const a of rows.attention) {
    const key = `${a.userId}|${a.workload}`;
    if (seen.has(key) || attention.length >= LIST_LIMIT) continue;
    seen.add(key);
    const message = a.status === 'awaitingApproval' ? APPROVAL_MESSAGE : [a.code, a.message].filter(Boolean).join(': ');
    attention.push({ userId: a.userId, ...(a.userPrincipalName ? { userPrincipalName: a.userPrincipalName } : {}), workload: SUMMARY_WORKLOAD[a.workload as Workload] ?? a.workload, status: a.status, message });
  }

  return {
    jobId: job.id,
    displayName: job.displayName,
    status: job.status,
    completeAfterDateTime: job.completeAfterDateTime,
    lastUpdatedDateTime: lastUpdated,
    users: { total: rows.usersTotal, byStatus },
    workloads,
    // The job's score is its worst move's (Exchange: batch DCS = worst user DCS), as in xtm.progress.
    dataConsistencyScore: worstScore(rows.moves.map((m) => m.consistency as ConsistencyScore | null)),
    attention,
    slowestUsers: rows.slowest.map((s) => ({ userId: s.userId, workload: SUMMARY_WORKLOAD[s.workload as Workload] ?? s.workload, itemsDone: s.itemsDone, itemsTotal: s.itemsTotal })),
  };
}

/**
 * Items per second as a watcher sees them: the change in items done between reads of the summary,
 * over the last `windowMs` of wall time (the engine's pacing is in clock time, which a manual clock
 * freezes). Per process and in memory: null until two reads at least 250 ms apart.
 */
export class ItemRates {
  private readonly samples = new Map<string, { at: number; items: number }[]>();

  constructor(private readonly windowMs = 10_000, private readonly now: () => number = () => performance.now(), private readonly maxKeys = 10_000) {}

  sample(key: string, items: number): number | null {
    const at = this.now();
    let list = this.samples.get(key);
    if (!list) {
      if (this.samples.size >= this.maxKeys) this.samples.delete(this.samples.keys().next().value!);
      this.samples.set(key, (list = []));
    }
    // A drop (a retried move restarting its count) starts the window again.
    if (list.length > 0 && items < list[list.length - 1]!.items) list.length = 0;
    list.push({ at, items });
    while (list.length > 2 && at - list[1]!.at >= this.windowMs) list.shift();
    const first = list[0]!;
    const span = at - first.at;
    return span >= 250 ? Math.round(((items - first.items) / span) * 1000 * 10) / 10 : null;
  }
}

// The progress document of a migrating job (xtm extension, read by tools and consoles): items and
// bytes done/total per user and workload, reconciliation, skipped items and Data Consistency Scores.
import type { Store } from '../../store/db.js';
import { migrationRepo, type Move } from '../../store/migrationRepo.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import type { MigrationJob } from '../../domain/job.js';
import { worstScore, type ConsistencyScore } from '../../domain/moveStatus.js';
import { moveStatus } from '../../domain/movePhases.js';

export interface WorkloadProgress {
  workload: string;
  phase: string;
  status: string;
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
  syncPasses: number;
  initialSyncDoneDateTime: string | null;
  lastSyncDateTime: string | null;
  sourceItemCount: number | null;
  targetItemCount: number | null;
  skippedItems: { sourceItemId: string; reason: string }[];
  dataConsistencyScore: string | null;
  error: { code: string; message: string } | null;
}

export interface JobProgress {
  id: string;
  status: string;
  dataConsistencyScore: ConsistencyScore | null;
  totals: Record<string, { itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number }>;
  users: { id: string; sourceUserId: string | null; cancelled: boolean; dataConsistencyScore: ConsistencyScore | null; workloads: WorkloadProgress[] }[];
}

function workload(m: Move): WorkloadProgress {
  return {
    workload: m.workload, phase: m.phase, status: moveStatus(m.workload, m.phase),
    itemsDone: m.itemsDone, itemsTotal: m.itemsTotal, bytesDone: m.bytesDone, bytesTotal: m.bytesTotal,
    syncPasses: m.passes, initialSyncDoneDateTime: m.syncDoneAt, lastSyncDateTime: m.lastSyncAt,
    sourceItemCount: m.sourceCount, targetItemCount: m.targetCount, skippedItems: m.skipped, dataConsistencyScore: m.consistency,
    error: m.errorCode ? { code: m.errorCode, message: m.errorMessage ?? '' } : null,
  };
}

export async function jobProgress(store: Store, job: MigrationJob): Promise<JobProgress> {
  const [moves, tasks] = await Promise.all([migrationRepo.ofJob(store.db, job.id), jobsRepo.tasks(store.db, job.id)]);
  const totals: JobProgress['totals'] = {};
  const byUser = new Map<string, Move[]>();
  for (const m of moves) {
    const list = byUser.get(m.userId);
    if (list) list.push(m);
    else byUser.set(m.userId, [m]);
    const t = (totals[m.workload] ??= { itemsDone: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0 });
    t.itemsDone += m.itemsDone;
    t.itemsTotal += m.itemsTotal;
    t.bytesDone += m.bytesDone;
    t.bytesTotal += m.bytesTotal;
  }
  const users = tasks.map((t) => {
    const mine = byUser.get(t.id) ?? [];
    const score = worstScore(mine.map((m) => m.consistency as ConsistencyScore | null));
    return { id: t.id, sourceUserId: mine[0]?.sourceUserId ?? null, cancelled: t.cancelled, dataConsistencyScore: score, workloads: mine.map(workload) };
  });
  // The job's score is its worst user's (Exchange: batch DCS = worst user DCS).
  return { id: job.id, status: job.status, dataConsistencyScore: worstScore(users.map((u) => u.dataConsistencyScore)), totals, users };
}

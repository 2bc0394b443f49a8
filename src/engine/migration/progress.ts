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

/**
 * The whole document, or with `page` only those users (in resource order) and `more` when users
 * follow; the job's totals and score are over every user either way (summed in the database when paged).
 */
export async function jobProgress(store: Store, job: MigrationJob, page?: { skip: number; top: number }): Promise<JobProgress & { more?: boolean }> {
  const db = store.db;
  const tasks = page ? await jobsRepo.taskPage(db, job.id, page.skip, page.top + 1) : await jobsRepo.tasks(db, job.id);
  const more = page ? tasks.length > page.top : undefined;
  if (page) tasks.length = Math.min(tasks.length, page.top);
  const moves = page ? await migrationRepo.ofUsers(db, job.id, tasks.map((t) => t.id)) : await migrationRepo.ofJob(db, job.id);
  const totals: JobProgress['totals'] = {};
  const add = (m: { workload: string; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number }) => {
    const t = (totals[m.workload] ??= { itemsDone: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0 });
    t.itemsDone += m.itemsDone;
    t.itemsTotal += m.itemsTotal;
    t.bytesDone += m.bytesDone;
    t.bytesTotal += m.bytesTotal;
  };
  const byUser = new Map<string, Move[]>();
  for (const m of moves) {
    const list = byUser.get(m.userId);
    if (list) list.push(m);
    else byUser.set(m.userId, [m]);
    if (!page) add(m);
  }
  if (page) for (const t of await migrationRepo.totals(db, job.id)) add(t);
  const users = tasks.map((t) => {
    const mine = byUser.get(t.id) ?? [];
    const score = worstScore(mine.map((m) => m.consistency as ConsistencyScore | null));
    return { id: t.id, sourceUserId: mine[0]?.sourceUserId ?? null, cancelled: t.cancelled, dataConsistencyScore: score, workloads: mine.map(workload) };
  });
  // The job's score is its worst user's (Exchange: batch DCS = worst user DCS).
  const score = page ? worstScore((await migrationRepo.scores(db, job.id)) as (ConsistencyScore | null)[]) : worstScore(users.map((u) => u.dataConsistencyScore));
  return { id: job.id, status: job.status, dataConsistencyScore: score, totals, users, ...(more !== undefined ? { more } : {}) };
}

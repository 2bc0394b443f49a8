// The compact progress summary `jobs watch` draws: GET …/{id}/xtm.progressSummary. Until that endpoint
// is on every server, a 404 there falls back to the full …/xtm.progress document, aggregated here the
// same way (one function: the only place that knows both shapes).
import { CliError, jobPath, listAll, type XtmClient } from './api.js';

export interface WorkloadSummary { workload: string; users: Record<string, number>; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; itemsPerSecond: number | null }
export interface AttentionItem { userId: string; userPrincipalName?: string; workload: string; status: string; message: string }
export interface ProgressSummary {
  jobId: string; displayName: string; status: string; completeAfterDateTime: string | null; lastUpdatedDateTime: string | null;
  users: { total: number; byStatus: Record<string, number> };
  workloads: WorkloadSummary[];
  dataConsistencyScore: string | null;
  attention: AttentionItem[];
  slowestUsers?: unknown[];
}

type FullProgress = {
  status: string; dataConsistencyScore: string | null;
  users: { id: string; cancelled: boolean; workloads: { workload: string; status: string; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; error: { code: string; message: string } | null }[] }[];
};
type Task = { id: string; currentStatus: { service: string; status: string; errors?: { code: string; message: string }[] }[] };
type Job = { id: string; displayName: string; status: string; completeAfterDateTime?: string; lastUpdatedDateTime?: string; resources?: string[] };

const ATTENTION = new Set(['failed', 'invalid', 'error']);

export async function progressSummary(c: XtmClient, ref: string): Promise<ProgressSummary> {
  try {
    return (await c.graph('GET', `${jobPath(ref)}/xtm.progressSummary`)).body as ProgressSummary;
  } catch (e) {
    // An older server has no such route (404): fall back below, where a missing job is its own 404.
    if (!(e instanceof CliError) || !/→ 404 /.test(e.message)) throw e;
  }
  const job = (await c.graph('GET', jobPath(ref))).body as Job;
  const full = (await c.graph('GET', `${jobPath(job.id)}/xtm.progress`)).body as FullProgress;
  const byStatus: Record<string, number> = {};
  const workloads = new Map<string, WorkloadSummary>();
  const attention: AttentionItem[] = [];
  for (const u of full.users) {
    const worst = u.cancelled ? 'cancelled' : u.workloads.find((w) => ATTENTION.has(w.status))?.status ?? u.workloads[0]?.status ?? 'notStarted';
    byStatus[worst] = (byStatus[worst] ?? 0) + 1;
    for (const w of u.workloads) {
      const s = workloads.get(w.workload) ?? { workload: w.workload, users: {}, itemsDone: 0, itemsTotal: 0, bytesDone: 0, bytesTotal: 0, itemsPerSecond: null };
      s.users[w.status] = (s.users[w.status] ?? 0) + 1;
      s.itemsDone += w.itemsDone;
      s.itemsTotal += w.itemsTotal;
      s.bytesDone += w.bytesDone;
      s.bytesTotal += w.bytesTotal;
      workloads.set(w.workload, s);
      if (w.error || ATTENTION.has(w.status)) attention.push({ userId: u.id, workload: w.workload, status: w.status, message: w.error ? `${w.error.code}: ${w.error.message}` : w.status });
    }
  }
  // Before migrate nothing moves: the users' statuses and validation errors are their tasks'.
  if (!full.users.some((u) => u.workloads.length > 0)) {
    for (const k of Object.keys(byStatus)) delete byStatus[k];
    for (const t of await listAll<Task>(c, `${jobPath(job.id)}/users`)) {
      const worst = t.currentStatus.find((s) => ATTENTION.has(s.status)) ?? t.currentStatus[0];
      const st = worst?.status ?? 'notStarted';
      byStatus[st] = (byStatus[st] ?? 0) + 1;
      for (const s of t.currentStatus) for (const e of s.errors ?? []) attention.push({ userId: t.id, workload: s.service, status: s.status, message: `${e.code}: ${e.message}` });
    }
  }
  return {
    jobId: job.id, displayName: job.displayName, status: job.status, completeAfterDateTime: job.completeAfterDateTime ?? null, lastUpdatedDateTime: job.lastUpdatedDateTime ?? null,
    users: { total: Math.max(full.users.length, job.resources?.length ?? 0), byStatus },
    workloads: [...workloads.values()], dataConsistencyScore: full.dataConsistencyScore, attention,
  };
}

// The compact progress summary `jobs watch` draws: GET …/{id}/xtm.progressSummary (the server's
// aggregate; the CLI computes none of it, so the console and the CLI show the same figures).
import { jobPath, type XtmClient } from './api.js';

export interface WorkloadSummary { workload: string; users: Record<string, number>; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; itemsPerSecond: number | null }
export interface AttentionItem { userId: string; userPrincipalName?: string; workload: string; status: string; message: string }
export interface ProgressSummary {
  jobId: string; displayName: string; status: string; completeAfterDateTime: string | null; lastUpdatedDateTime: string | null;
  users: { total: number; byStatus: Record<string, number> };
  workloads: WorkloadSummary[];
  dataConsistencyScore: string | null;
  attention: AttentionItem[];
  slowestUsers: { userId: string; workload: string; itemsDone: number; itemsTotal: number }[];
}

export async function progressSummary(c: XtmClient, ref: string): Promise<ProgressSummary> {
  return (await c.graph('GET', `${jobPath(ref)}/xtm.progressSummary`)).body as ProgressSummary;
}

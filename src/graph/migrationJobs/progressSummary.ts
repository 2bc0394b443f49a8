// GET …/crossTenantMigrationJobs/{id}/xtm.progressSummary: the compact progress of a job (xtm
// extension, in $metadata as xtm.progressSummary): what the console and `xtm jobs watch` poll. Same
// permissions as xtm.progress; the job is addressed like every other job route (id or displayName).
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { MigrationAdminRoles, Permissions, principalOf } from '../auth/guard.js';
import { metadataContext, parseKeySegment, sendOData } from '../odataResponse.js';
import { JobService } from '../../engine/jobs/jobService.js';
import { ItemRates, progressSummary } from '../../engine/migration/progressSummary.js';
import { jobKeyOf } from './jobKey.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';
import { JOB_TYPE, KeyParams } from './schemas.js';

const BASE = '/solutions/migrations/crossTenantMigrationJobs';
const Str = Type.String();
const Int = Type.Integer();
const Counts = Type.Record(Type.String(), Int);
const NullableString = Type.Unsafe<string | null>({ type: ['string', 'null'] });
const NullableNumber = Type.Unsafe<number | null>({ type: ['number', 'null'] });

export const ProgressSummarySchema = Type.Object({
  '@odata.context': Str,
  jobId: Str,
  displayName: Str,
  status: Str,
  completeAfterDateTime: Str,
  lastUpdatedDateTime: Str,
  users: Type.Object({ total: Int, byStatus: Counts }),
  workloads: Type.Array(Type.Object({
    workload: Str, users: Counts, itemsDone: Int, itemsTotal: Int, bytesDone: Int, bytesTotal: Int, itemsPerSecond: NullableNumber,
  })),
  dataConsistencyScore: NullableString,
  attention: Type.Array(Type.Object({ userId: Str, userPrincipalName: Type.Optional(Str), workload: Str, status: Str, message: Str })),
  slowestUsers: Type.Array(Type.Object({ userId: Str, workload: Str, itemsDone: Int, itemsTotal: Int })),
});

export function progressSummaryRoutes(app: GraphApp, deps: AppDeps): void {
  const jobs = new JobService(deps.store, deps.clock, deps.queue, deps.config);
  const rates = new ItemRates();
  const config = { permissions: Permissions.jobsRead, roles: MigrationAdminRoles, graphType: JOB_TYPE };
  app.get(`${BASE}/:key/xtm.progressSummary`, { config, schema: { params: KeyParams, response: { 200: ProgressSummarySchema } } }, async (req: FastifyRequest<{ Params: { key: string } }>, reply) => {
    const job = await jobs.resolve(principalOf(req).tenantId, jobKeyOf(parseKeySegment(req.params.key)));
    const summary = await progressSummary(deps.store, job, rates);
    // The job's own times as its GET shows them: completeAfterDateTime as sent, lastUpdatedDateTime rendered.
    return sendOData(reply, 200, {
      '@odata.context': metadataContext(req, 'xtm.progressSummary'), ...summary,
      completeAfterDateTime: job.completeAfterAsSent, lastUpdatedDateTime: formatDateTimeOffset(summary.lastUpdatedDateTime),
    });
  });
}

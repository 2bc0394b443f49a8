// Turns a Graph-style create body (the JSON `xtm validate --job` reads) into the MigrationJob the
// engine validates. Offline only: no display-name uniqueness or completeAfter checks here.
import { Workloads, canonicalWorkload, type Workload } from '../../domain/enums.js';
import type { MigrationJob } from '../../domain/job.js';

export class JobInputError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `tenantIds` are the tenants the scenario loaded; the target is `targetTenantId` when given, else
 * the only tenant that is not the source.
 */
export function jobFromBody(body: unknown, tenantIds: readonly string[], nowIso: string): MigrationJob {
  if (!isObject(body)) throw new JobInputError('the job file must hold a JSON object like the crossTenantMigrationJobs create body');
  const str = (k: string) => (typeof body[k] === 'string' && (body[k] as string).trim() !== '' ? (body[k] as string).trim() : undefined);
  const sourceTenantId = str('sourceTenantId');
  if (!sourceTenantId) throw new JobInputError('sourceTenantId is required');
  const known = (id: string) => tenantIds.find((t) => t.toLowerCase() === id.toLowerCase());
  if (!known(sourceTenantId)) throw new JobInputError(`sourceTenantId ${sourceTenantId} is not a tenant of the scenario`);
  let targetTenantId = str('targetTenantId');
  if (targetTenantId) {
    if (!known(targetTenantId)) throw new JobInputError(`targetTenantId ${targetTenantId} is not a tenant of the scenario`);
  } else {
    const others = tenantIds.filter((t) => t.toLowerCase() !== sourceTenantId.toLowerCase());
    if (others.length !== 1) throw new JobInputError(`the scenario has ${others.length} tenants besides the source: give targetTenantId`);
    targetTenantId = others[0]!;
  }
  const resources = body.resources;
  if (!Array.isArray(resources) || resources.length === 0 || !resources.every((r) => typeof r === 'string' && r.trim() !== '')) {
    throw new JobInputError('resources must be a non-empty array of target user object ids (or UPNs)');
  }
  let workloads: Workload[] = [...Workloads];
  if (body.workloads !== undefined) {
    if (!Array.isArray(body.workloads)) throw new JobInputError('workloads must be an array');
    const parsed = body.workloads.map((w) => (typeof w === 'string' ? canonicalWorkload(w) : undefined));
    const bad = body.workloads.filter((_, i) => !parsed[i]);
    if (bad.length) throw new JobInputError(`unknown workload(s) ${bad.map(String).join(', ')}; use ${Workloads.join(', ')}`);
    if (parsed.length) workloads = [...new Set(parsed as Workload[])];
  }
  const ex = body.exchangeSettings;
  if (ex !== undefined && ex !== null && !isObject(ex)) throw new JobInputError('exchangeSettings must be an object');
  const exchangeSettings = isObject(ex)
    ? { sourceEndpoint: String(ex.sourceEndpoint ?? ''), targetDeliveryDomain: String(ex.targetDeliveryDomain ?? '') }
    : null;
  return {
    id: 'offline-validation',
    tenantId: known(targetTenantId)!,
    displayName: str('displayName') ?? 'offline validation',
    jobType: 'validate',
    status: 'validateInProgress',
    message: null,
    completeAfterDateTime: str('completeAfterDateTime') ?? nowIso,
    completeAfterAsSent: str('completeAfterDateTime') ?? nowIso,
    sourceTenantId: known(sourceTenantId)!,
    exchangeSettings,
    workloads,
    workloadsAsSent: Array.isArray(body.workloads) ? body.workloads.map(String) : [],
    resourceType: str('resourceType') ?? 'Users',
    resources: resources.map((r: string) => r.trim()),
    createdBy: 'xtm validate',
    createdDateTime: nowIso,
    lastUpdatedDateTime: nowIso,
    validatedAt: null,
    opSeq: 0,
  };
}

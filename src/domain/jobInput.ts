// The create-time rules of a crossTenantMigrationJob body, after its structure (types, required and
// unknown properties) is checked: one pure function shared by the service (POST, first issue → 4xx)
// and the offline `xtm validate` (every issue listed). Issues keep the order the API reports them in.
import { DomainError, DomainErrors as Errors } from './errors.js';
import { canonicalWorkload, Workloads, type Workload } from './enums.js';
import type { ExchangeSettings } from './job.js';
import { parseDateTimeOffset } from './dateTime.js';

export interface CreateJobInput {
  displayName: string;
  completeAfterDateTime: string;
  sourceTenantId: string;
  targetTenantId?: string;
  exchangeSettings?: ExchangeSettings | null;
  workloads?: string[];
  resourceType: string;
  resources: string[];
}

export interface CheckedJobInput {
  displayName: string;
  completeAfterMs: number;
  sourceTenantId: string;
  exchangeSettings: ExchangeSettings | null;
  workloads: Workload[];
  /** What the job echoes (docs/decisions.md, gaps 3 and 7): the client's own text, not a normalised form. */
  asSent: { completeAfterDateTime: string; workloads: string[]; resourceType: string };
  resources: string[];
}

export interface JobInputContext { callerTenantId: string; nowMs: number; maxBatchSize: number }

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string): boolean => GUID.test(s);

/** The one message for a value that is not an Edm.DateTimeOffset, wherever it is given. */
export const invalidDateTime = (prop: string, value: unknown): DomainError =>
  Errors.invalidProperty(prop, typeof value === 'string' ? `'${value}' is not a valid DateTimeOffset.` : 'must be a DateTimeOffset string.');

export function checkCreateJobInput(input: CreateJobInput, ctx: JobInputContext): { value?: CheckedJobInput; issues: DomainError[] } {
  const issues: DomainError[] = [];
  const tenantId = ctx.callerTenantId;
  if (!input.displayName.trim()) issues.push(Errors.invalidProperty('displayName', 'must not be empty.'));
  const sourceOk = GUID.test(input.sourceTenantId);
  if (!sourceOk) issues.push(Errors.invalidProperty('sourceTenantId', `'${input.sourceTenantId}' is not a valid GUID.`));
  const sourceTenantId = input.sourceTenantId.toLowerCase();
  if (input.targetTenantId !== undefined && input.targetTenantId.toLowerCase() !== tenantId) {
    issues.push(Errors.invalidProperty('targetTenantId', `the job is created in the caller's tenant ${tenantId}; targetTenantId can't name another tenant.`));
  }
  if (sourceOk && sourceTenantId === tenantId) issues.push(Errors.invalidProperty('sourceTenantId', 'the source tenant and the target (calling) tenant cannot be equal.'));
  if (input.resourceType.toLowerCase() !== 'users') issues.push(Errors.invalidProperty('resourceType', `'${input.resourceType}' is not supported. Only 'Users' is supported.`));

  const workloads = workloadsOf(input.workloads, issues);
  const exchangeSettings = input.exchangeSettings ?? null;
  if (workloads.includes('Exchange') && !exchangeSettings) {
    issues.push(Errors.badRequest("The property 'exchangeSettings' is required when 'Exchange' is one of the workloads.", 'exchangeSettings'));
  }
  if (exchangeSettings) {
    if (!exchangeSettings.sourceEndpoint?.trim()) issues.push(Errors.invalidProperty('exchangeSettings.sourceEndpoint', 'must not be empty.'));
    if (!exchangeSettings.targetDeliveryDomain?.trim()) issues.push(Errors.invalidProperty('exchangeSettings.targetDeliveryDomain', 'must not be empty.'));
  }

  const completeAfterMs = parseDateTimeOffset(input.completeAfterDateTime);
  if (completeAfterMs === undefined) issues.push(invalidDateTime('completeAfterDateTime', input.completeAfterDateTime));
  else if (completeAfterMs <= ctx.nowMs) issues.push(Errors.completeAfterInPast());

  const resources: string[] = [];
  input.resources.forEach((r, i) => {
    if (!GUID.test(r)) issues.push(Errors.invalidProperty(`resources[${i}]`, `'${r}' is not a valid GUID (object id of a target-tenant user).`));
    resources.push(r.toLowerCase());
  });
  if (resources.length === 0) issues.push(Errors.invalidProperty('resources', 'at least one resource is required.'));
  if (resources.length > ctx.maxBatchSize) issues.push(Errors.tooManyResources(resources.length, ctx.maxBatchSize));
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r) && GUID.test(r)) {
      issues.push(Errors.invalidProperty('resources', `the resource '${r}' is listed more than once.`));
      break;
    }
    seen.add(r);
  }
  if (issues.length) return { issues };
  return {
    issues,
    value: {
      displayName: input.displayName,
      completeAfterMs: completeAfterMs!,
      sourceTenantId,
      exchangeSettings: exchangeSettings ? { sourceEndpoint: exchangeSettings.sourceEndpoint, targetDeliveryDomain: exchangeSettings.targetDeliveryDomain } : null,
      workloads,
      asSent: { completeAfterDateTime: input.completeAfterDateTime, workloads: [...(input.workloads ?? [])], resourceType: input.resourceType },
      resources,
    },
  };
}

/** The workloads a job moves: omitted or empty = all of them; values are compared case-insensitively (canonical names out). */
export function normalizeWorkloads(values: string[] | undefined): Workload[] {
  const issues: DomainError[] = [];
  const out = workloadsOf(values, issues);
  if (issues[0]) throw issues[0];
  return out;
}

function workloadsOf(values: string[] | undefined, issues: DomainError[]): Workload[] {
  if (!values || values.length === 0) return [...Workloads];
  const out: Workload[] = [];
  values.forEach((v, i) => {
    const w = canonicalWorkload(v);
    if (!w) issues.push(Errors.invalidProperty(`workloads[${i}]`, `'${v}' is not a supported workload. Supported: ${Workloads.join(', ')}.`));
    else if (out.includes(w)) issues.push(Errors.invalidProperty('workloads', `the workload '${w}' is listed more than once.`));
    else out.push(w);
  });
  return out;
}

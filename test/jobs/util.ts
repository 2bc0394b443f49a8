// Shared assertions and fixtures for test/jobs/** and test/conventions/** (not a test file itself).
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers.js';

export const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const ERROR_DATE_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
export const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Every status of crossTenantMigrationJobStatus except unknownFutureValue (graph-api-surface §3.3). */
export const STATUSES = [
  'submitted', 'approved', 'processing', 'cuttingOver', 'inProgress', 'completed', 'completedWithErrors', 'failed',
  'cancelled', 'pendingCancel', 'adminActionRequired', 'validateSubmitted', 'validateProcessing', 'validateInProgress',
  'validatePassed', 'validateFailed', 'pendingDelete', 'deleted',
] as const;
export type Status = (typeof STATUSES)[number];

type Res = { status: number; body: any; headers: Headers; text: string };

/**
 * The Graph error envelope {error:{code,message,[target],[details],innerError:{date,request-id,client-request-id}}}
 * with the exact status, code and message (string = exact, RegExp = match), and innerError matching the headers.
 */
export function assertGraphError(res: Res, status: number, code: string, message: string | RegExp, opts: { target?: string; detailCode?: string } = {}): void {
  const ctx = `${res.status} ${res.text.slice(0, 500)}`;
  assert.equal(res.status, status, ctx);
  assert.ok(res.body && typeof res.body === 'object' && res.body.error, `no error envelope: ${ctx}`);
  assert.deepEqual(Object.keys(res.body), ['error'], ctx);
  const e = res.body.error;
  assert.equal(e.code, code, ctx);
  if (typeof message === 'string') assert.equal(e.message, message, ctx);
  else assert.match(e.message, message, ctx);
  if (opts.target !== undefined) assert.equal(e.target, opts.target, ctx);
  if (opts.detailCode !== undefined) {
    assert.ok(Array.isArray(e.details) && e.details.length > 0, `no details: ${ctx}`);
    assert.equal(e.details[0].code, opts.detailCode, ctx);
  }
  assert.ok(e.innerError, ctx);
  assert.deepEqual(Object.keys(e.innerError).sort(), ['client-request-id', 'date', 'request-id'], ctx);
  assert.match(e.innerError.date, ERROR_DATE_RE, ctx);
  assert.match(e.innerError['request-id'], GUID_RE, ctx);
  assert.equal(e.innerError['request-id'], res.headers.get('request-id'), ctx);
  assert.equal(e.innerError['client-request-id'], res.headers.get('client-request-id'), ctx);
  assert.match(String(res.headers.get('content-type')), /^application\/json/, ctx);
}

/** Distinct user object ids: each call returns fresh ones (a user may be in only one active job). */
export function userIds(start: number) {
  let n = start;
  return (count = 1): string[] => Array.from({ length: count }, () => idFor(n++));
}
export function idFor(n: number): string {
  return `bbbbbbbb-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export async function storeCounts(s: TestServer): Promise<{ jobs: number; tasks: number; work: number }> {
  const db = s.deps.store.db;
  const one = async (t: 'migration_jobs' | 'migration_tasks' | 'work_items') =>
    Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { jobs: await one('migration_jobs'), tasks: await one('migration_tasks'), work: await one('work_items') };
}

/** Puts a job straight into a status (bypassing the state machine), as the matrix tests need. */
export async function forceStatus(s: TestServer, id: string, status: string, validatedAt: string | null = null): Promise<void> {
  await s.deps.store.db.updateTable('migration_jobs').set({ status, validated_at: validatedAt }).where('id', '=', id).execute();
}

export function exchange() {
  return { targetDeliveryDomain: 'fabrikam.onmicrosoft.com', sourceEndpoint: 'ContosoMigrationEndpoint' };
}

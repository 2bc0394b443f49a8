// runValidation against the real (in-memory SQLite) store: the snapshot loader reads what the rules
// need, faults written as rows fail exactly the affected user/workload, fixing the rows clears them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../../src/store/db.js';
import { openTestStore } from '../pg.js';
import { runValidation } from '../../src/engine/validation/runValidation.js';
import { loadValidationInput } from '../../src/engine/validation/snapshot.js';
import { job as makeJob, NOW, SRC, TGT } from './fixture.js';
import { SCOPE_GROUP_ID, seedSourceId, seedTargetId, seedWorld } from './seedStore.js';
import type { MigrationJob } from '../../src/domain/job.js';

let store: Store;
let job: MigrationJob;
const USERS = 6;

before(async () => {
  store = await openTestStore();
  const { targetIds } = await seedWorld(store, { users: USERS, nowMs: NOW });
  job = { ...makeJob([]), resources: targetIds };
});
after(() => store.close());

const validate = (ids = job.resources, j = job) => runValidation(store, j, [...ids], { nowMs: NOW, mode: 'all' });
const errorsOf = (out: Awaited<ReturnType<typeof validate>>, n: number, w: string) =>
  out.get(seedTargetId(n))!.find((s) => s.service === w)!.errors.map((e) => e.code);

test('the seeded world validates clean', async () => {
  const out = await validate();
  assert.equal(out.size, USERS);
  for (const statuses of out.values()) assert.deepEqual(statuses.map((s) => s.status), ['valid', 'valid', 'valid', 'valid']);
});

test('the snapshot carries what the rules read', async () => {
  const { ctx, users } = await loadValidationInput(store, job, job.resources, NOW);
  assert.equal(ctx.source.id, SRC);
  assert.equal(ctx.target.id, TGT);
  assert.deepEqual(ctx.source.scopeGroups.map((g) => g.id), [SCOPE_GROUP_ID]);
  assert.equal(ctx.target.servicePrincipals[0]!.appOwnerTenantId, TGT);
  const u1 = users[0]!;
  assert.equal(u1.mapping?.sourceUserId, seedSourceId(1));
  assert.equal(u1.sourceRecipient?.holds.litigationHoldEnabled, false);
  assert.deepEqual(u1.scopeGroupIds, [SCOPE_GROUP_ID]);
  assert.equal(u1.spoMapping?.targetUpn, 'user1@fabrikam.com');
  // 4 items + 1 older version; 4 files of 1000..1003 bytes + a 500-byte version; "/Projects/file0.docx"
  assert.deepEqual(
    { items: u1.sourceOneDrive?.itemCount, bytes: u1.sourceOneDrive?.totalBytes, longest: u1.sourceOneDrive?.longestPathLength },
    { items: 5, bytes: 4506, longest: 20 },
  );
  assert.equal(u1.meetingsOrganized, 1);
  assert.equal(u1.targetOneDriveUrl, null);
});

test('row faults fail only the affected user and workload, and fixing the rows passes re-validation', async () => {
  const db = store.db;
  // user 2: litigation hold (Exchange); user 3: no SPO identity map entry (ODSP); user 4: not mapped (all);
  // user 5: target OneDrive already provisioned (ODSP); user 6: in another active job (all).
  await db.updateTable('recipients').set({ holds: JSON.stringify({ litigationHoldEnabled: true }) })
    .where('tenant_id', '=', SRC).where('id', '=', seedSourceId(2)).execute();
  await db.deleteFrom('spo_user_mappings').where('tenant_id', '=', TGT).where('source_upn_key', '=', 'user3@contoso.com').execute();
  await db.updateTable('identity_mappings').set({ target_user_id: null, state: 'Unmapped' }).where('source_user_id', '=', seedSourceId(4)).execute();
  const od5 = 'https://fabrikam-my.sharepoint.com/personal/user5_fabrikam_com';
  await db.insertInto('sites').values({
    tenant_id: TGT, id: 'tod-5', url: od5, url_key: od5, kind: 'OneDrive', template: 'SPSPERS#10', title: 'User 5', owner_user_id: seedTargetId(5),
    group_id: null, state: 'ReadWrite', redirect_url: null, storage_quota_bytes: 0, created_at: '2026-05-01T00:00:00.000Z',
  }).execute();
  await db.insertInto('migration_jobs').values({
    id: 'other-job', tenant_id: TGT, display_name: 'Pilot', display_name_key: 'pilot', job_type: 'migrate', status: 'inProgress', message: '',
    complete_after: '2026-07-01T00:00:00.000Z', complete_after_sent: '2026-07-01T00:00:00.000Z', source_tenant_id: SRC, exchange_settings: null, workloads: '["Exchange"]', resource_type: 'Users',
    resources: JSON.stringify([seedTargetId(6)]), created_by: 'admin', created_at: '2026-05-01T00:00:00.000Z', updated_at: '2026-05-01T00:00:00.000Z',
    validated_at: null, op_seq: 1,
  }).execute();
  await db.insertInto('migration_tasks').values({
    tenant_id: TGT, job_id: 'other-job', id: seedTargetId(6), position: 0, task_type: 'Users', current_status: '[]', cancelled: 0, updated_at: '2026-05-01T00:00:00.000Z',
  }).execute();

  const out = await validate();
  assert.deepEqual(errorsOf(out, 1, 'Exchange'), []);
  assert.deepEqual(errorsOf(out, 2, 'Exchange'), ['EXCH-08']);
  assert.deepEqual(errorsOf(out, 2, 'ODSP'), []);
  assert.deepEqual(errorsOf(out, 3, 'ODSP'), ['MnAIdentityMapEntryDoesNotExistsForSourceUPN']);
  assert.deepEqual(errorsOf(out, 3, 'Exchange'), []);
  assert.deepEqual(errorsOf(out, 4, 'Exchange'), ['CTM-100']);
  assert.deepEqual(errorsOf(out, 4, 'Teams'), ['CTM-100', 'CTTM-003']);
  assert.deepEqual(errorsOf(out, 5, 'ODSP'), ['MnASiteMoveTargetUrlHasWriteConflict']);
  for (const w of ['Exchange', 'ODSP', 'Teams', 'Meeting']) assert.deepEqual(errorsOf(out, 6, w), ['CTM-002']);
  assert.equal(out.get(seedTargetId(6))![0]!.errors[0]!.message, 'User migration validation failed. User is already a part of another batch Pilot');

  // A cancelled task or a finished job no longer holds the user.
  await db.updateTable('migration_tasks').set({ cancelled: 1 }).where('job_id', '=', 'other-job').execute();
  await db.updateTable('recipients').set({ holds: JSON.stringify({}) }).where('tenant_id', '=', SRC).where('id', '=', seedSourceId(2)).execute();
  await db.insertInto('spo_user_mappings').values({
    tenant_id: TGT, source_upn_key: 'user3@contoso.com', id: 'map-3b', source_organization_id: SRC, source_upn: 'user3@contoso.com',
    target_upn: 'user3@fabrikam.com', target_email: null, user_type: 'regularUser', updated_at: '2026-05-01T00:00:00.000Z',
  }).execute();
  await db.updateTable('identity_mappings').set({ target_user_id: seedTargetId(4), state: 'Completed' }).where('source_user_id', '=', seedSourceId(4)).execute();
  await db.deleteFrom('sites').where('tenant_id', '=', TGT).where('id', '=', 'tod-5').execute();
  const again = await validate();
  for (const [id, statuses] of again) assert.deepEqual(statuses.map((s) => s.errors), [[], [], [], []], id);
});

test('migrate mode reports only the first failure; the SPO dormancy follows the clock it is given', async () => {
  await store.db.updateTable('spo_relationships').set({ created_at: new Date(NOW - 86_400_000).toISOString() }).where('tenant_id', '=', TGT).execute();
  const first = await runValidation(store, job, [seedTargetId(1)], { nowMs: NOW, mode: 'firstFailure' });
  assert.deepEqual(first.get(seedTargetId(1))!.find((s) => s.service === 'ODSP')!.errors.map((e) => e.code), ['MnATrustNoSetupForPartner']);
  const later = await runValidation(store, job, [seedTargetId(1)], { nowMs: NOW + 7 * 86_400_000, mode: 'firstFailure' });
  assert.equal(later.get(seedTargetId(1))!.find((s) => s.service === 'ODSP')!.status, 'valid');
});

test('an unknown user id gets CTM-100 and the target-only failures', async () => {
  const out = await runValidation(store, job, ['00000000-dead-4000-8000-000000000000'], { nowMs: NOW + 8 * 86_400_000, mode: 'all' });
  const [ex, odsp, teams] = out.get('00000000-dead-4000-8000-000000000000')!;
  assert.deepEqual(ex!.errors.map((e) => e.code), ['CTM-100', 'EXCH-08']);
  assert.deepEqual(odsp!.errors.map((e) => e.code), ['CTM-100', 'MnATargetUserDoesNotExist']);
  assert.deepEqual(teams!.errors.map((e) => e.code), ['CTM-100', 'CTTM-015', 'CTTM-003']);
});

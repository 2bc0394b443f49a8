// Rehearsed faults through HTTP on the demo scenario (faults set with the admin API, clock moved with it):
// a transient error retried with backoff; a permanent error → completedWithErrors with only that user
// failed, and migrate retries that user; skipped items → Investigate → adminActionRequired → approval;
// an auxiliary archive appearing mid-move fails the move with Exchange's exception.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOBS as B, SRC, TGT, adminOk, advanceAndDrain, demoPair, demoToken, startDemoServer } from './http.js';
import { startServer, type TestServer } from '../helpers.js';
import { assertGraphError } from '../jobs/util.js';

const MEGAN = { ...demoPair(1), upn: 'megan.bowen@contoso.com' };
const ALEX = { ...demoPair(2), upn: 'alex.wilber@contoso.com' };
const LYNNE = { ...demoPair(3), upn: 'lynne.robbins@contoso.com' };

let s: TestServer;
let token: string;

before(async () => {
  s = await startDemoServer();
  token = await demoToken(s, 'target');
});
after(() => s?.stop());

const admin = (method: string, path: string, body?: unknown) => adminOk(s, method, path, body);
const advance = (by: string) => advanceAndDrain(s, by);
const job = async (id: string) => (await s.api('GET', `${B}/${id}`, { token })).body;
async function exchange(id: string, userId: string) {
  const u = (await s.api('GET', `${B}/${id}/users/${userId}`, { token })).body;
  return u.currentStatus.find((x: any) => x.service === 'Exchange');
}
async function createValidated(name: string, resources: string[], completeAfter: string) {
  const res = await s.api('POST', B, {
    token,
    body: {
      displayName: name, completeAfterDateTime: completeAfter, sourceTenantId: SRC, resourceType: 'Users', resources, workloads: ['Exchange'],
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(res.status, 201, res.text);
  await s.api('POST', `${B}/${res.body.id}/validate`, { token });
  await s.queue.drain();
  assert.equal((await job(res.body.id)).status, 'validatePassed');
  return res.body.id as string;
}
const fault = (user: string, kind: string, extra: Record<string, unknown> = {}) => admin('POST', `tenants/${SRC}/migrationFaults`, { user, workload: 'Exchange', kind, ...extra });
/** Runs `fn` against a server of its own (demo scenario, nothing migrated yet); `s` and `token` are restored after. */
async function onFreshServer(fn: () => Promise<void>): Promise<void> {
  const fresh = await startServer({ scenario: 'scenarios/demo.yaml' }, { seed: async () => {}, validate: 'rules' });
  const [prevServer, prevToken] = [s, token];
  s = fresh;
  try {
    token = await demoToken(s, 'target');
    await fn();
  } finally {
    [s, token] = [prevServer, prevToken];
    await fresh.stop();
  }
}
const itemCount = async (tenant: string, user: string) =>
  Number((await s.deps.store.db.selectFrom('mail_items').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenant).where('user_id', '=', user).executeTakeFirstOrThrow()).n);

test('transient errors are retried with backoff; a permanent error fails only its user (completedWithErrors); migrate retries that user', async () => {
  const now = Date.parse((await admin('GET', 'clock')).now);
  const id = await createValidated('faults wave', [MEGAN.tgt, ALEX.tgt], new Date(now + 2 * 86_400_000).toISOString());
  await fault(MEGAN.upn, 'transientError', { count: 2 });
  await fault(ALEX.upn, 'permanentError');

  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token })).status, 200);
  await s.queue.drain();
  assert.equal((await exchange(id, ALEX.tgt)).status, 'failed');
  assert.notEqual((await exchange(id, MEGAN.tgt)).status, 'synced', 'the first attempt failed');
  for (let i = 0; i < 6 && (await exchange(id, MEGAN.tgt)).status !== 'synced'; i++) await advance('PT10M'); // backoff in clock time
  assert.equal((await exchange(id, MEGAN.tgt)).status, 'synced');
  const faults = (await admin('GET', `tenants/${SRC}/migrationFaults?user=${MEGAN.upn}`)).value;
  assert.equal(faults.find((f: any) => f.kind === 'transientError').remaining, 0);

  await advance('P2D');
  let j = await job(id);
  assert.equal(j.status, 'completedWithErrors', JSON.stringify(j));
  assert.match(j.message, /1 of 2 users failed/);
  assert.equal((await exchange(id, MEGAN.tgt)).status, 'completed');
  const failed = await exchange(id, ALEX.tgt);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.errors[0].code, 'MIGR-003');
  assert.equal(failed.errors[0].message, 'User alex.wilber@contoso.com migration failed. Please retry user migration.');
  assert.equal(await itemCount(SRC, ALEX.src) > 0, true, 'the failed user keeps its source mailbox');

  // Fix and retry: only Alex moves again; Megan stays completed.
  await admin('DELETE', `tenants/${SRC}/migrationFaults?user=${ALEX.upn}`);
  const r = await s.api('POST', `${B}/${id}/migrate`, { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'processing');
  assert.equal((await exchange(id, MEGAN.tgt)).status, 'completed');
  // The retried user starts again (the worker thread may already have picked it up: never still 'failed').
  assert.match((await exchange(id, ALEX.tgt)).status, /^(notStarted|syncing|synced|completed)$/);
  await s.queue.drain();
  j = await job(id);
  assert.equal(j.status, 'completed', JSON.stringify(j));
  assert.equal((await exchange(id, ALEX.tgt)).status, 'completed');
  assert.equal(await itemCount(SRC, ALEX.src), 0, 'cut over: the source mailbox is gone');
  assert.ok(await itemCount(TGT, ALEX.tgt) > 0);
});

test('skipped items grade Investigate: adminActionRequired until the skipped items are approved', async () => {
  const now = Date.parse((await admin('GET', 'clock')).now);
  const id = await createValidated('skip wave', [LYNNE.tgt], new Date(now + 86_400_000).toISOString());
  await fault(LYNNE.upn, 'corruptItems', { count: 1 });
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token })).status, 200);
  await s.queue.drain();
  await advance('P1D');
  let j = await job(id);
  assert.equal(j.status, 'adminActionRequired', JSON.stringify(j));
  const ex = await exchange(id, LYNNE.tgt);
  assert.equal(ex.status, 'synced');
  assert.match(ex.message, /1 skipped item\(s\) need an administrator's approval/);
  assertGraphError(await s.api('POST', `${B}/${id}/validate`, { token }), 409, 'Conflict', "Validation can't be started because the current status is adminActionRequired.");

  const ok = await s.api('POST', `${B}/${id}/xtm.approveSkippedItems`, { token });
  assert.equal(ok.status, 202, ok.text);
  await s.queue.drain();
  j = await job(id);
  assert.equal(j.status, 'completed', JSON.stringify(j));
  const p = (await s.api('GET', `${B}/${id}/xtm.progress`, { token })).body;
  assert.equal(p.dataConsistencyScore, 'Investigate');
  const w = p.users[0].workloads[0];
  assert.equal(w.skippedItems.length, 1);
  assert.match(w.skippedItems[0].reason, /^CorruptItem/);
  assert.equal(w.targetItemCount, w.sourceItemCount - 1);
  assert.match((await exchange(id, LYNNE.tgt)).message, /^Completed with Data Consistency Score Investigate: 1 item\(s\) skipped\.$/);
  assertGraphError(await s.api('POST', `${B}/${id}/xtm.approveSkippedItems`, { token }), 409, 'Conflict', /only while the job is adminActionRequired\. Current status is completed\./);
});

test('an auxiliary archive provisioned during the move fails it with SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException', () => onFreshServer(async () => {
  const now = Date.parse((await admin('GET', 'clock')).now);
  const id = await createValidated('aux wave', [MEGAN.tgt], new Date(now + 3 * 86_400_000).toISOString());
  await fault(MEGAN.upn, 'auxArchiveDuringMove', { afterPass: 1 });
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token })).status, 200);
  await s.queue.drain();
  const ex = await exchange(id, MEGAN.tgt);
  assert.equal(ex.status, 'failed', JSON.stringify(ex));
  assert.equal(ex.errors[0].code, 'SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException');
  const j = await job(id);
  assert.equal(j.status, 'failed', JSON.stringify(j));
  // A failed job can be retried (and fails the same way while the archive exists).
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token })).status, 200);
}));

test('an item over the 150 MB maximum item size is skipped (LargeItem), never copied, and graded like any skipped item', () => onFreshServer(async () => {
  const big = 150 * 1024 * 1024 + 1;
  const added = await admin('POST', `tenants/${SRC}/users/${MEGAN.src}/mailItems`, { folder: 'inbox', subject: 'Too large to move', sizeBytes: big });
  await admin('POST', `tenants/${SRC}/users/${MEGAN.src}/mailItems`, { folder: 'inbox', subject: 'Exactly at the limit', sizeBytes: 150 * 1024 * 1024 });
  const sourceItems = await itemCount(SRC, MEGAN.src);
  const now = Date.parse((await admin('GET', 'clock')).now);
  const id = await createValidated('large item wave', [MEGAN.tgt], new Date(now + 86_400_000).toISOString());
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token })).status, 200);
  await s.queue.drain();
  const synced = await exchange(id, MEGAN.tgt);
  assert.equal(synced.status, 'synced', JSON.stringify(synced));
  const subjects = (await s.deps.store.db.selectFrom('mail_items').select('subject').where('tenant_id', '=', TGT).where('user_id', '=', MEGAN.tgt).execute()).map((r) => r.subject);
  assert.ok(!subjects.includes('Too large to move'), 'the large item is not copied');
  assert.ok(subjects.includes('Exactly at the limit'), 'an item at the limit moves');

  await advance('P1D');
  assert.equal((await job(id)).status, 'adminActionRequired');
  assert.equal((await s.api('POST', `${B}/${id}/xtm.approveSkippedItems`, { token })).status, 202);
  await s.queue.drain();
  assert.equal((await job(id)).status, 'completed');
  const w = (await s.api('GET', `${B}/${id}/xtm.progress`, { token })).body.users[0].workloads[0];
  assert.equal(w.skippedItems.length, 1, JSON.stringify(w.skippedItems));
  assert.equal(w.skippedItems[0].sourceItemId, added.id);
  assert.match(w.skippedItems[0].reason, /^The item is 157286401 bytes, over the 157286400-byte maximum item size \(LargeItem\)\.$/);
  assert.equal(w.sourceItemCount, sourceItems);
  assert.equal(w.targetItemCount, sourceItems - 1);
  assert.equal(w.itemsDone + 1, w.itemsTotal, JSON.stringify(w));
  assert.equal(await itemCount(TGT, MEGAN.tgt), sourceItems - 1);
}));

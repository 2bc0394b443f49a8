// The migration engine end to end over HTTP on the demo scenario (clock moved through the admin API):
// Exchange initial sync, an incremental pass (add, change, delete), cutover at completeAfterDateTime,
// source conversion, target reads; 409s after cutover; cancel before cutover leaves the target clean;
// a user failing migrate's re-check fails alone and migrate retries only that user.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOBS as B, SRC, TGT, adminOk, advanceAndDrain, demoPair, demoToken, startDemoServer } from './http.js';
import type { TestServer } from '../helpers.js';
import { assertGraphError } from '../jobs/util.js';

const MEGAN = demoPair(1);
const ALEX = demoPair(2);
const LYNNE = demoPair(3);

let s: TestServer;
let tgtToken: string;
let srcToken: string;

before(async () => {
  s = await startDemoServer();
  tgtToken = await demoToken(s, 'target');
  srcToken = await demoToken(s, 'source');
});
after(() => s?.stop());

const admin = (method: string, path: string, body?: unknown) => adminOk(s, method, path, body);
const advance = (by: string) => advanceAndDrain(s, by);
async function job(id: string) {
  return (await s.api('GET', `${B}/${id}`, { token: tgtToken })).body;
}
async function user(id: string, userId: string) {
  const u = (await s.api('GET', `${B}/${id}/users/${userId}`, { token: tgtToken })).body;
  return Object.fromEntries(u.currentStatus.map((x: any) => [x.service, x]));
}
async function createValidated(name: string, resources: string[], workloads = ['Exchange'], completeAfter = '2026-06-03T00:00:00Z') {
  const res = await s.api('POST', B, {
    token: tgtToken,
    body: {
      displayName: name, completeAfterDateTime: completeAfter, sourceTenantId: SRC, resourceType: 'Users', resources, workloads,
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal((await s.api('POST', `${B}/${res.body.id}/validate`, { token: tgtToken })).status, 200);
  await s.queue.drain();
  const j = await job(res.body.id);
  assert.equal(j.status, 'validatePassed', JSON.stringify(j));
  return res.body.id as string;
}

/** Every item of a mailbox as Graph shows it: messages, events, contacts (subject-sorted). */
async function mailbox(token: string, userId: string) {
  const all = async (set: string, field: string) => {
    const out: string[] = [];
    for (let url: string | undefined = `/beta/users/${userId}/${set}?$top=999&$select=${field}`; url; ) {
      const r = await s.api('GET', url.replace(/^https?:\/\/[^/]+/, ''), { token });
      assert.equal(r.status, 200, r.text);
      out.push(...r.body.value.map((v: any) => v[field]));
      url = r.body['@odata.nextLink'];
    }
    return out.sort();
  };
  const messages = await all('messages', 'subject');
  // Outbox never moves (migration-domain.md rule 25).
  const outbox = await s.api('GET', `/beta/users/${userId}/mailFolders/outbox/messages?$top=999&$select=subject`, { token });
  for (const m of outbox.status === 200 ? outbox.body.value : []) messages.splice(messages.indexOf(m.subject), 1);
  return { messages, events: await all('events', 'subject'), contacts: await all('contacts', 'displayName') };
}

function itemRows(tenant: string, userId: string) {
  return s.deps.store.db.selectFrom('mail_items').select(['id', 'subject', 'folder_id']).where('tenant_id', '=', tenant).where('user_id', '=', userId).execute();
}

test('Exchange: initial sync, incremental pass (add, change, delete), cutover, source conversion, target reads', async () => {
  const id = await createValidated('exchange wave', [MEGAN.tgt, ALEX.tgt]);
  const before = await mailbox(srcToken, MEGAN.src);
  assert.ok(before.messages.length > 3 && before.events.length + before.contacts.length > 0, JSON.stringify(before));

  // The target MailUser has no mailbox yet.
  assertGraphError(await s.api('GET', `/beta/users/${MEGAN.tgt}/messages`, { token: tgtToken }), 404, 'MailboxNotEnabledForRESTAPI', /./);

  const m = await s.api('POST', `${B}/${id}/migrate`, { token: tgtToken });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.status, 'processing');
  assert.equal(m.body.jobType, 'migrate');
  assert.equal(m.body.message, 'Migration job has been submitted successfully');
  await s.queue.drain();

  let j = await job(id);
  assert.equal(j.status, 'inProgress', JSON.stringify(j));
  const ex = (await user(id, MEGAN.tgt)).Exchange;
  assert.equal(ex.status, 'synced', JSON.stringify(ex));
  assert.match(ex.message, /^Synced: (\d+)\/\1 items/);
  const p = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgtToken })).body;
  const pm = p.users.find((u: any) => u.id === MEGAN.tgt).workloads[0];
  assert.equal(pm.itemsDone, pm.itemsTotal);
  assert.ok(pm.itemsTotal > 0 && pm.bytesDone === pm.bytesTotal && pm.syncPasses === 1, JSON.stringify(pm));

  // Source changes after the initial sync: one added, one changed, one deleted.
  const src = (await itemRows(SRC, MEGAN.src)).filter((r) => r.subject.length > 0);
  const srcMsgs = (await s.api('GET', `/beta/users/${MEGAN.src}/messages?$top=999&$select=id,subject`, { token: srcToken })).body.value as { id: string; subject: string }[];
  const [changed, deleted] = [srcMsgs[0]!, srcMsgs[1]!];
  assert.ok(src.length > 0);
  await admin('POST', `tenants/${SRC}/users/${MEGAN.src}/mailItems`, { folder: 'inbox', subject: 'Added after the initial sync' });
  await admin('PATCH', `tenants/${SRC}/users/${MEGAN.src}/mailItems/${changed.id}`, { subject: 'Changed after the initial sync' });
  await admin('DELETE', `tenants/${SRC}/users/${MEGAN.src}/mailItems/${deleted.id}`);
  const expected = await mailbox(srcToken, MEGAN.src);

  await advance('P1D'); // one IncrementalSyncInterval: an incremental pass, still before cutover
  assert.equal((await job(id)).status, 'inProgress');
  const p2 = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgtToken })).body.users.find((u: any) => u.id === MEGAN.tgt).workloads[0];
  assert.equal(p2.syncPasses, 2, JSON.stringify(p2));

  await advance('P1D'); // completeAfterDateTime: cutover
  j = await job(id);
  assert.equal(j.status, 'completed', JSON.stringify(j));
  assert.equal(j.message, 'The batch and all of its users have been successfully migrated with no failures.');
  for (const u of [MEGAN, ALEX]) assert.equal((await user(id, u.tgt)).Exchange.status, 'completed');

  // 409s after cutover.
  assertGraphError(await s.api('POST', `${B}/${id}/cancel`, { token: tgtToken }), 409, 'Conflict', 'Cancel is not possible. Current status is completed');
  assertGraphError(await s.api('POST', `${B}/${id}/validate`, { token: tgtToken }), 409, 'Conflict', "Validation can't be started because the current status is completed.");

  // Target reads the moved items with the target's token, exactly the source's (after its changes).
  const moved = await mailbox(tgtToken, MEGAN.tgt);
  assert.deepEqual(moved, expected);
  assert.ok(moved.messages.includes('Added after the initial sync') && moved.messages.includes('Changed after the initial sync'));
  assert.ok(!moved.messages.includes(changed.subject) || expected.messages.includes(changed.subject));
  // Every item exactly once (ids rewritten, none duplicated).
  const rows = await itemRows(TGT, MEGAN.tgt);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  assert.ok(rows.every((r) => r.id.startsWith('AAMk')));

  // Source conversion: no mailbox any more, a MailUser pointing at the target.
  assertGraphError(await s.api('GET', `/beta/users/${MEGAN.src}/messages`, { token: srcToken }), 404, 'MailboxNotEnabledForRESTAPI', /./);
  const srcRecipient = await admin('GET', `tenants/${SRC}/recipients/${MEGAN.src}`);
  assert.equal(srcRecipient.recipientTypeDetails ?? srcRecipient.recipientType, 'MailUser', JSON.stringify(srcRecipient));
  assert.match(String(srcRecipient.externalEmailAddress), /^SMTP:megan\.bowen@fabrikam\.onmicrosoft\.com$/i);
  const tgtRecipient = await admin('GET', `tenants/${TGT}/recipients/${MEGAN.tgt}`);
  assert.equal(tgtRecipient.recipientTypeDetails ?? tgtRecipient.recipientType, 'UserMailbox', JSON.stringify(tgtRecipient));

  const p3 = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgtToken })).body;
  assert.equal(p3.dataConsistencyScore, 'Perfect');
  const w = p3.users.find((u: any) => u.id === MEGAN.tgt).workloads[0];
  assert.equal(w.sourceItemCount, w.targetItemCount);

  // Delete purges the job's migration data; the moved content stays.
  assert.equal((await s.api('DELETE', `${B}/${id}`, { token: tgtToken })).status, 202);
  await s.queue.drain();
  assert.equal((await job(id)).status, 'deleted');
  assert.equal(Number((await s.deps.store.db.selectFrom('migration_item_map').select((eb) => eb.fn.countAll().as('n')).where('job_id', '=', id).executeTakeFirstOrThrow()).n), 0);
  assert.deepEqual(await mailbox(tgtToken, MEGAN.tgt), expected);
});

test('cancel before cutover: pendingCancel → cancelled, nothing copied stays in the target', async () => {
  const id = await createValidated('cancel wave', [LYNNE.tgt], ['Exchange'], '2026-07-01T00:00:00Z');
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token: tgtToken })).status, 200);
  await s.queue.drain();
  assert.equal((await user(id, LYNNE.tgt)).Exchange.status, 'synced');
  assert.ok((await itemRows(TGT, LYNNE.tgt)).length > 0, 'the initial sync copied items');
  const c = await s.api('POST', `${B}/${id}/cancel`, { token: tgtToken });
  assert.equal(c.status, 202, c.text);
  assert.equal(c.body.status, 'pendingCancel');
  await s.queue.drain();
  assert.equal((await job(id)).status, 'cancelled');
  assert.equal((await user(id, LYNNE.tgt)).Exchange.status, 'cancelled');
  assert.equal((await itemRows(TGT, LYNNE.tgt)).length, 0);
  const folders = await s.deps.store.db.selectFrom('mail_folders').select('id').where('tenant_id', '=', TGT).where('user_id', '=', LYNNE.tgt).execute();
  assert.equal(folders.length, 0);
  assert.equal((await admin('GET', `tenants/${TGT}/recipients/${LYNNE.tgt}`)).recipientTypeDetails ?? 'MailUser', 'MailUser');
  assert.ok((await itemRows(SRC, LYNNE.src)).length > 0, 'the source is untouched');
});

test('an incremental pass reads the change log: a mailbox it logs nothing for is not compared item by item', async () => {
  const id = await createValidated('quiet wave', [LYNNE.tgt], ['Exchange'], '2026-07-10T00:00:00Z');
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token: tgtToken })).status, 200);
  await s.queue.drain();
  assert.equal((await user(id, LYNNE.tgt)).Exchange.status, 'synced');
  const db = s.deps.store.db;
  const head = async () => Number((await db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('s')).executeTakeFirstOrThrow()).s ?? 0);
  const subjects = async () => (await itemRows(TGT, LYNNE.tgt)).map((r) => r.subject);

  // A write the change log does not hold (its entries removed): the next pass trusts the log and copies nothing.
  const before = await head();
  await admin('POST', `tenants/${SRC}/users/${LYNNE.src}/mailItems`, { folder: 'inbox', subject: 'Unlogged' });
  await db.deleteFrom('changes').where('seq', '>', before).execute();
  await advance('P1D');
  const p2 = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgtToken })).body.users[0].workloads[0];
  assert.equal(p2.syncPasses, 2, JSON.stringify(p2));
  assert.ok(!(await subjects()).includes('Unlogged'), 'a mailbox with nothing in the log was not compared');

  // A logged change makes the next pass compare the whole mailbox: the unlogged item comes along too.
  await admin('POST', `tenants/${SRC}/users/${LYNNE.src}/mailItems`, { folder: 'inbox', subject: 'Logged' });
  await advance('P1D');
  const after = await subjects();
  assert.ok(after.includes('Logged') && after.includes('Unlogged'), JSON.stringify(after));
  assert.equal(new Set((await itemRows(TGT, LYNNE.tgt)).map((r) => r.id)).size, after.length, 'every item once');
});

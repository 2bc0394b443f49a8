// Teams chats and meetings through the whole product over HTTP: an Exchange + Teams + Meeting migration on the demo
// scenario with faults set through the admin API (a permanent Teams error for one user, transient ones
// for another), the clock moved through the admin API, the moved chats read back with the target's token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { JOBS as B, SRC, adminOk, demoPair, demoToken, startDemoServer } from './http.js';
import type { TestServer } from '../helpers.js';

const MEGAN = demoPair(1);
const ALEX = demoPair(2);

let s: TestServer;
let tgt: string;

before(async () => {
  s = await startDemoServer();
  tgt = await demoToken(s, 'target');
});
after(() => s?.stop());

const admin = (method: string, path: string, body?: unknown) => adminOk(s, method, path, body);
const get = async (path: string) => {
  const r = await s.api('GET', path, { token: tgt });
  assert.equal(r.status, 200, r.text);
  return r.body;
};
const statusOf = async (id: string, userId: string) => Object.fromEntries((await get(`${B}/${id}/users/${userId}`)).currentStatus.map((x: any) => [x.service, x]));

test('Exchange, Teams and Meeting: chats and meetings move after the cutover; a permanent Teams fault fails that user alone; transient ones are retried', async () => {
  await admin('POST', `tenants/${SRC}/migrationFaults`, { user: ALEX.src, workload: 'Teams', kind: 'permanentError' });
  await admin('POST', `tenants/${SRC}/migrationFaults`, { user: MEGAN.src, workload: 'Meeting', kind: 'transientError', count: 2 });
  const created = await s.api('POST', B, {
    token: tgt,
    body: {
      displayName: 'teams wave', completeAfterDateTime: '2026-06-02T00:00:00Z', sourceTenantId: SRC, resourceType: 'Users', resources: [MEGAN.tgt, ALEX.tgt],
      workloads: ['Exchange', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  assert.equal((await s.api('POST', `${B}/${id}/validate`, { token: tgt })).status, 200);
  await s.queue.drain();
  assert.equal((await get(`${B}/${id}`)).status, 'validatePassed');
  const megansChats = (await s.deps.store.db.selectFrom('chat_members').select('chat_id').where('tenant_id', '=', SRC).where('user_id', '=', MEGAN.src).execute()).length;

  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token: tgt })).status, 200);
  await s.queue.drain();
  // Before the cutover nothing of Teams has moved.
  assert.equal((await get(`/beta/users/${MEGAN.tgt}/chats`)).value.length, 0);
  for (let i = 0; i < 6 && !['completed', 'completedWithErrors', 'failed'].includes((await get(`${B}/${id}`)).status); i++) {
    await admin('POST', 'clock/advance', { by: 'PT12H' });
    await s.queue.drain();
  }
  const j = await get(`${B}/${id}`);
  assert.equal(j.status, 'completedWithErrors', JSON.stringify(j));

  const megan = await statusOf(id, MEGAN.tgt);
  assert.equal(megan.Teams.status, 'completed', JSON.stringify(megan.Teams));
  assert.match(megan.Teams.message, new RegExp(`^Teams migration for user ${MEGAN.tgt} completed\\. (\\d+)/\\1 \\(100%\\) messages imported successfully \\(>= 80% threshold\\)\\. (\\d+)/\\2 \\(100%\\) threads imported successfully \\(>= 90% threshold\\)\\. Request Id: [0-9a-f-]{36}\\. Batch Id: ${id}\\.$`));
  assert.equal(megan.Meeting.status, 'completed', `transient meeting faults are retried: ${JSON.stringify(megan.Meeting)}`);
  assert.match(megan.Meeting.message, /meetings migrated/);
  const alex = await statusOf(id, ALEX.tgt);
  assert.equal(alex.Teams.status, 'failed');
  assert.deepEqual(alex.Teams.errors, [{ code: 'MIGR-003', message: 'User alex.wilber@contoso.com migration failed. Please retry user migration.' }]);
  assert.equal(alex.Exchange.status, 'completed');
  assert.equal(alex.Meeting.status, 'completed');
  const faults = (await admin('GET', `tenants/${SRC}/migrationFaults?user=${MEGAN.src}`)).value;
  assert.equal(faults[0].remaining, 0, 'both transient failures were taken');

  // The moved chats, read through Graph with the target's token: members are Fabrikam users.
  const chats = (await get(`/beta/users/${MEGAN.tgt}/chats?$top=50`)).value as { id: string; topic: string | null }[];
  assert.ok(chats.length > 0 && chats.length <= megansChats, `${chats.length} of ${megansChats}`);
  const falcon = chats.find((c) => c.topic === 'Falcon launch');
  assert.ok(falcon, 'the group chat Megan started moved');
  const members = (await get(`/beta/chats/${encodeURIComponent(falcon.id)}/members`)).value as { userId: string }[];
  assert.deepEqual(members.map((m) => m.userId).sort(), [MEGAN.tgt, ALEX.tgt, demoPair(3).tgt].sort());
  const msgs = (await get(`/beta/chats/${encodeURIComponent(falcon.id)}/messages`)).value as { body: { content: string } }[];
  assert.deepEqual(msgs.map((m) => m.body.content).sort(), ['Kick-off at 10?', 'Mockups are in the Falcon site', 'Works for me']);
});

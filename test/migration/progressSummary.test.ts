// xtm.progressSummary over HTTP on the demo scenario: users by status and the validation reasons of
// the failing one, then per-workload counts and totals through a migration (checked against the full
// xtm.progress document), addressing by displayName, permissions; and the rate sampler on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOBS as B, SRC, adminOk, advanceAndDrain, demoPair, demoToken, startDemoServer } from './http.js';
import type { TestServer } from '../helpers.js';
import { ItemRates } from '../../src/engine/migration/progressSummary.js';

const MEGAN = demoPair(1);
const ALEX = demoPair(2);
const HOLD = { tgt: 'f2000000-0000-4000-8000-000000000013' };

let s: TestServer;
let tgt: string;
before(async () => {
  s = await startDemoServer();
  tgt = await demoToken(s, 'target');
});
after(() => s?.stop());

const summary = async (key: string, token = tgt) => {
  const r = await s.api('GET', `${B}${key.startsWith('(') ? key : `/${key}`}/xtm.progressSummary`, { token });
  assert.equal(r.status, 200, r.text);
  return r.body;
};

test('progressSummary: validation reasons, then counts and totals through a migration', async () => {
  const now = Date.parse((await s.api('GET', '/xtm/admin/clock', { token: null })).body.now);
  const c = await s.api('POST', B, {
    token: tgt,
    body: {
      displayName: 'summary wave', completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users',
      resources: [MEGAN.tgt, ALEX.tgt, HOLD.tgt], workloads: ['Exchange', 'ODSP'],
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    },
  });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id as string;

  const fresh = await summary(id);
  assert.match(fresh['@odata.context'], /\$metadata#xtm\.progressSummary$/);
  assert.deepEqual(fresh.users, { total: 3, byStatus: { notStarted: 3 } });
  assert.deepEqual(fresh.workloads.map((w: any) => [w.workload, w.users, w.itemsTotal]), [['exchange', { notStarted: 3 }, 0], ['oneDrive', { notStarted: 3 }, 0]]);
  assert.deepEqual(fresh.attention, []);

  await s.api('POST', `${B}/${id}/validate`, { token: tgt });
  await s.queue.drain();
  const failed = await summary(`(displayName='summary%20wave')`);
  assert.equal(failed.jobId, id);
  assert.equal(failed.status, 'validateFailed');
  assert.deepEqual(failed.users, { total: 3, byStatus: { valid: 2, invalid: 1 } });
  const reason = failed.attention.find((a: any) => a.userId === HOLD.tgt && a.workload === 'exchange');
  assert.ok(reason, JSON.stringify(failed.attention));
  assert.equal(reason.status, 'invalid');
  assert.equal(reason.userPrincipalName, 'fault-litigation-hold@fabrikam.com');
  assert.match(reason.message, /^EXCH-08: SOURCE mailbox is under Litigation Hold/);

  // Fixed the way an Exchange admin would; validation passes and the migration starts.
  await adminOk(s, 'PATCH', 'tenants/contoso.onmicrosoft.com/recipients/fault-litigation-hold@contoso.com', { holds: { litigationHoldEnabled: false } });
  await s.api('POST', `${B}/${id}/validate`, { token: tgt });
  await s.queue.drain();
  assert.deepEqual((await summary(id)).users.byStatus, { valid: 3 });
  assert.equal((await s.api('POST', `${B}/${id}/migrate`, { token: tgt })).status, 200);
  await s.queue.drain();
  const synced = await summary(id);
  const exchange = synced.workloads.find((w: any) => w.workload === 'exchange');
  assert.deepEqual(exchange.users, { synced: 3 }, JSON.stringify(synced.workloads));
  assert.ok(exchange.itemsTotal > 0 && exchange.itemsDone === exchange.itemsTotal, JSON.stringify(exchange));
  assert.deepEqual(synced.workloads.find((w: any) => w.workload === 'oneDrive').users, { waiting: 3 });
  assert.deepEqual(synced.slowestUsers, [], 'moves waiting for cutover are not slow');

  await advanceAndDrain(s, 'P1D');
  const done = await summary(id);
  const full = (await s.api('GET', `${B}/${id}/xtm.progress`, { token: tgt })).body;
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.users.byStatus, { completed: 3 });
  assert.equal(done.dataConsistencyScore, full.dataConsistencyScore);
  assert.deepEqual(done.slowestUsers, [], 'no move is still running');
  for (const w of done.workloads) {
    const name = { exchange: 'Exchange', oneDrive: 'ODSP' }[w.workload as 'exchange' | 'oneDrive'];
    const { itemsDone, itemsTotal, bytesDone, bytesTotal } = full.totals[name];
    assert.deepEqual({ itemsDone: w.itemsDone, itemsTotal: w.itemsTotal, bytesDone: w.bytesDone, bytesTotal: w.bytesTotal }, { itemsDone, itemsTotal, bytesDone, bytesTotal }, w.workload);
    assert.deepEqual(w.users, { completed: 3 });
  }
  assert.ok(Date.parse(done.lastUpdatedDateTime) >= Date.parse(done.completeAfterDateTime));

  // xtm.progress pages its users with $top/$skip; totals and score stay the whole job's.
  const first = (await s.api('GET', `${B}/${id}/xtm.progress?$top=2`, { token: tgt })).body;
  assert.deepEqual(first.users.map((u: any) => u.id), full.users.slice(0, 2).map((u: any) => u.id));
  assert.deepEqual([first.totals, first.dataConsistencyScore], [full.totals, full.dataConsistencyScore]);
  const next = new URL(first['@odata.nextLink']);
  assert.equal(next.searchParams.get('$skip'), '2');
  const second = (await s.api('GET', next.pathname + next.search, { token: tgt })).body;
  assert.deepEqual(second.users, full.users.slice(2));
  assert.equal(second['@odata.nextLink'], undefined);
  assert.equal((await s.api('GET', `${B}/${id}/xtm.progress?$top=0`, { token: tgt })).status, 400);

  // The read-only app may read it; an unknown job is the same 404 as the other job routes.
  const reader = await s.token('22222222-2222-4222-8222-222222222222', '55555555-5555-4555-8555-555555555555', 'xtm-demo-secret');
  assert.equal((await summary(id, reader)).jobId, id);
  const missing = await s.api('GET', `${B}/00000000-0000-4000-8000-000000000000/xtm.progressSummary`, { token: tgt });
  const plain = await s.api('GET', `${B}/00000000-0000-4000-8000-000000000000`, { token: tgt });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, plain.body.error.code);
  assert.equal((await s.api('GET', `${B}/${id}/xtm.progressSummary`, { token: null })).status, 401);
});

test('ItemRates: items per second over the window, null until two reads 250 ms apart, a drop restarts', () => {
  let t = 0;
  const r = new ItemRates(10_000, () => t);
  assert.equal(r.sample('j', 0), null);
  t = 100;
  assert.equal(r.sample('j', 50), null);
  t = 1000;
  assert.equal(r.sample('j', 500), 500);
  t = 21_000;
  assert.equal(r.sample('j', 10_500), 500, 'samples older than the window drop out, one baseline stays');
  t = 22_000;
  assert.equal(r.sample('j', 100), null, 'a count that went down starts over');
});

// xtm.progressSummary while moves are in flight, from move rows written straight to the store (the
// engine copies too fast under a manual clock to catch it mid-move): the slowest moves in order,
// failed moves and skipped items awaiting approval in `attention`, a user's status as the most
// pressing of its workloads', totals summed per workload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, guid, jobBody, T, type TestServer } from '../helpers.js';
import { migrationRepo } from '../../src/store/migrationRepo.js';
import { jobsRepo } from '../../src/store/jobsRepo.js';
import type { MovePhase } from '../../src/domain/movePhases.js';

const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
let s: TestServer;
before(async () => {
  s = await startServer({}, { seed: async (store) => (await import('../helpers.js')).seedBasic(store, { source: [], target: [guid(1), guid(2), guid(3)] }) });
});
after(() => s?.stop());

test('summary of moves in flight: slowest, attention, users by status, totals', async () => {
  const c = await s.api('POST', B, { body: jobBody({ workloads: ['Exchange', 'ODSP'] }) });
  assert.equal(c.status, 201, c.text);
  const id = c.body.id as string;
  const db = s.deps.store.db;
  const now = '2026-06-01T00:00:00.000Z';
  const move = (userId: string, workload: 'Exchange' | 'ODSP') => ({ jobId: id, userId, workload });
  const phase = (n: number, w: 'Exchange' | 'ODSP') => (w === 'Exchange' ? (n === 3 ? 'awaitingApproval' : 'syncing') : n === 2 ? 'failed' : 'waiting') as MovePhase;
  await migrationRepo.startMoves(db, [1, 2, 3].flatMap((n) => (['Exchange', 'ODSP'] as const).map((w) => ({
    ...move(guid(n), w), tenantId: T.target, sourceTenantId: T.source, sourceUserId: null, phase: phase(n, w), nowIso: now,
    ...(phase(n, w) === 'failed' ? { errorCode: 'MIGR-003', errorMessage: 'The OneDrive could not be moved.' } : {}),
  }))));
  await migrationRepo.patch(db, move(guid(1), 'Exchange'), { itemsTotal: 100, itemsDone: 10, bytesTotal: 1000, bytesDone: 100 });
  await migrationRepo.patch(db, move(guid(2), 'Exchange'), { itemsTotal: 100, itemsDone: 50, bytesTotal: 1000, bytesDone: 500 });
  await migrationRepo.patch(db, move(guid(3), 'Exchange'), { itemsTotal: 40, itemsDone: 40, consistency: 'Investigate' });
  await migrationRepo.patch(db, move(guid(2), 'ODSP'), { updatedAt: '2026-06-01T01:00:00.000Z' });
  const statuses = (ex: string, od: string) => [{ service: 'Exchange' as const, status: ex as any, message: '', errors: [] }, { service: 'ODSP' as const, status: od as any, message: '', errors: [] }];
  await jobsRepo.saveTaskStatuses(db, id, [
    { id: guid(1), currentStatus: statuses('syncing', 'synced') },
    { id: guid(2), currentStatus: statuses('syncing', 'failed') },
    { id: guid(3), currentStatus: statuses('synced', 'synced') },
  ], now);

  const r = await s.api('GET', `${B}/${id}/xtm.progressSummary`);
  assert.equal(r.status, 200, r.text);
  const sum = r.body;
  assert.deepEqual(sum.users, { total: 3, byStatus: { syncing: 1, failed: 1, synced: 1 } });
  const ex = sum.workloads.find((w: any) => w.workload === 'exchange');
  assert.deepEqual({ users: ex.users, itemsDone: ex.itemsDone, itemsTotal: ex.itemsTotal, bytesDone: ex.bytesDone, bytesTotal: ex.bytesTotal }, { users: { syncing: 2, awaitingApproval: 1 }, itemsDone: 100, itemsTotal: 240, bytesDone: 600, bytesTotal: 2000 });
  assert.deepEqual(sum.workloads.find((w: any) => w.workload === 'oneDrive').users, { waiting: 2, failed: 1 });
  assert.equal(sum.dataConsistencyScore, 'Investigate');
  // Moves copying now, least done first; waiting, failed and awaiting ones are not listed.
  assert.deepEqual(sum.slowestUsers.map((u: any) => [u.userId, u.workload, u.itemsDone, u.itemsTotal]), [
    [guid(1), 'exchange', 10, 100],
    [guid(2), 'exchange', 50, 100],
  ]);
  assert.deepEqual(sum.attention.map((a: any) => [a.userId, a.workload, a.status]), [[guid(3), 'exchange', 'awaitingApproval'], [guid(2), 'oneDrive', 'failed']]);
  assert.equal(sum.attention[1].message, 'MIGR-003: The OneDrive could not be moved.');
  assert.equal(sum.attention[1].userPrincipalName, `${guid(2)}@x.onmicrosoft.com`);
  assert.match(sum.attention[0].message, /approveSkippedItems/);
});

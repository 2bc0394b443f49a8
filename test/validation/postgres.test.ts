// The snapshot queries on PostgreSQL (counts and sums come back as strings there, lower() and
// length() must behave the same): same world, same faults, same results as on SQLite.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore, type Store } from '../../src/store/db.js';
import { runValidation } from '../../src/engine/validation/runValidation.js';
import { loadValidationInput } from '../../src/engine/validation/snapshot.js';
import { job as makeJob, NOW, SRC } from './fixture.js';
import { seedSourceId, seedTargetId, seedWorld } from './seedStore.js';
import { createTempDatabase, pgUnreachable } from '../pg.js';

async function results(store: Store) {
  const { targetIds } = await seedWorld(store, { users: 4, nowMs: NOW });
  await store.db.updateTable('recipients').set({ holds: JSON.stringify({ litigationHoldEnabled: true }) })
    .where('tenant_id', '=', SRC).where('id', '=', seedSourceId(2)).execute();
  await store.db.updateTable('organization_relationships').set({ mailbox_move_published_scopes: JSON.stringify(['T2T-SCOPE']) })
    .where('tenant_id', '=', SRC).execute(); // by name, another case: resolved case-insensitively
  const job = { ...makeJob([]), resources: targetIds };
  const { users } = await loadValidationInput(store, job, targetIds, NOW);
  const out = await runValidation(store, job, targetIds, { nowMs: NOW, mode: 'all' });
  return { od: users[0]!.sourceOneDrive, meetings: users[0]!.meetingsOrganized, scope: users[0]!.scopeGroupIds, statuses: [...out.entries()] };
}

test('postgres: snapshot and results equal SQLite', { skip: (await pgUnreachable()) ?? false }, async () => {
  const pgdb = await createTempDatabase('validation');
  const pgStore = await openStore(pgdb.url);
  const lite = await openStore(':memory:');
  try {
    const [a, b] = [await results(pgStore), await results(lite)];
    assert.deepEqual(a, b);
    assert.equal(a.od?.itemCount, 5);
    assert.equal(a.meetings, 1);
    const u2 = a.statuses.find(([id]) => id === seedTargetId(2))![1];
    assert.deepEqual(u2.map((s) => s.status), ['invalid', 'valid', 'valid', 'valid']);
  } finally {
    await pgStore.close();
    await lite.close();
    await pgdb.drop();
  }
});

// Direct reads on SQLite never see a transaction's uncommitted rows: outside a transaction they read
// the connection directly; while one is open they wait for it through Kysely, as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/db.js';
import { jobsRepo } from '../../src/store/jobsRepo.js';
import { readRows } from '../../src/store/sqliteReads.js';

const row = (id: string, name: string) => ({
  id, tenant_id: 't', display_name: name, display_name_key: name, job_type: 'validate', status: 'submitted', message: '', complete_after: '2026-12-01T00:00:00.000Z', complete_after_sent: '2026-12-01T00:00:00.000Z',
  source_tenant_id: 's', exchange_settings: null, workloads: '["Exchange"]', resource_type: 'Users', resources: '[]', created_by: 'x',
  created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', validated_at: null, op_seq: 0,
});

test('a read during an open transaction waits for its commit and never sees it half-done', async () => {
  const store = await openStore(':memory:');
  try {
    await store.db.insertInto('migration_jobs').values(row('a', 'a')).execute();
    assert.equal((await jobsRepo.byId(store.db, 't', 'a'))?.displayName, 'a');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const trx = store.db.transaction().execute(async (t) => {
      await t.insertInto('migration_jobs').values(row('b', 'b')).execute();
      await gate; // the transaction stays open with an uncommitted row
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(store.sqlite!.inTransaction, true);
    let seen: unknown = 'pending';
    const read = jobsRepo.byId(store.db, 't', 'b').then((j) => (seen = j?.id));
    const page = readRows(store.db, store.db.selectFrom('migration_jobs').select('id').where('tenant_id', '=', 't').compile());
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen, 'pending', 'the read waited for the transaction');
    release();
    await trx;
    await read;
    assert.equal(seen, 'b', 'and then saw the committed row');
    assert.deepEqual((await page).map((r) => r.id).sort(), ['a', 'b']);
  } finally {
    await store.close();
  }
});

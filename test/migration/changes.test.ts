// Change tracking: triggers record every add, change and delete of tenant content in commit order; a
// bulk load leaves one reset mark per tenant; the admin API's replace (delete + insert) reads as a change.
// Same assertions on SQLite and PostgreSQL; on PostgreSQL also that numbering follows commit order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changesSince, currentSeq, type Change } from '../../src/store/changesRepo.js';
import { openStore, type Store } from '../../src/store/db.js';
import { loadScenario } from '../../src/tenants/scenario/index.js';
import { applyTenantChanges, deleteTenants } from '../../src/tenants/writers.js';
import { CONTOSO, FABRIKAM, frozenClock } from '../tenants/helpers.js';
import { withPostgres } from '../pg.js';

const clock = frozenClock();
const MEGAN = 'c1000000-0000-4000-8000-000000000001';
const ops = (cs: Change[]) => cs.map((c) => `${c.op} ${c.kind} ${c.itemId}`);

function mailItem(id: string, subject: string) {
  return {
    tenant_id: CONTOSO, user_id: MEGAN, id, folder_id: 'f', item_class: 'IPM.Note', subject, from_address: null, received_at: '2026-01-01T00:00:00.000Z',
    size_bytes: 10, body_preview: '', content_hash: null, is_read: 0, last_modified_at: '2026-01-01T00:00:00.000Z',
  };
}

async function scenarioAndWrites(store: Store): Promise<void> {
  const report = await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
  assert.ok(report.items.total > 1000);
  // The bulk load leaves one reset mark per tenant, not a row per item.
  const marks = await store.db.selectFrom('changes').selectAll().orderBy('seq').execute();
  assert.deepEqual(marks.map((m) => [m.tenant_id, m.op]).sort(), [[CONTOSO, 'reset'], [FABRIKAM, 'reset']]);
  const afterLoad = await currentSeq(store.db);
  assert.equal(afterLoad, Number(marks.at(-1)!.seq));
  const fromZero = await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['mailItem'], afterSeq: 0, limit: 100 });
  assert.deepEqual(fromZero.changes.map((c) => c.op), ['reset'], 'a cursor from before the load must rescan');

  // Writes as a migration or the engine makes them: add, change, delete, each seen once, in order.
  await store.db.insertInto('mail_items').values([mailItem('m1', 'one'), mailItem('m2', 'two')]).execute();
  await store.db.updateTable('mail_items').set({ subject: 'one, edited' }).where('tenant_id', '=', CONTOSO).where('id', '=', 'm1').execute();
  await store.db.deleteFrom('mail_items').where('tenant_id', '=', CONTOSO).where('user_id', '=', MEGAN).where('id', '=', 'm2').execute();
  const page = await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['mailItem'], afterSeq: afterLoad, limit: 100 });
  assert.deepEqual(ops(page.changes), ['add mailItem m1', 'delete mailItem m2'], 'm1 added then changed in one page is an add; m2 added then deleted is a tombstone');
  assert.equal(page.lastSeq, await currentSeq(store.db));
  assert.equal(page.more, false);

  // Raw order with a small page: every step visible, cursor moves, nothing seen twice.
  const seen: string[] = [];
  let cursor = afterLoad;
  for (;;) {
    const p = await changesSince(store.db, { tenantId: CONTOSO, kinds: ['mailItem'], afterSeq: cursor, limit: 1 });
    seen.push(...ops(p.changes));
    assert.ok(p.lastSeq > cursor || !p.more);
    cursor = p.lastSeq;
    if (!p.more) break;
  }
  assert.deepEqual(seen, ['add mailItem m1', 'add mailItem m2', 'change mailItem m1', 'delete mailItem m2']);

  // Filters: another owner, another kind, another tenant see none of it.
  const before = cursor;
  assert.deepEqual((await changesSince(store.db, { tenantId: CONTOSO, ownerId: 'someone-else', kinds: ['mailItem'], afterSeq: afterLoad, limit: 100 })).changes, []);
  assert.deepEqual((await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['driveItem'], afterSeq: afterLoad, limit: 100 })).changes, []);
  assert.deepEqual((await changesSince(store.db, { tenantId: FABRIKAM, kinds: ['mailItem'], afterSeq: afterLoad, limit: 100 })).changes, []);

  // An owner's page holds the tenant's owner-less entries too, merged by seq, and its limit spans both.
  const entry = (owner: string, item: string) => ({ tenant_id: CONTOSO, kind: 'mailItem', owner_id: owner, item_id: item, op: 'add' });
  for (const e of [entry('', 'x1'), entry('someone-else', 'x2'), entry(MEGAN, 'x3'), entry('', 'x4')]) await store.db.insertInto('changes').values(e).execute();
  const merged: string[] = [];
  for (let from = before, i = 0; i < 10; i++) {
    const p = await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['mailItem'], afterSeq: from, limit: 2 });
    merged.push(...ops(p.changes));
    from = p.lastSeq;
    if (!p.more) break;
  }
  assert.deepEqual(merged, ['add mailItem x1', 'add mailItem x3', 'add mailItem x4']);

  // A hold placed through the admin API (Set-Mailbox): the recipient row is replaced, read as one change.
  const res = await applyTenantChanges(store, clock, [{ tenantId: CONTOSO, meetings: [{
    id: 'a0000000-0000-4000-8000-000000000001', organizer: MEGAN, subject: 'Added by the admin API',
    startDateTime: '2026-02-01T10:00:00Z', endDateTime: '2026-02-01T11:00:00Z',
  }] }]);
  assert.ok(res.ok, JSON.stringify(res));
  await store.db.updateTable('recipients').set({ holds: JSON.stringify({ litigationHoldEnabled: true }) }).where('tenant_id', '=', CONTOSO).where('id', '=', MEGAN).execute();
  const admin = await changesSince(store.db, { tenantId: CONTOSO, kinds: ['meeting', 'recipient'], afterSeq: before, limit: 100 });
  assert.deepEqual(ops(admin.changes), ['add meeting a0000000-0000-4000-8000-000000000001', `change recipient ${MEGAN}`]);
  const again = await applyTenantChanges(store, clock, [{ tenantId: CONTOSO, meetings: [{
    id: 'a0000000-0000-4000-8000-000000000001', organizer: MEGAN, subject: 'Renamed', startDateTime: '2026-02-01T10:00:00Z', endDateTime: '2026-02-01T11:00:00Z',
  }] }]);
  assert.ok(again.ok);
  const replaced = await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['meeting'], afterSeq: admin.lastSeq, limit: 100 });
  assert.deepEqual(ops(replaced.changes), ['change meeting a0000000-0000-4000-8000-000000000001'], 'replace = delete + insert reads as a change');

  // Composite keys (permissions, chat members) and owners (site, chat).
  const chat = await store.db.selectFrom('chat_members').select(['chat_id', 'user_id']).where('tenant_id', '=', CONTOSO).executeTakeFirstOrThrow();
  await store.db.deleteFrom('chat_members').where('tenant_id', '=', CONTOSO).where('chat_id', '=', chat.chat_id).where('user_id', '=', chat.user_id).execute();
  const members = await changesSince(store.db, { tenantId: CONTOSO, ownerId: chat.chat_id, kinds: ['chatMember'], afterSeq: replaced.lastSeq, limit: 10 });
  assert.deepEqual(ops(members.changes), [`delete chatMember ${chat.user_id}`]);

  // Deleting a tenant is a bulk write too: one reset mark, no tombstone per row.
  const beforeDelete = await currentSeq(store.db);
  await deleteTenants(store, [FABRIKAM]);
  const afterDelete = await store.db.selectFrom('changes').selectAll().where('seq', '>', beforeDelete).execute();
  assert.deepEqual(afterDelete.map((r) => [r.tenant_id, r.op]), [[FABRIKAM, 'reset']]);
  assert.equal((await store.db.selectFrom('change_suspensions').selectAll().execute()).length, 0, 'tracking is back on');
}

test('sqlite: triggers record adds, changes and tombstones; bulk loads leave reset marks', async () => {
  const store = await openStore(':memory:');
  try {
    await scenarioAndWrites(store);
  } finally {
    await store.close();
  }
});

test('postgres: the same log, numbered in commit order', async (t) => {
  await withPostgres(t, 'changes', async (store) => {
    await scenarioAndWrites(store);
    // Transaction A writes first but commits last: its row must get the higher number, or a reader that
    // saw B's row and moved its cursor past it would never see A's.
    const start = await currentSeq(store.db);
    let releaseA!: () => void;
    const aWrote = new Promise<void>((resolve) => {
      void store.db.transaction().execute(async (trx) => {
        await trx.insertInto('mail_items').values(mailItem('early-writer', 'A')).execute();
        resolve();
        await new Promise<void>((r) => (releaseA = r));
      }).then(() => undefined);
    });
    await aWrote;
    await store.db.insertInto('mail_items').values(mailItem('late-writer', 'B')).execute();
    const mid = await changesSince(store.db, { tenantId: CONTOSO, kinds: ['mailItem'], afterSeq: start, limit: 10 });
    assert.deepEqual(ops(mid.changes), ['add mailItem late-writer']);
    releaseA();
    for (let i = 0; i < 50 && (await currentSeq(store.db)) < mid.lastSeq + 1; i++) await new Promise((r) => setTimeout(r, 20));
    const next = await changesSince(store.db, { tenantId: CONTOSO, kinds: ['mailItem'], afterSeq: mid.lastSeq, limit: 10 });
    assert.deepEqual(ops(next.changes), ['add mailItem early-writer']);
  });
});

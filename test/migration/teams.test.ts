// The Teams chat and meeting movers over the store, on the demo scenario, driven the way the
// orchestrator drives a workload (totals, chunks until the cursor is null, reconcile, finalize):
// new target threads with CTIM-mapped members, in-place swaps, source edits, quality thresholds,
// idempotent chunks, rollback; meetings with their organiser, exclusions, new join URLs, MMS-011.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { meetingsMover, NO_TARGET_MAILBOX } from '../../src/engine/migration/meetings.js';
import { teamsMover } from '../../src/engine/migration/teams.js';
import type { ChunkResult, UserMove, WorkloadMover } from '../../src/engine/migration/workload.js';
import { openStore, type Store } from '../../src/store/db.js';
import { loadScenario } from '../../src/tenants/scenario/index.js';
import { applyTenantChanges } from '../../src/tenants/writers.js';
import { CONTOSO as SRC, FABRIKAM as TGT, frozenClock } from '../tenants/helpers.js';
import { withPostgres } from '../pg.js';

const clock = frozenClock(); // 2026-01-01
const pair = (n: number) => ({ src: `c1000000-0000-4000-8000-00000000000${n}`, tgt: `f2000000-0000-4000-8000-00000000000${n}` });
const MEGAN = pair(1);
const ALEX = pair(2);
const LYNNE = pair(3);
const move = (p: { src: string; tgt: string }, jobId = 'job-1'): UserMove => ({
  jobId, taskId: p.tgt, sourceTenantId: SRC, targetTenantId: TGT, sourceUserId: p.src, targetUserId: p.tgt, targetDeliveryDomain: 'fabrikam.onmicrosoft.com',
});

async function drive(store: Store, mover: WorkloadMover, m: UserMove, limit: number) {
  const h = { store, clock, log: pino({ level: 'silent' }) };
  const totals = await mover.totals(m, h);
  const chunks: ChunkResult[] = [];
  let cursor: string | null = null;
  do {
    let committed: ChunkResult | undefined;
    const r: ChunkResult = await mover.copyChunk(m, cursor, limit, h, async (_trx, res) => { committed = res; });
    assert.deepEqual(committed, r, 'onCommit runs inside the chunk with its result');
    chunks.push(r);
    cursor = r.cursor;
  } while (cursor !== null);
  const rec = await mover.reconcile(m, h);
  return { totals, chunks, rec, h };
}

const count = async (store: Store, table: 'chats' | 'chat_members' | 'chat_messages' | 'meetings', tenant: string) =>
  Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenant).executeTakeFirstOrThrow()).n);

async function sourceChatsOf(store: Store, userId: string) {
  return store.db.selectFrom('chats as c').innerJoin('chat_members as m', (j) => j.onRef('m.tenant_id', '=', 'c.tenant_id').onRef('m.chat_id', '=', 'c.id'))
    .select(['c.id', 'c.chat_type', 'c.created_by']).where('c.tenant_id', '=', SRC).where('m.user_id', '=', userId).orderBy('c.id').execute();
}

async function scenario(store: Store) {
  await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
  // Exchange has cut Megan and Alex over (the meeting mover needs a target mailbox); Lynne has not.
  await store.db.updateTable('recipients').set({ recipient_type: 'UserMailbox', recipient_type_details: 'UserMailbox' })
    .where('tenant_id', '=', TGT).where('id', 'in', [MEGAN.tgt, ALEX.tgt]).execute();
  // A chat started by someone who left (no longer a user) and a system message: neither migrates.
  await store.db.insertInto('chats').values({ tenant_id: SRC, id: '19:departed@thread.v2', chat_type: 'group', topic: 'Old team', created_by: 'c1000000-0000-4000-8000-0000000000ff', created_at: '2025-01-01T00:00:00.000Z', migrated_to: null }).execute();
  await store.db.insertInto('chat_members').values([
    { tenant_id: SRC, chat_id: '19:departed@thread.v2', user_id: MEGAN.src, roles: '[]' }, { tenant_id: SRC, chat_id: '19:departed@thread.v2', user_id: ALEX.src, roles: '[]' },
  ]).execute();
}

async function teamsScenario(store: Store, t: TestContext) {
  await scenario(store);
  const before = await sourceChatsOf(store, MEGAN.src);
  const srcMessages = await count(store, 'chat_messages', SRC);
  const { totals, chunks, rec, h } = await drive(store, teamsMover, move(MEGAN), 7);
  assert.ok(chunks.length > 2, 'several chunks');
  assert.equal(chunks.reduce((a, c) => a + c.items, 0), totals.items, 'every message counted once');
  assert.equal(rec.outcome, 'completed');
  assert.equal(rec.sourceCount, totals.items);
  assert.equal(rec.targetCount, totals.items);
  assert.match(rec.message!, new RegExp(`^Teams migration for user ${MEGAN.tgt} completed\\. ${totals.items}/${totals.items} \\(100%\\) messages imported successfully \\(>= 80% threshold\\)\\. (\\d+)/\\1 \\(100%\\) threads imported successfully \\(>= 90% threshold\\)\\. Request Id: [0-9a-f-]{36}\\. Batch Id: job-1\\.$`));

  // New target threads: Megan's 1:1 chats and the group chats she started, not the departed user's.
  const moved = before.filter((c) => c.chat_type === 'oneOnOne' || c.created_by === MEGAN.src);
  const swapped = before.filter((c) => c.chat_type === 'group' && c.created_by !== MEGAN.src && c.id !== '19:departed@thread.v2');
  assert.ok(moved.length >= 3 && swapped.length >= 1, `${moved.length} moved, ${swapped.length} swapped`);
  const tag = MEGAN.tgt.replace(/-/g, '');
  for (const c of moved) {
    const targetId = `19:${tag}_${c.id.slice(3)}`;
    const tc = await store.db.selectFrom('chats').selectAll().where('tenant_id', '=', TGT).where('id', '=', targetId).executeTakeFirstOrThrow();
    assert.equal(tc.chat_type, c.chat_type);
    const srcMembers = await store.db.selectFrom('chat_members').select('user_id').where('tenant_id', '=', SRC).where('chat_id', '=', c.id).execute();
    const tgtMembers = (await store.db.selectFrom('chat_members').select('user_id').where('tenant_id', '=', TGT).where('chat_id', '=', targetId).execute()).map((r) => r.user_id).sort();
    // every member mapped through CTIM to a Fabrikam user (all demo users are mapped)
    assert.equal(tgtMembers.length, srcMembers.length);
    for (const u of tgtMembers) assert.ok((await store.db.selectFrom('users').select('id').where('tenant_id', '=', TGT).where('id', '=', u).executeTakeFirst()), `${u} is a target user`);
    assert.ok(tgtMembers.includes(MEGAN.tgt));
    const sm = await store.db.selectFrom('chat_messages').select(['id', 'body', 'created_at']).where('tenant_id', '=', SRC).where('chat_id', '=', c.id).where('message_type', '=', 'message').orderBy('id').execute();
    const tm = await store.db.selectFrom('chat_messages').select(['id', 'body', 'created_at', 'from_user_id']).where('tenant_id', '=', TGT).where('chat_id', '=', targetId).orderBy('id').execute();
    assert.deepEqual(tm.map(({ from_user_id: _f, ...x }) => x), sm);
    assert.ok(tm.every((x) => x.from_user_id?.startsWith('f2') || !x.from_user_id?.startsWith('c1')), 'senders mapped');
  }
  assert.equal(await count(store, 'chats', TGT), moved.length, 'no target thread for swapped or out-of-scope chats');

  // Idempotent: the whole copy again (a chunk whose commit landed before a crash) adds nothing.
  const rows = [await count(store, 'chats', TGT), await count(store, 'chat_members', TGT), await count(store, 'chat_messages', TGT)];
  await drive(store, teamsMover, move(MEGAN), 5);
  assert.deepEqual([await count(store, 'chats', TGT), await count(store, 'chat_members', TGT), await count(store, 'chat_messages', TGT)], rows);
  assert.equal(await count(store, 'chat_messages', SRC), srcMessages, 'the source keeps its messages');

  // Source threads edited: Megan swapped for her target identity; moved threads point to the new ones.
  await teamsMover.finalize(move(MEGAN), h);
  await teamsMover.finalize(move(MEGAN), h); // idempotent
  const after = await sourceChatsOf(store, MEGAN.tgt);
  assert.deepEqual(after.map((c) => c.id), [...moved, ...swapped].map((c) => c.id).sort());
  assert.deepEqual((await sourceChatsOf(store, MEGAN.src)).map((c) => c.id), ['19:departed@thread.v2']);
  for (const c of moved) {
    const row = await store.db.selectFrom('chats').select('migrated_to').where('tenant_id', '=', SRC).where('id', '=', c.id).executeTakeFirstOrThrow();
    assert.equal(row.migrated_to, `19:${tag}_${c.id.slice(3)}`);
  }
  t.diagnostic(`${moved.length} threads moved, ${swapped.length} swapped in place, ${totals.items} messages`);
}

async function qualityScenario(store: Store) {
  // Alex: a few corrupt messages stay under the 20 % bar (completed, CTTM-017, skipped items);
  const fault = (count: number) => applyTenantChanges(store, clock, [{ tenantId: SRC, migrationFaults: [{ user: ALEX.src, workload: 'Teams', kind: 'corruptItems', count }] }]);
  assert.ok((await fault(2)).ok);
  const a = await drive(store, teamsMover, move(ALEX, 'job-a'), 50);
  assert.equal(a.rec.outcome, 'completed');
  assert.equal(a.rec.targetCount, a.rec.sourceCount - 2);
  assert.deepEqual(a.rec.skipped.map((s) => s.reason), ['CorruptItem', 'CorruptItem']);
  assert.match(a.rec.errors![0]!.message, /completed with errors, 2 chat messages couldn't be imported/);
  await teamsMover.rollback(move(ALEX, 'job-a'), a.h);
  assert.equal(await count(store, 'chats', TGT), 0, 'rollback removes every target thread of the move');

  // … most of them failing breaks it: failed, the failed-variant message, and the source stays as it was.
  assert.ok((await fault(1000)).ok);
  const b = await drive(store, teamsMover, move(ALEX, 'job-b'), 50);
  assert.equal(b.rec.outcome, 'failed');
  assert.match(b.rec.message!, new RegExp(`^Teams migration for user ${ALEX.tgt} failed a quality threshold\\. 0/\\d+ \\(0%\\) messages imported successfully \\(>= 80% threshold\\)\\. 0/\\d+ \\(0%\\) threads`));
  const members = await sourceChatsOf(store, ALEX.src);
  await teamsMover.finalize(move(ALEX, 'job-b'), b.h);
  assert.deepEqual(await sourceChatsOf(store, ALEX.src), members, 'no source edits after a failed quality check');
}

async function meetingScenario(store: Store) {
  const source = await store.db.selectFrom('meetings').selectAll().where('tenant_id', '=', SRC).where('organizer_id', '=', MEGAN.src).orderBy('id').execute();
  // Make one meeting of each exclusion, and one recent and one old eligible meeting.
  const [a, b, c] = source;
  assert.ok(a && b && c, 'megan organizes three meetings');
  await store.db.updateTable('meetings').set({ meeting_kind: 'channelMeeting' }).where('tenant_id', '=', SRC).where('id', '=', a.id).execute();
  await store.db.updateTable('meetings').set({ last_occurrence_at: '2025-12-20T10:00:00.000Z', is_cancelled: 0, meeting_kind: 'meeting', sensitivity: 'normal', calendar: 'default', attendee_count: 2, organized_by_resource: 0 }).where('tenant_id', '=', SRC).where('id', '=', b.id).execute();
  await store.db.updateTable('meetings').set({ last_occurrence_at: '2025-06-01T10:00:00.000Z', is_cancelled: 0, meeting_kind: 'meeting', sensitivity: 'normal', calendar: 'default', attendee_count: 2, organized_by_resource: 0, attendees: JSON.stringify([ALEX.src, 'partner@northwind.example.com']) }).where('tenant_id', '=', SRC).where('id', '=', c.id).execute();
  const { chunks, rec, h } = await drive(store, meetingsMover, move(MEGAN), 1);
  assert.equal(chunks.length, 2);
  assert.equal(rec.outcome, 'completed');
  assert.equal(rec.targetCount, 2);
  assert.match(rec.message!, /2\/2 meetings migrated\. 1 not migrated \(channel meeting\)\./);
  const target = await store.db.selectFrom('meetings').selectAll().where('tenant_id', '=', TGT).orderBy('id').execute();
  assert.deepEqual(target.map((m) => m.organizer_id), [MEGAN.tgt, MEGAN.tgt]);
  const recent = target.find((m) => m.subject === b.subject && m.start_at === b.start_at)!;
  const old = target.find((m) => m.subject === c.subject && m.start_at === c.start_at)!;
  assert.notEqual(recent.join_url, b.join_url, 'a meeting within 60 days gets a new join URL');
  assert.match(recent.join_url, new RegExp(`meeting_${recent.id.replace(/-/g, '')}%40thread`));
  assert.equal(old.join_url, c.join_url, 'an older one keeps its URL');
  assert.deepEqual(JSON.parse(old.attendees), [ALEX.tgt, 'partner@northwind.example.com'], 'attendees mapped through CTIM, external ones kept');
  await meetingsMover.finalize(move(MEGAN), h);
  assert.deepEqual((await store.db.selectFrom('meetings').select('id').where('tenant_id', '=', SRC).where('organizer_id', '=', MEGAN.src).execute()).map((r) => r.id), [a.id], 'only the excluded meeting stays in the source');
  assert.equal((await meetingsMover.reconcile(move(MEGAN), h)).targetCount, 2, 'reconcile after finalize still counts the moved meetings');

  // No target mailbox (Exchange not cut over): MMS-011, nothing moves.
  const l = await drive(store, meetingsMover, move(LYNNE), 10);
  assert.equal(l.rec.outcome, 'failed');
  assert.deepEqual(l.rec.errors, [NO_TARGET_MAILBOX]);
  assert.equal(await count(store, 'meetings', TGT), 2);
}

/** Chats, the quality thresholds and meetings, one after the other on one store. */
async function allMoves(store: Store, t: TestContext): Promise<void> {
  await teamsScenario(store, t);
  await store.db.deleteFrom('chats').where('tenant_id', '=', TGT).execute();
  await qualityScenario(store);
  await meetingScenario(store);
}

test('sqlite: Teams chats and meetings', async (t) => {
  const store = await openStore(':memory:');
  try {
    await allMoves(store, t);
  } finally {
    await store.close();
  }
});

test('postgres: the same moves', (t) => withPostgres(t, 'teams', (store) => allMoves(store, t)));

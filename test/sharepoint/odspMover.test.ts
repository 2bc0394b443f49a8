// The ODSP mover (engine/odsp) as the migration orchestrator drives it: totals, chunks with onCommit in
// the chunk's transaction, finalize (redirect), reconcile, rollback; target compared with the source
// through Graph (paths, sizes, hashes, versions, bytes, rewritten permissions).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { TestServer } from '../helpers.js';
import { oneDriveMover, oneDriveMoveId } from '../../src/engine/odsp/oneDriveMover.js';
import type { MoveHelpers, UserMove } from '../../src/engine/migration/workload.js';
import { PermanentError } from '../../src/engine/queue.js';
import { CONTOSO, FABRIKAM, FALCON, MEGAN, NESTOR, spoServer, sourceToken, targetToken } from './fixture.js';

let s: TestServer;
let h: MoveHelpers;
before(async () => {
  s = await spoServer({ worker: false });
  h = { store: s.deps.store, clock: s.clock, log: pino({ level: 'silent' }) };
});
after(() => s.stop());

const move = (who: typeof NESTOR, jobId = 'job-1'): UserMove =>
  ({ jobId, taskId: who.target, sourceTenantId: CONTOSO, targetTenantId: FABRIKAM, sourceUserId: who.source, targetUserId: who.target });

async function driveTree(token: string, userId: string) {
  const out: any[] = [];
  const walk = async (path: string) => {
    const r = await s.api('GET', `/beta/users/${userId}/drive/${path}`, { token });
    assert.equal(r.status, 200, r.text);
    for (const it of r.body.value) {
      out.push(it);
      if (it.folder) await walk(`items/${it.id}/children`);
    }
  };
  await walk('root/children');
  return out;
}
const pathOf = (it: any) => `${it.parentReference.path.replace(/^\/drives\/[^/]+\/root:/, '')}/${it.name}`;

test('a OneDrive moves in chunks: same tree, sizes, hashes, versions and bytes; permissions rewritten; source redirected', async () => {
  const src = await sourceToken(s);
  const tgt = await targetToken(s);
  const before = await driveTree(src, NESTOR.source);
  assert.ok(before.length >= 7);
  const bodies = new Map<string, Buffer>();
  for (const it of before.filter((i) => i.file)) {
    const r = await fetch(`${s.url}/beta/users/${NESTOR.source}/drive/items/${it.id}/content`, { headers: { authorization: `Bearer ${src}` } });
    assert.equal(r.status, 200);
    const buf = Buffer.from(await r.arrayBuffer());
    assert.equal(buf.length, it.size);
    bodies.set(pathOf(it), buf);
  }

  const m = move(NESTOR);
  const totals = await oneDriveMover.totals(m, h);
  assert.equal(totals.items, 7);
  let cursor: string | null = null;
  let items = 0;
  let chunks = 0;
  const committed: (string | null)[] = [];
  do {
    const r = await oneDriveMover.copyChunk(m, cursor, 3, h, async (trx, res) => {
      // the onCommit runs inside the chunk's transaction: the copied rows are visible to it
      const n = await trx.selectFrom('drive_item_map').select((eb) => eb.fn.countAll().as('n')).where('move_id', '=', oneDriveMoveId(m)).executeTakeFirst();
      assert.equal(Number(n!.n), items + res.items);
      committed.push(res.cursor);
    });
    items += r.items;
    cursor = r.cursor;
    chunks++;
    if (chunks === 1) {
      const site = await s.deps.store.db.selectFrom('sites').select('state').where('tenant_id', '=', CONTOSO).where('owner_user_id', '=', NESTOR.source).executeTakeFirst();
      assert.equal(site!.state, 'ReadOnly', 'the source is read-only during the move');
    }
  } while (cursor !== null);
  assert.equal(items, 7);
  assert.equal(chunks, 4); // 3 + 3 + 1 + the empty chunk that ends the pass
  assert.equal(committed.length, 4);

  await oneDriveMover.finalize(m, h);
  await oneDriveMover.finalize(m, h); // idempotent
  const rec = await oneDriveMover.reconcile(m, h);
  assert.deepEqual(rec, { sourceCount: 7, targetCount: 7, skipped: [] });

  const afterTree = await driveTree(tgt, NESTOR.target);
  const norm = (list: any[]) => list.map((i) => ({ path: pathOf(i), size: i.size, folder: !!i.folder, hash: i.file?.hashes?.sha256Hash ?? null })).sort((a, b) => a.path.localeCompare(b.path));
  assert.deepEqual(norm(afterTree), norm(before));
  for (const it of afterTree.filter((i) => i.file)) {
    const r = await fetch(`${s.url}/beta/users/${NESTOR.target}/drive/items/${it.id}/content`, { headers: { authorization: `Bearer ${tgt}` } });
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(bodies.get(pathOf(it))!), `bytes of ${pathOf(it)}`);
  }
  const db = s.deps.store.db;
  const site = await db.selectFrom('sites').selectAll().where('tenant_id', '=', FABRIKAM).where('owner_user_id', '=', NESTOR.target).executeTakeFirstOrThrow();
  assert.equal(site.url, 'https://fabrikam-my.sharepoint.com/personal/nestor_wilke_fabrikam_com');
  assert.equal(site.kind, 'OneDrive');
  assert.equal(site.state, 'ReadWrite');
  const q1 = await db.selectFrom('drive_items').select('versions').where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).where('name', '=', 'Q1.xlsx').executeTakeFirstOrThrow();
  assert.deepEqual(JSON.parse(q1.versions).map((v: any) => v.label), ['1.0', '2.0']);

  // permissions: owner, megan (mapped), the Falcon group (group map) and the anonymous link kept; the unmapped user dropped
  const perms = await db.selectFrom('permissions').selectAll().where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).execute();
  const principals = perms.map((p) => `${p.principal_type}:${p.principal_type === 'link' ? p.link_scope : p.principal_id}:${p.role}`).sort();
  assert.deepEqual(principals, [`group:${FALCON.target}:write`, 'link:anonymous:read', `user:${MEGAN.target}:read`, `user:${NESTOR.target}:owner`].sort());
  const mv = await db.selectFrom('site_moves').selectAll().where('id', '=', oneDriveMoveId(m)).executeTakeFirstOrThrow();
  assert.equal(mv.permissions_kept, 4);
  assert.equal(mv.permissions_dropped, 1);
  const created = await db.selectFrom('drive_items').select('created_by').where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).where('is_folder', '=', 0).execute();
  assert.ok(created.every((c) => c.created_by === NESTOR.target), 'createdBy rewritten to the target user');
  // Graph shows the rewritten principal on the item
  const notes = afterTree.find((i) => i.name === 'Notes.txt');
  const p = await s.api('GET', `/beta/users/${NESTOR.target}/drive/items/${notes.id}/permissions`, { token: tgt });
  assert.ok(p.body.value.some((x: any) => x.grantedToV2?.group?.id === FALCON.target));

  // the source: a redirect site at the old URL, no OneDrive for the user
  const red = await db.selectFrom('sites').selectAll().where('tenant_id', '=', CONTOSO).where('owner_user_id', '=', NESTOR.source).executeTakeFirstOrThrow();
  assert.equal(red.template, 'RedirectSite#0');
  assert.equal(red.kind, 'Redirect');
  assert.equal(red.redirect_url, site.url);
  const gone = await s.api('GET', `/beta/users/${NESTOR.source}/drive`, { token: src });
  assert.equal(gone.status, 404);
  const left = await db.selectFrom('drive_items').select('id').where('tenant_id', '=', CONTOSO).where('site_id', '=', red.id).execute();
  assert.equal(left.length, 0);
});

test('rollback before finalize removes the target and unlocks the source; a chunk rerun copies nothing twice', async () => {
  const m = move(MEGAN, 'job-2');
  const db = s.deps.store.db;
  const total = (await oneDriveMover.totals(m, h)).items;
  const first = await oneDriveMover.copyChunk(m, null, 2, h, async () => {});
  assert.equal(first.items, 2);
  // a chunk whose onCommit throws rolls back with it: nothing of it stays
  await assert.rejects(oneDriveMover.copyChunk(m, first.cursor, 2, h, async () => { throw new Error('crash'); }));
  const mapped = await db.selectFrom('drive_item_map').select('source_item_id').where('move_id', '=', oneDriveMoveId(m)).execute();
  assert.equal(mapped.length, 2);
  let cursor = first.cursor;
  let n = 2;
  while (cursor) {
    const r = await oneDriveMover.copyChunk(m, cursor, 2, h, async () => {});
    n += r.items;
    cursor = r.cursor;
  }
  assert.equal(n, total);
  const site = await db.selectFrom('sites').select('id').where('tenant_id', '=', FABRIKAM).where('owner_user_id', '=', MEGAN.target).executeTakeFirstOrThrow();
  const copied = await db.selectFrom('drive_items').select('id').where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).execute();
  assert.equal(copied.length, total);

  await oneDriveMover.rollback(m, h);
  await oneDriveMover.rollback(m, h);
  assert.equal((await db.selectFrom('sites').select('id').where('tenant_id', '=', FABRIKAM).where('owner_user_id', '=', MEGAN.target).execute()).length, 0);
  assert.equal((await db.selectFrom('drive_items').select('id').where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).execute()).length, 0);
  const src = await db.selectFrom('sites').select(['state', 'kind']).where('tenant_id', '=', CONTOSO).where('owner_user_id', '=', MEGAN.source).executeTakeFirstOrThrow();
  assert.deepEqual(src, { state: 'ReadWrite', kind: 'OneDrive' });
});

test('a user without a source OneDrive fails permanently with MnAOdbForSourceUPNDoesNotExist', async () => {
  const m = { ...move(NESTOR, 'job-3'), sourceUserId: 'c1000000-0000-4000-8000-00000000ad01' };
  await assert.rejects(oneDriveMover.copyChunk(m, null, 10, h, async () => {}), (e: any) => e.code === 'MnAOdbForSourceUPNDoesNotExist' && e instanceof PermanentError);
});

test('content of a folder or unknown item is 404', async () => {
  const src = await sourceToken(s);
  const r = await s.api('GET', `/beta/users/${MEGAN.source}/drive/items/nope/content`, { token: src });
  assert.equal(r.status, 404);
});

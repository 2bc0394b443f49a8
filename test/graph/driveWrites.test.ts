// OneDrive writes through Graph on the demo: simple upload with real bytes, a new version on overwrite,
// upload sessions in order, folders, rename/move, delete, permissions, and the change log.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { adminOk, demoPair, demoToken, SRC, useDemoServer } from '../migration/http.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const megan = demoPair(1).src;
const D = `/beta/users/${megan}/drive`;

describe('drive writes', () => {
  const demo = useDemoServer();

  const put = (path: string, bytes: Buffer, headers: Record<string, string> = {}, token = demo.tok) =>
    fetch(`${demo.s.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers }, body: bytes })
      .then(async (r) => ({ status: r.status, body: (await r.json().catch(() => undefined)) as any }));
  const bytesOf = async (path: string) => Buffer.from(await (await fetch(`${demo.s.url}${path}`, { headers: { authorization: `Bearer ${demo.tok}` } })).arrayBuffer());

  it('PUT root:/path:/content stores the bytes (201), creates missing folders, and reads back the same bytes', async () => {
    const bytes = randomBytes(200_000);
    const r = await put(`${D}/root:/Staging/Deep/report.bin:/content`, bytes);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.name, 'report.bin');
    assert.equal(r.body.size, bytes.length);
    assert.equal(r.body.file.hashes.sha256Hash, sha(bytes).toUpperCase());
    assert.match(r.body.parentReference.path, /root:\/Staging\/Deep$/);
    assert.equal(sha(await bytesOf(`${D}/items/${r.body.id}/content`)), sha(bytes));
    const byPath = await demo.s.api('GET', `${D}/root:/Staging/Deep/report.bin`, { token: demo.tok });
    assert.equal(byPath.body.id, r.body.id);
  });

  it('a JSON file is stored as bytes, not parsed', async () => {
    const bytes = Buffer.from('{"a":1,"a":2}');
    const r = await put(`${D}/root:/x.json:/content`, bytes, { 'content-type': 'application/json' });
    assert.equal(r.status, 201);
    assert.deepEqual(await bytesOf(`${D}/items/${r.body.id}/content`), bytes);
  });

  it('overwriting keeps the id, answers 200 and keeps the old content as a version; fail → 409; rename → a new name', async () => {
    const one = await put(`${D}/root:/v.txt:/content`, Buffer.from('one'));
    const two = await put(`${D}/root:/v.txt:/content`, Buffer.from('two'));
    assert.equal(two.status, 200);
    assert.equal(two.body.id, one.body.id);
    assert.equal((await bytesOf(`${D}/items/${one.body.id}/content`)).toString(), 'two');
    const row = await demo.s.deps.store.db.selectFrom('drive_items').select('versions').where('id', '=', one.body.id).executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(row.versions).map((v: any) => v.contentHash), [sha(Buffer.from('one'))]);
    assert.equal((await put(`${D}/root:/v.txt:/content?@microsoft.graph.conflictBehavior=fail`, Buffer.from('x'))).body.error.code, 'nameAlreadyExists');
    const renamed = await put(`${D}/root:/v.txt:/content?@microsoft.graph.conflictBehavior=rename`, Buffer.from('x'));
    assert.equal(renamed.status, 201);
    assert.equal(renamed.body.name, 'v 1.txt');
    const byId = await put(`${D}/items/${one.body.id}/content`, Buffer.from('three'));
    assert.equal(byId.status, 200);
    assert.equal((await bytesOf(`${D}/items/${one.body.id}/content`)).toString(), 'three');
  });

  it('the same bytes are stored once however many files hold them', async () => {
    const bytes = randomBytes(5000);
    await put(`${D}/root:/dup1.bin:/content`, bytes);
    await put(`${D}/root:/dup2.bin:/content`, bytes);
    const blobs = await demo.s.deps.store.db.selectFrom('blobs').selectAll().where('sha256', '=', sha(bytes)).execute();
    assert.equal(blobs.length, 1);
  });

  it('upload session: ranges in order (202 with nextExpectedRanges), out of order 416, the last one 201 with the item', async () => {
    const bytes = randomBytes(3 * 327_680 + 1000);
    const sess = await demo.s.api('POST', `${D}/root:/Big/big.bin:/createUploadSession`, { token: demo.tok, body: { item: { '@microsoft.graph.conflictBehavior': 'replace' } } });
    assert.equal(sess.status, 200, sess.text);
    assert.deepEqual(sess.body.nextExpectedRanges, ['0-']);
    const url = sess.body.uploadUrl as string;
    assert.ok(url.startsWith(demo.s.url));
    const chunk = (start: number, end: number) => fetch(url, { method: 'PUT', headers: { 'content-range': `bytes ${start}-${end}/${bytes.length}` }, body: bytes.subarray(start, end + 1) })
      .then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const c1 = await chunk(0, 327_679);
    assert.equal(c1.status, 202);
    assert.deepEqual(c1.body.nextExpectedRanges, ['327680-']);
    const skip = await chunk(655_360, 983_039);
    assert.equal(skip.status, 416);
    assert.equal(skip.body.error.code, 'invalidRange');
    const status = await (await fetch(url)).json() as any;
    assert.deepEqual(status.nextExpectedRanges, ['327680-']);
    assert.equal((await chunk(327_680, 655_359)).status, 202);
    assert.equal((await chunk(655_360, 983_039)).status, 202);
    const last = await chunk(983_040, bytes.length - 1);
    assert.equal(last.status, 201, JSON.stringify(last.body));
    assert.equal(last.body.size, bytes.length);
    assert.equal(sha(await bytesOf(`${D}/items/${last.body.id}/content`)), sha(bytes));
    assert.equal((await fetch(url)).status, 404, 'the session is gone once committed');
  });

  it('folders, rename and move with PATCH, delete with its children', async () => {
    const f = await demo.s.api('POST', `${D}/root/children`, { token: demo.tok, body: { name: 'Moves', folder: {} } });
    assert.equal(f.status, 201, f.text);
    assert.equal((await demo.s.api('POST', `${D}/root/children`, { token: demo.tok, body: { name: 'Moves', folder: {} } })).body.error.code, 'nameAlreadyExists');
    const file = await put(`${D}/root:/Moves/a.txt:/content`, Buffer.from('a'));
    const sub = await demo.s.api('POST', `${D}/items/${f.body.id}/children`, { token: demo.tok, body: { name: 'Sub', folder: {} } });
    const moved = await demo.s.api('PATCH', `${D}/items/${file.body.id}`, { token: demo.tok, body: { name: 'b.txt', parentReference: { id: sub.body.id } } });
    assert.equal(moved.status, 200, moved.text);
    assert.match(moved.body.parentReference.path, /root:\/Moves\/Sub$/);
    const renamedFolder = await demo.s.api('PATCH', `${D}/items/${f.body.id}`, { token: demo.tok, body: { name: 'Moved' } });
    assert.equal(renamedFolder.body.name, 'Moved');
    assert.equal((await demo.s.api('GET', `${D}/root:/Moved/Sub/b.txt`, { token: demo.tok })).body.id, file.body.id, 'descendants follow a renamed folder');
    assert.equal((await demo.s.api('PATCH', `${D}/items/${f.body.id}`, { token: demo.tok, body: { parentReference: { id: sub.body.id } } })).status, 400);
    assert.equal((await demo.s.api('DELETE', `${D}/items/${f.body.id}`, { token: demo.tok })).status, 204);
    assert.equal((await demo.s.api('GET', `${D}/items/${file.body.id}`, { token: demo.tok })).status, 404);
  });

  it('writes need a write permission: the target migration app (reads only) gets 403', async () => {
    const reader = await demo.s.token(SRC, '33333333-3333-4333-8333-333333333333', 'xtm-demo-secret').catch(() => undefined);
    if (reader) assert.equal((await put(`${D}/root:/no.txt:/content`, Buffer.from('x'), {}, reader)).status, 403);
    const tgt = await demoToken(demo.s, 'target');
    const r = await put(`/beta/users/${demoPair(1).tgt}/drive/root:/no.txt:/content`, Buffer.from('x'), {}, tgt);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'Authorization_RequestDenied');
  });

  it('every write lands in the change log', async () => {
    const before = Number((await demo.s.deps.store.db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0);
    const r = await put(`${D}/root:/log.txt:/content`, Buffer.from('log'));
    const rows = await demo.s.deps.store.db.selectFrom('changes').selectAll().where('seq', '>', before).where('kind', '=', 'driveItem').execute();
    assert.ok(rows.some((c) => c.item_id === r.body.id && c.op === 'add'));
  });

  it('the sweep frees bytes once the last item and version referring to them is gone (not inline, after the grace period)', async () => {
    const bytes = randomBytes(4096);
    const digest = sha(bytes);
    const onDisk = () => existsSync(join(demo.s.dir, 'blobs', 'blobs', digest));
    const a = await put(`${D}/root:/sweep-a.bin:/content`, bytes);
    const b = await put(`${D}/root:/sweep-b.bin:/content`, bytes);
    await demo.s.api('DELETE', `${D}/items/${a.body.id}`, { token: demo.tok });
    await adminOk(demo.s, 'POST', 'clock/advance', { by: 'PT2H' });
    await adminOk(demo.s, 'POST', 'content/sweep', {});
    assert.ok(onDisk());
    // Overwriting b keeps the bytes as its previous version: still referenced.
    await put(`${D}/items/${b.body.id}/content`, Buffer.from('new'));
    await adminOk(demo.s, 'POST', 'clock/advance', { by: 'PT2H' });
    await adminOk(demo.s, 'POST', 'content/sweep', {});
    assert.ok(onDisk(), 'a version still refers to the bytes');
    await demo.s.api('DELETE', `${D}/items/${b.body.id}`, { token: demo.tok });
    assert.ok(onDisk(), 'not freed inline with the delete');
    const r = await adminOk(demo.s, 'POST', 'content/sweep', {});
    assert.ok(r.blobsFreed >= 1 && r.bytesFreed >= 4096, JSON.stringify(r));
    assert.equal(onDisk(), false);
    assert.equal(await demo.s.deps.store.db.selectFrom('blobs').select('sha256').where('sha256', '=', digest).executeTakeFirst(), undefined);
  });
});

// Durability of the migration engine with real SIGKILLs: a server process is killed inside a chunk
// (rows written, not committed), between chunks (committed, next not started) and during cutover
// (recipients converted, not committed); a new process on the same store finishes the job, and every
// source item is in the target exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const MEGAN = { src: 'c1000000-0000-4000-8000-000000000001', tgt: 'f2000000-0000-4000-8000-000000000001' };
const ALEX = { src: 'c1000000-0000-4000-8000-000000000002', tgt: 'f2000000-0000-4000-8000-000000000002' };

let root: string;
before(() => { root = mkdtempSync(join(tmpdir(), 'xtm-sigkill-')); });
after(() => rmSync(root, { recursive: true, force: true }));

interface Child { proc: ChildProcess; url: string; exited: Promise<number | null> }

async function start(dir: string, killAt?: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = { ...process.env, XTM_MIGRATION_THROUGHPUT: JSON.stringify({ Exchange: { chunkItems: 4 } }) };
  if (killAt) env.XTM_KILL_AT = killAt;
  else delete env.XTM_KILL_AT;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/migration/serverChild.ts', join(dir, 'xtm.db'), dir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code, signal) => r(signal === 'SIGKILL' ? -9 : code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    proc.once('exit', () => reject(new Error('server child exited before listening')));
  });
  return { proc, url, exited };
}

async function call(c: Child, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(`${c.url}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}
async function token(c: Child) {
  const res = await fetch(`${c.url}/${TGT}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: '33333333-3333-4333-8333-333333333333', client_secret: 'xtm-demo-secret', scope: 'https://graph.microsoft.com/.default' }) });
  return ((await res.json()) as { access_token: string }).access_token;
}
/** Drains the work; a request cut by the kill is fine (the child is gone). */
async function drain(c: Child) {
  await call(c, 'POST', '/xtm/admin/work/drain').catch(() => undefined);
}

/** Source items that move (not Outbox / Teams chat), by subject, read straight from the store. */
async function sourceSubjects(dir: string, userId: string): Promise<string[]> {
  const store = await openStore(join(dir, 'xtm.db'));
  try {
    const rows = await store.db.selectFrom('mail_items as i').innerJoin('mail_folders as f', (j) => j.onRef('f.tenant_id', '=', 'i.tenant_id').onRef('f.user_id', '=', 'i.user_id').onRef('f.id', '=', 'i.folder_id'))
      .select(['i.id', 'i.subject']).where('i.tenant_id', '=', SRC).where('i.user_id', '=', userId)
      .where((eb) => eb.or([eb('f.well_known_name', 'is', null), eb('f.well_known_name', 'not in', ['outbox', 'teamchat'])])).execute();
    return rows.map((r) => `${r.id}|${r.subject}`).sort();
  } finally {
    await store.close();
  }
}
async function targetItems(dir: string, userId: string) {
  const store = await openStore(join(dir, 'xtm.db'));
  try {
    const rows = await store.db.selectFrom('mail_items').select(['id', 'subject']).where('tenant_id', '=', TGT).where('user_id', '=', userId).execute();
    const map = await store.db.selectFrom('migration_item_map').select(['source_id', 'target_id']).where('user_id', '=', userId).where('kind', '=', 'item').execute();
    return { rows, map };
  } finally {
    await store.close();
  }
}

for (const point of ['inChunk:2', 'betweenChunks:2', 'inCutover:1']) {
  test(`SIGKILL ${point}: a restarted process finishes the job with every item exactly once`, async () => {
    const dir = mkdtempSync(join(root, 'run-'));
    let c = await start(dir, point);
    const tok = await token(c);
    const now = Date.parse((await call(c, 'GET', '/xtm/admin/clock')).body.now);
    const created = await call(c, 'POST', B, {
      displayName: `kill ${point}`, completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users',
      resources: [MEGAN.tgt, ALEX.tgt], workloads: ['Exchange'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    }, tok);
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    await call(c, 'POST', `${B}/${id}/validate`, undefined, tok);
    await drain(c);
    assert.equal((await call(c, 'GET', `${B}/${id}`, undefined, tok)).body.status, 'validatePassed');
    const expected = { megan: await sourceSubjects(dir, MEGAN.src), alex: await sourceSubjects(dir, ALEX.src) }; // a second reader on the WAL file

    assert.equal((await call(c, 'POST', `${B}/${id}/migrate`, undefined, tok)).status, 200);
    await drain(c);
    if (point.startsWith('inCutover')) {
      // The advance wakes the cutover at once; the kill may cut this very request (the child is gone).
      await call(c, 'POST', '/xtm/admin/clock/advance', { by: 'P1D' }).catch(() => undefined);
      await drain(c);
    }
    assert.equal(await c.exited, -9, 'the server was SIGKILLed at the kill point');

    c = await start(dir);
    try {
      await drain(c);
      if (!point.startsWith('inCutover')) {
        await call(c, 'POST', '/xtm/admin/clock/advance', { by: 'P1D' });
        await drain(c);
      }
      const tok2 = await token(c);
      const job = (await call(c, 'GET', `${B}/${id}`, undefined, tok2)).body;
      assert.equal(job.status, 'completed', JSON.stringify(job));
    } finally {
      c.proc.kill('SIGTERM');
      await c.exited;
    }
    for (const [u, want] of [[MEGAN, expected.megan], [ALEX, expected.alex]] as const) {
      const { rows, map } = await targetItems(dir, u.tgt);
      assert.equal(rows.length, want.length, `${u.tgt}: ${rows.length} target items for ${want.length} source items`);
      assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
      assert.equal(map.length, want.length, 'one id-map row per source item');
      const bySource = new Map(map.map((m) => [m.target_id, m.source_id]));
      assert.deepEqual(rows.map((r) => `${bySource.get(r.id)}|${r.subject}`).sort(), want, 'every source item exactly once, same subject');
      assert.deepEqual(await sourceSubjects(dir, u.src), [], 'cut over: the source mailbox is gone');
    }
  });
}


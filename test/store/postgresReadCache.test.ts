// PostgreSQL: GET job by id is served from a cache kept exact by the database's change notifications
// (store/readCache.ts). It must serve from memory, forget a row another connection changed, show
// this process's own writes at once, and after syncReads() show every change committed before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { guid, jobBody, seedBasic, startServer, T, type TestServer } from '../helpers.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';
import { syncReads } from '../../src/store/readCache.js';

let s: TestServer;
let pgdb: TempDatabase;
let other: pg.Client;
const skip = (await pgUnreachable()) ?? false;
const J = '/beta/solutions/migrations/crossTenantMigrationJobs';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  if (skip) return;
  pgdb = await createTempDatabase('readcache');
  s = await startServer({ db: pgdb.url }, { seed: (st) => seedBasic(st, { source: [], target: [guid(1), guid(2), guid(3)] }) });
  other = new pg.Client({ connectionString: pgdb.url }); // another process's connection
  await other.connect();
});

after(async () => {
  await other?.end();
  await s?.stop();
  await pgdb?.drop();
});

/** GETs until the listener is connected and the job is cached (the first reads go to the database). */
async function cached(id: string) {
  for (let i = 0; i < 100; i++) {
    await s.api('GET', `${J}/${id}`);
    // Proof of a cache hit: a change made with triggers off (no notification) stays unseen.
    await other.query('begin');
    await other.query("set local session_replication_role = 'replica'");
    await other.query("update migration_jobs set message = 'silent' where id = $1", [id]);
    await other.query('commit');
    const r = await s.api('GET', `${J}/${id}`);
    await other.query("update migration_jobs set message = '' where id = $1", [id]); // notified: evicts
    await syncReads(s.deps.store.db);
    if (r.body.message === '') return;
    await sleep(20);
  }
  throw new Error('the job was never served from the cache');
}

test('a job by id is served from memory until its row changes', { skip }, async () => {
  const created = await s.api('POST', J, { body: jobBody({ displayName: 'cached job', resources: [guid(1)] }) });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  await cached(id);

  // Another connection changes the row: the notification evicts it (no sync, only time).
  await s.api('GET', `${J}/${id}`);
  await other.query("update migration_jobs set display_name = 'renamed elsewhere' where id = $1", [id]);
  let seen = '';
  for (let i = 0; i < 200 && seen !== 'renamed elsewhere'; i++) {
    seen = (await s.api('GET', `${J}/${id}`)).body.displayName;
    if (seen !== 'renamed elsewhere') await sleep(10);
  }
  assert.equal(seen, 'renamed elsewhere');

  // After syncReads, a change committed before is visible on the very next read.
  await cached(id);
  await other.query("update migration_jobs set display_name = 'renamed again' where id = $1", [id]);
  await syncReads(s.deps.store.db);
  assert.equal((await s.api('GET', `${J}/${id}`)).body.displayName, 'renamed again');

  // This process's own write (PATCH) is visible on the very next read, without waiting.
  await cached(id);
  const patched = await s.api('PATCH', `${J}/${id}`, { body: { completeAfterDateTime: '2026-11-30T10:00:00Z' } });
  assert.ok(patched.status < 300, patched.text);
  assert.equal((await s.api('GET', `${J}/${id}`)).body.completeAfterDateTime, '2026-11-30T10:00:00Z');

  // Another tenant's app never reads it from the cache.
  await cached(id);
  const foreign = await s.api('GET', `${J}/${id}`, { token: await s.token(T.other, T.otherApp) });
  assert.equal(foreign.status, 404, foreign.text);
});

test('validate, drain, read: the runner\'s last write is what the read returns', { skip }, async () => {
  const created = await s.api('POST', J, { body: jobBody({ displayName: 'drained job', resources: [guid(2)] }) });
  const id = created.body.id as string;
  await cached(id);
  assert.equal((await s.api('POST', `${J}/${id}/validate`)).status, 200);
  assert.equal((await s.api('GET', `${J}/${id}`)).body.status, 'validateSubmitted');
  await s.queue.drain();
  assert.equal((await s.api('GET', `${J}/${id}`)).body.status, 'validatePassed');
});

test('a read that raced a write or a notification is not kept', { skip }, async () => {
  const { PgReadCache } = await import('../../src/store/pgReadCache.js');
  const pool = new pg.Pool({ connectionString: pgdb.url, max: 2 });
  const cache = new PgReadCache(() => new pg.Client({ connectionString: pgdb.url }), pool);
  try {
    let reads = 0;
    const read = (value: string, during?: () => Promise<void>) => async () => {
      reads++;
      await during?.();
      return value;
    };
    // The listener connects on the first read; until it is live nothing is kept.
    for (let i = 0; i < 100; i++) {
      reads = 0;
      await cache.get(T.target, 'probe', read('p'));
      await cache.get(T.target, 'probe', read('p'));
      if (reads === 1) break;
      await sleep(20);
    }
    assert.equal(reads, 1, 'the listener went live');
    reads = 0;
    await cache.get(T.target, 'job-1', read('v1'));
    assert.equal(await cache.get(T.target, 'job-1', read('never')), 'v1', 'kept');
    assert.equal(reads, 1);

    cache.written(); // a local commit: everything is forgotten
    assert.equal(await cache.get(T.target, 'job-1', read('v2', async () => cache.written())), 'v2');
    assert.equal(await cache.get(T.target, 'job-1', read('v3')), 'v3', 'a read that raced a local write is not kept');

    await cache.get(T.target, 'job-2', read('w1', async () => {
      await other.query(`select pg_notify('xtm_jobs', '${T.target} job-2')`);
      await cache.sync();
    }));
    assert.equal(await cache.get(T.target, 'job-2', read('w2')), 'w2', 'a read that raced a notification is not kept');
    assert.equal(await cache.get(T.target, 'job-2', read('never')), 'w2');

    await other.query(`select pg_notify('xtm_jobs', '${T.target} job-2')`);
    await cache.sync();
    assert.equal(await cache.get(T.target, 'job-2', read('w3')), 'w3', 'a notification evicts');
    assert.equal(await cache.get(T.other, 'job-2', read('other tenant')), 'other tenant', 'kept per tenant');
  } finally {
    await cache.close();
    await pool.end();
  }
});

test('a page of jobs is served from memory until a job of its tenant changes', { skip }, async () => {
  const created = await s.api('POST', J, { body: jobBody({ displayName: 'listed job', resources: [guid(3)] }) });
  assert.equal(created.status, 201, created.text);
  const id = created.body.id as string;
  const page = async () => ((await s.api('GET', `${J}?$top=50`)).body.value as { id: string; message: string; displayName: string }[]).find((j) => j.id === id)!;
  // Served from memory: a change made with triggers off (no notification) stays unseen.
  let hit = false;
  for (let i = 0; i < 100 && !hit; i++) {
    await page();
    await other.query('begin');
    await other.query("set local session_replication_role = 'replica'");
    await other.query("update migration_jobs set message = 'silent' where id = $1", [id]);
    await other.query('commit');
    hit = (await page()).message === '';
    await other.query("update migration_jobs set message = '' where id = $1", [id]);
    await syncReads(s.deps.store.db);
    if (!hit) await sleep(20);
  }
  assert.ok(hit, 'the page was served from the cache');
  // Another connection changes a job of the tenant: after the sync, the next page shows it.
  await page();
  await other.query("update migration_jobs set display_name = 'listed elsewhere' where id = $1", [id]);
  await syncReads(s.deps.store.db);
  assert.equal((await page()).displayName, 'listed elsewhere');
  // Another tenant's app sees its own (empty) list, never this tenant's cached page.
  const foreign = await s.api('GET', `${J}?$top=50`, { token: await s.token(T.other, T.otherApp) });
  assert.ok(!(foreign.body.value as { id: string }[]).some((j) => j.id === id));
});

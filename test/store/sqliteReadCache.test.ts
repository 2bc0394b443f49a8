// SQLite's read cache serves an entry only while the database is exactly as it was when the entry was
// read: no commit by another connection (data_version) and none by this one (total_changes).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteReadCache } from '../../src/store/sqliteReadCache.js';

it('an entry is served until any connection commits, and never inside a transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-src-'));
  const file = join(dir, 'x.db');
  const api = new Database(file);
  const runner = new Database(file); // the worker thread's connection
  try {
    api.pragma('journal_mode = WAL');
    api.exec('create table t (id text primary key, v text)');
    api.prepare("insert into t values ('j1', 'one')").run();
    const cache = new SqliteReadCache({ current: api, open: true, generation: 0 });
    let reads = 0;
    const read = () => async () => {
      reads++;
      return (api.prepare("select v from t where id = 'j1'").get() as { v: string }).v;
    };
    assert.equal(await cache.get('tenant', 'j1', read()), 'one');
    assert.equal(await cache.get('tenant', 'j1', read()), 'one');
    assert.equal(reads, 1, 'the second read came from the cache');
    assert.equal(await cache.get('other tenant', 'j1', read()), 'one');
    assert.equal(reads, 2, 'never across tenants');

    runner.prepare("update t set v = 'two' where id = 'j1'").run(); // another connection commits
    assert.equal(await cache.get('other tenant', 'j1', read()), 'two');

    api.prepare("update t set v = 'three' where id = 'j1'").run(); // this connection commits
    assert.equal(await cache.get('other tenant', 'j1', read()), 'three');

    const before = reads;
    api.exec('begin');
    await cache.get('other tenant', 'j1', read());
    api.exec('commit');
    assert.equal(reads, before + 1, 'inside a transaction the database is read');

    const page = async (q: string) => cache.page('tenant', q, async () => {
      reads++;
      return api.prepare('select * from t').all();
    });
    const n = reads;
    await page('top=20');
    await page('top=20');
    assert.equal(reads, n + 1);
    runner.prepare("insert into t values ('j2', 'x')").run();
    assert.equal((await page('top=20')).length, 2);
  } finally {
    api.close();
    runner.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('the cache holds a bounded number of bytes, dropping the oldest entries first', async () => {
  const { SizedMap } = await import('../../src/store/readCache.js');
  const m = new SizedMap<string, string>(100);
  m.set('a', 'x'.repeat(40), 40);
  m.set('b', 'x'.repeat(40), 40);
  m.set('c', 'x'.repeat(40), 40); // 120 > 100: 'a' goes
  assert.deepEqual([...m.keys()], ['b', 'c']);
  m.set('b', 'x'.repeat(10), 10); // replacing frees the old size
  m.set('d', 'x'.repeat(50), 50);
  assert.deepEqual([...m.keys()], ['c', 'b', 'd']);
  m.set('huge', 'x'.repeat(101), 101); // larger than the whole budget: not kept
  assert.equal(m.get('huge'), undefined);
  assert.deepEqual([...m.keys()], ['c', 'b', 'd']);
});

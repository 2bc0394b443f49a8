// SQLite snapshot restore is a page copy into the live file while other connections use it: with
// another thread's connection writing in a loop (as the runner does), every restore brings the
// snapshot back whole, and the tables a rehearsal keeps (signing keys, runner heartbeats) keep their
// live rows. A snapshot saved with other store migrations is refused.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/db.js';
import { restoreSnapshot, saveSnapshot, SnapshotError } from '../../src/store/snapshots.js';

// The "runner": its own connection, short write transactions back to back (each holds the lock ~2 ms).
const WRITER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const stop = new Int32Array(workerData.stop);
const beat = db.prepare("insert or replace into work_workers values ('runner', '[]', ?, ?)");
let n = 0;
while (Atomics.load(stop, 0) === 0) {
  db.transaction(() => {
    beat.run(String(++n), 'start');
    Atomics.add(stop, 1, 1);
    const until = Date.now() + 2;
    while (Date.now() < until);
  }).immediate();
  Atomics.wait(stop, 0, 0, 1);
}
db.close();
`;

it('restores whole while another connection writes; kept tables keep their live rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-snap-'));
  const store = await openStore(join(dir, 'xtm.db'));
  const db = store.sqlite!;
  const stop = new SharedArrayBuffer(8); // [stop flag, commits by the writer]
  let writer: Worker | undefined;
  try {
    db.exec('create table probe (id integer primary key, v text not null)');
    const fill = db.prepare('insert into probe (v) values (?)');
    db.transaction(() => { for (let i = 0; i < 5000; i++) fill.run('saved'); })();
    await saveSnapshot(store, 'a');
    db.prepare("insert into signing_keys values ('k2', '{}', '{}', 'now')").run(); // a key made after the save stays

    writer = new Worker(WRITER, { eval: true, workerData: { file: store.location, stop, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    const failed = new Promise((_, reject) => writer!.on('error', reject));
    const commits = () => Atomics.load(new Int32Array(stop), 1);
    while (commits() < 5) await Promise.race([failed, new Promise((r) => setTimeout(r, 10))]);
    for (let round = 0; round < 5; round++) {
      db.prepare("update probe set v = 'changed'").run();
      db.prepare("insert into probe (v) values ('extra')").run();
      await restoreSnapshot(store, 'a');
      assert.deepEqual(db.prepare('select v, count(*) as n from probe group by v').all(), [{ v: 'saved', n: 5000 }], `round ${round}`);
      // The runner's heartbeat row and the newer key are the live ones (the snapshot was saved before either).
      assert.equal(db.prepare("select count(*) from work_workers where id = 'runner'").pluck().get(), 1);
      assert.equal(db.prepare("select count(*) from signing_keys where kid = 'k2'").pluck().get(), 1);
    }
    const before = commits();
    while (commits() < before + 5) await Promise.race([failed, new Promise((r) => setTimeout(r, 10))]);
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await writer?.terminate();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

it('a snapshot saved with other store migrations is refused and changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-snap-'));
  const store = await openStore(join(dir, 'xtm.db'));
  try {
    await saveSnapshot(store, 'old');
    const snap = new Database(join(dir, 'snapshots', 'old.db'));
    snap.prepare('delete from kysely_migration where name = (select max(name) from kysely_migration)').run();
    snap.close();
    await assert.rejects(restoreSnapshot(store, 'old'), (e: unknown) => e instanceof SnapshotError && e.kind === 'invalid' && /other migrations/.test(e.message));
    assert.ok((store.sqlite!.prepare('select count(*) from kysely_migration').pluck().get() as number) > 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

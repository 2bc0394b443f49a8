// SQLite snapshot restore while other connections use the store. With this process's Stores only (the
// runner's, in a thread of its own), the snapshot's copy is swapped in for the store's file and every
// Store reconnects; with a connection from elsewhere (another process), the snapshot's pages are copied
// into the live file. Either way every restore brings the snapshot back whole, the tables a rehearsal
// keeps (signing keys, runner heartbeats) keep their live rows, and the writer goes on writing. A
// snapshot saved with other store migrations is refused.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../src/store/db.js';
import { restoreSnapshot, saveSnapshot, SnapshotError } from '../../src/store/snapshots.js';

// A connection from "another process": a raw connection in a thread, short write transactions back to back.
const FOREIGN = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const flags = new Int32Array(workerData.shared);
const beat = db.prepare("insert or replace into work_workers values ('runner', '[]', ?, 'start')");
let n = 0;
while (Atomics.load(flags, 0) === 0) {
  db.transaction(() => {
    beat.run(String(++n));
    const until = Date.now() + 2;
    while (Date.now() < until);
  }).immediate();
  Atomics.add(flags, 1, 1);
  Atomics.wait(flags, 0, 0, 1);
}
db.close();
`;

async function rehearse(kind: 'store thread' | 'foreign connection', rounds: number, check: (store: Store, round: number, inodeBefore: number) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-snap-'));
  const store = await openStore(join(dir, 'xtm.db'));
  const shared = new SharedArrayBuffer(8); // [stop, commits by the writer]
  const flags = new Int32Array(shared);
  let writer: Worker | undefined;
  try {
    const db = () => store.sqlite!; // a restore may reconnect: never keep the handle
    db().exec('create table probe (id integer primary key, v text not null)');
    const fill = db().prepare('insert into probe (v) values (?)');
    db().transaction(() => { for (let i = 0; i < 5000; i++) fill.run('saved'); })();
    await saveSnapshot(store, 'a');
    db().prepare("insert into signing_keys values ('k2', '{}', '{}', 'now')").run(); // a key made after the save stays

    writer = kind === 'store thread'
      ? new Worker(new URL('../../src/store/threadBoot.mjs', import.meta.url), { workerData: { entry: new URL('./storeThread.ts', import.meta.url).href, file: store.location, shared } })
      : new Worker(FOREIGN, { eval: true, workerData: { file: store.location, shared, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    const failed = new Promise((_, reject) => writer!.on('error', reject));
    const commits = () => Atomics.load(flags, 1);
    const writes = async (n: number) => {
      const until = commits() + n;
      while (commits() < until) await Promise.race([failed, new Promise((r) => setTimeout(r, 10))]);
    };
    await writes(5);
    for (let round = 0; round < rounds; round++) {
      db().prepare("update probe set v = 'changed'").run();
      db().prepare("insert into probe (v) values ('extra')").run();
      const inode = statSync(store.location).ino;
      await restoreSnapshot(store, 'a');
      assert.deepEqual(db().prepare('select v, count(*) as n from probe group by v').all(), [{ v: 'saved', n: 5000 }], `round ${round}`);
      // The runner's heartbeat row and the newer key are the live ones (the snapshot was saved before either).
      assert.equal(db().prepare("select count(*) from work_workers where id = 'runner'").pluck().get(), 1);
      assert.equal(db().prepare("select count(*) from signing_keys where kid = 'k2'").pluck().get(), 1);
      check(store, round, inode);
      await writes(5); // the writer goes on, on the restored store
    }
    assert.ok(Number(db().prepare("select heartbeat_at from work_workers where id = 'runner'").pluck().get()) > 5, 'the writer wrote into the restored store');
  } finally {
    Atomics.store(flags, 0, 1);
    if (writer) await new Promise((r) => writer!.once('exit', r));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

it("with this process's Stores only, the snapshot's copy is swapped in and every Store reconnects", async () => {
  await rehearse('store thread', 3, (store, round, inode) => assert.notEqual(statSync(store.location).ino, inode, `round ${round}: a new file`));
});

it('with a connection from elsewhere, the pages are copied into the live file', async () => {
  await rehearse('foreign connection', 3, (store, round, inode) => assert.equal(statSync(store.location).ino, inode, `round ${round}: the same file`));
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

// A runner stand-in for test/store/snapshots.test.ts: a Store of its own in a worker thread (as the
// runner's), beating a heartbeat through Kysely in short transactions until told to stop.
import { workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import { openStore } from '../../src/store/db.js';

const { file, shared } = workerData as { file: string; shared: SharedArrayBuffer };
const flags = new Int32Array(shared); // [stop, commits]
const store = await openStore(file);
let n = 0;
while (Atomics.load(flags, 0) === 0) {
  await store.db.transaction().execute(async (tx) => {
    await sql`insert or replace into work_workers values ('runner', '[]', ${String(++n)}, 'start')`.execute(tx);
  });
  Atomics.add(flags, 1, 1);
  await new Promise((r) => setTimeout(r, 2));
}
await store.close();

// The checkpointer's thread (store/checkpointer.ts): its own connection to the store file, which
// joins the Stores' pause protocol (a snapshot restore closes it like any other, store/sqliteHandle.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { SqliteHandle } from './sqliteHandle.js';

const { location, intervalMs } = workerData as { location: string; intervalMs: number };
// A checkpoint copies log frames to the file without the page cache: 1 MB, not the default 64.
const handle = new SqliteHandle(location, (c) => c.pragma('cache_size = -1024'));
const db = new Kysely<any>({ dialect: new SqliteDialect({ database: handle.forKysely() }) });
handle.listen(db);

let stopping = false;
let running = false; // one at a time: ticks that come while one runs are skipped, not queued
// PASSIVE never waits for a lock or a reader: it backfills what it can and leaves the rest for next time.
const checkpoint = () => db.connection().execute((c) => c.executeQuery(CompiledQuery.raw('pragma wal_checkpoint(PASSIVE)')));
const timer = setInterval(() => {
  if (stopping || running) return;
  running = true;
  void checkpoint().catch(() => undefined).finally(() => { running = false; }); // (the runner's own checkpoints are the backstop)
}, intervalMs);
parentPort!.postMessage({ t: 'ready' });

parentPort!.on('message', (m: { t: 'stop' }) => {
  if (m.t !== 'stop') return;
  stopping = true;
  clearInterval(timer);
  void db.destroy().finally(() => {
    handle.close();
    parentPort!.postMessage({ t: 'stopped' });
  });
});

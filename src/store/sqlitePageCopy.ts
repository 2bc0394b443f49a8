// Whole-file page copies between a live SQLite store and a snapshot file with SQLite's online backup
// API, run in a worker thread on connections of its own so the API's event loop keeps answering
// (reads see the store as it was until the copy commits). Each copy is one backup step: a write by
// the runner between steps would start a multi-step copy over, and a single step takes the
// destination's write lock once and commits once, so every connection sees the old store or the new.
//
// Into the live store (restore) the pages go to the WAL; the WAL's checkpoint into the database file,
// as long again, is left out of the restore: a read transaction held from before the copy keeps the
// copy's own automatic checkpoint from backfilling it, then the thread checkpoints once the copy is
// reported. Until then the API's connection must not checkpoint (the caller turns that off), or its
// next commit would do it on the event loop.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const DRIVER = createRequire(import.meta.url).resolve('better-sqlite3');

// CommonJS run with `eval`: plain JavaScript, so it needs no TypeScript loader in the thread.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { op, from, to, lockWaitMs } = workerData;
const ALL_PAGES = 0x7fffffff; // better-sqlite3's largest step: the whole file
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
(async () => {
  const src = new Database(from, { readonly: op === 'restore', fileMustExist: true });
  src.pragma('mmap_size = 2147418112'); // read the pages where they are (the build's largest map), not a read() each
  try {
    if (op === 'save') {
      await src.backup(to, { progress: () => ALL_PAGES });
      // The copy keeps the store's WAL mode; a snapshot is one self-contained file (no -wal/-shm beside it).
      const snap = new Database(to);
      snap.pragma('journal_mode = DELETE');
      snap.close();
      parentPort.postMessage({ t: 'copied' });
      return;
    }
    const hold = new Database(to, { fileMustExist: true });
    try {
      hold.exec('begin');
      hold.prepare('select count(*) from sqlite_master').get();
      // better-sqlite3 reports a first step that met SQLITE_BUSY (the runner writing) as a finished
      // backup of 0 pages, having copied nothing: wait and copy again.
      const deadline = Date.now() + lockWaitMs;
      while ((await src.backup(to, { progress: () => ALL_PAGES })).totalPages === 0) {
        if (Date.now() > deadline) throw new Error('the store stayed locked for ' + lockWaitMs / 1000 + ' s: nothing was restored');
        await sleep(20);
      }
      hold.exec('commit');
      parentPort.postMessage({ t: 'copied' });
      hold.pragma('wal_checkpoint(PASSIVE)');
      // The log is as large as the store now: give the disk back if no one is using the log (else it
      // stays for reuse). No waiting: a TRUNCATE waiting for readers would hold the writers back.
      hold.pragma('busy_timeout = 0');
      hold.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      hold.close();
    }
  } finally {
    src.close();
  }
})().then(() => parentPort.postMessage({ t: 'done' }), (e) => parentPort.postMessage({ t: 'error', message: String((e && e.message) || e) }));
`;

export interface PageCopy {
  /** Resolves when the copy is committed (and readable by every connection). */
  copied: Promise<void>;
  /** Resolves when the thread is done: after a restore, its checkpoint has run (or failed: the runner's will do it). */
  done: Promise<void>;
}

export function pageCopy(op: 'save' | 'restore', from: string, to: string, lockWaitMs = 30_000): PageCopy {
  const worker = new Worker(THREAD, { eval: true, workerData: { op, from, to, lockWaitMs, driver: DRIVER } });
  let copied!: (v: void) => void;
  let failed!: (e: Error) => void;
  let finished!: (v: void) => void;
  const copy = new Promise<void>((res, rej) => { copied = res; failed = rej; });
  const done = new Promise<void>((res) => { finished = res; });
  let wasCopied = false;
  worker.on('message', (m: { t: string; message?: string }) => {
    if (m.t === 'copied') {
      wasCopied = true;
      copied();
      if (op === 'restore') worker.unref(); // the checkpoint left does not keep the process alive
    } else if (m.t === 'error' && !wasCopied) {
      failed(new Error(m.message));
    }
  });
  worker.on('error', (e) => { if (!wasCopied) failed(e); });
  worker.on('exit', () => {
    if (!wasCopied) failed(new Error('the copy thread ended before the copy was done'));
    finished();
  });
  return { copied: copy, done };
}

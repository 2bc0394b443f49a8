// WAL checkpoints off the runner's thread. SQLite runs a checkpoint inside the commit that takes the log
// past `wal_autocheckpoint` pages: at 2,000 users that was ~100 checkpoints of ~270 ms each, a fifth of
// the runner thread's time, during which it moved nothing. A thread of its own backfills the log every
// second while the runner keeps writing (WAL lets the two run at once); the runner's own automatic
// checkpoint stays, at a higher mark, as the bound on the log if this thread falls behind or dies.
import { moduleThread } from './moduleThread.js';
import type { Store } from './db.js';
import { sqliteHandleOf } from './db.js';

/** About one runner threshold's worth of log at a full batch's write rate (~40 MB/s here). */
const INTERVAL_MS = 1000;
/** The runner's own checkpoint, now only a bound: 256 MB of log. */
const BACKSTOP_PAGES = 65_536;

/**
 * The API thread's connection leaves checkpoints to the runner's side: in the API thread a checkpoint
 * is a stall of every request. Its own mark is raised above the runner's (not removed, so the log
 * still cannot grow without bound when no runner runs).
 */
export function leaveCheckpointsToRunner(store: Store): void {
  sqliteHandleOf(store)?.setPragma('wal_autocheckpoint', BACKSTOP_PAGES * 2);
}

export interface Checkpointer {
  /** Resolves once the thread's connection is open and answers the Stores' pauses (or the thread ended). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** Starts checkpointing a SQLite file store from another thread; none for memory or PostgreSQL. */
export function checkpointInBackground(store: Store, intervalMs = INTERVAL_MS): Checkpointer {
  const handle = sqliteHandleOf(store);
  if (!handle || store.location === ':memory:') return { ready: Promise.resolve(), stop: async () => undefined };
  const worker = moduleThread(import.meta.url, './checkpointThread', { location: store.location, intervalMs });
  worker.unref();
  worker.on('error', () => undefined); // the backstop keeps the log bounded
  const ready = new Promise<void>((resolve) => {
    worker.on('message', (m: { t: string }) => { if (m.t === 'ready') resolve(); });
    worker.once('exit', () => resolve());
  });
  handle.setPragma('wal_autocheckpoint', BACKSTOP_PAGES);
  let stopped: Promise<void> | undefined;
  return {
    ready,
    stop: () => (stopped ??= (async () => {
      // Its connection closed before the thread goes (a terminate alone would leave that to the OS).
      const closed = new Promise<void>((resolve) => {
        const bound = setTimeout(resolve, 2000);
        worker.on('message', (m: { t: string }) => { if (m.t === 'stopped') { clearTimeout(bound); resolve(); } });
        worker.once('exit', () => { clearTimeout(bound); resolve(); });
      });
      worker.postMessage({ t: 'stop' });
      await closed;
      await worker.terminate();
    })()),
  };
}

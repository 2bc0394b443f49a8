// The API thread's handle on the worker thread of `xtm serve`: messages to it (clock, notify) and
// requests answered by it (drain, idle, stop). A thread that dies (an uncaught error in a task's code,
// a failed start) is started again with back-off; the API keeps serving meanwhile, and the work the
// dead runner held is released by the stale-lock sweep and run by the new one.
import type { Logger } from 'pino';
import { moduleThread } from '../../store/moduleThread.js';
import type { FromThread, ThreadData, ToThread } from './thread.js';

export interface WorkerThread {
  post(m: ToThread): void;
  /** Asks the thread; while a dead thread is being replaced, asks the new one (up to a minute). */
  request(t: 'drain' | 'idle'): Promise<void>;
  close(): Promise<void>;
}

/** Starts the worker thread (data is read anew at each restart: the clock it starts from moves). */
export function superviseThread(data: () => Omit<ThreadData, 'entry'>, log: Logger): WorkerThread {
  let thread: ThreadClient;
  let stopping = false;
  let restarts = 0;
  const spawn = () => {
    thread = startThread(data(), log, {
      ready: () => {
        restarts = 0;
      },
      died: (err) => {
        if (stopping) return;
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(restarts++, 5));
        log.error({ err, restartInMs: delay }, 'worker thread died; starting a new one');
        setTimeout(() => {
          if (!stopping) spawn();
        }, delay).unref();
      },
    });
  };
  spawn();
  return {
    post: (m) => thread.post(m),
    async request(t) {
      for (const deadline = Date.now() + 60_000; ;) {
        const asked = thread;
        try {
          return await asked.request(t);
        } catch (err) {
          if (stopping || !asked.isDead() || Date.now() > deadline) throw err; // the thread's own answer stands
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    },
    async close() {
      stopping = true;
      await thread.close();
    },
  };
}

interface ThreadClient { post(m: ToThread): void; request(t: 'drain' | 'idle' | 'stop'): Promise<void>; isDead(): boolean; close(): Promise<void> }

function startThread(data: Omit<ThreadData, 'entry'>, log: Logger, on: { ready(): void; died(err: Error): void }): ThreadClient {
  const worker = moduleThread(import.meta.url, './thread', data);
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let dead: Error | undefined;
  let closing = false;
  const failAll = (e: Error) => {
    const first = !dead;
    dead ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    if (first && !closing) on.died(e);
  };
  worker.on('message', (m: FromThread) => {
    if (m.t === 'ready') on.ready();
    else if (m.t === 'failed') {
      log.error({ error: m.error }, 'worker thread: start failed');
      failAll(new Error(`worker thread failed to start: ${m.error}`));
      void worker.terminate();
    } else if (m.t === 'done') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error));
      else p?.resolve();
    }
  });
  worker.on('error', (err) => {
    log.error({ err }, 'worker thread crashed');
    failAll(err);
  });
  worker.on('exit', (code) => failAll(new Error(`worker thread exited (${code})`)));
  const client: ThreadClient = {
    post: (m) => {
      if (!dead) worker.postMessage(m);
    },
    request(t) {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ t, id } satisfies ToThread);
      });
    },
    isDead: () => dead !== undefined,
    async close() {
      closing = true;
      if (!dead) await client.request('stop').catch((err) => log.warn({ err }, 'worker thread: stop failed'));
      await worker.terminate();
    },
  };
  return client;
}

// The worker thread of `xtm serve`: the runner and every task it executes run here, on their own
// store connection, off the API's event loop. The API thread talks to it by messages (clock changes,
// notify, drain, idle, stop); see workQueue.ts for the other side.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { Clock, type ClockAnchors } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import { isSqliteBusy } from '../../store/db.js';
import { startRunnerHost, type ModuleRef, type RunnerHost } from './host.js';
import type { RunnerOptions } from './runnerOptions.js';

export interface ThreadData { entry: string; location: string; config: XtmConfig; clock: ClockAnchors; validate?: ModuleRef; runner?: RunnerOptions; logLevel: string }
export type ToThread = { t: 'clock'; s: ClockAnchors } | { t: 'notify' } | { t: 'drain' | 'idle' | 'stop'; id: number };
export type FromThread = { t: 'ready'; tasks: string[] } | { t: 'failed'; error: string } | { t: 'done'; id: number; error?: string };

const data = workerData as ThreadData;
// Background work yields the CPU to the API: on Linux a nice value is per thread, and pid 0 names the
// calling thread, so this lowers only the runner's priority (elsewhere it may apply to the process,
// where it is still harmless: the API thread then simply shares the lower priority).
if (process.env.XTM_WORKER_NICE !== '0') {
  try {
    setPriority(0, Number(process.env.XTM_WORKER_NICE ?? 10));
  } catch {
    // not permitted here: run at normal priority
  }
}
const port = parentPort!;
const log = pino({ level: data.logLevel }).child({ thread: 'worker' });
const clock = new Clock({ mode: 'manual' });
clock.follow(data.clock);

let host: RunnerHost | undefined;
// The API thread may hold the write lock for longer than busy_timeout (a large scenario or admin
// load): a busy store at boot is waited out, not fatal; a runner that never starts runs nothing.
async function boot(): Promise<RunnerHost> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startRunnerHost({ location: data.location, config: data.config, clock, log, validate: data.validate, runner: data.runner });
    } catch (err) {
      if (!isSqliteBusy(err) || attempt >= 60) throw err;
      log.warn({ attempt }, 'worker thread: store busy at start, retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
const booting = boot().then((h) => {
  host = h;
  port.postMessage({ t: 'ready', tasks: [] } satisfies FromThread);
  return h;
}, (err: unknown) => {
  port.postMessage({ t: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies FromThread);
  throw err;
});
booting.catch(() => undefined);

port.on('message', (m: ToThread) => {
  if (m.t === 'clock') {
    clock.follow(m.s);
    return;
  }
  if (m.t === 'notify') {
    host?.runner.queue.notify();
    return;
  }
  const reply = (error?: unknown) => port.postMessage({ t: 'done', id: m.id, ...(error ? { error: error instanceof Error ? error.message : String(error) } : {}) } satisfies FromThread);
  void booting.then(async (h) => {
    if (m.t === 'drain') await h.runner.drain();
    else if (m.t === 'idle') await h.runner.queue.idle();
    else await h.close();
  }).then(() => reply(), reply);
});

// What every Graph / admin route module receives. Built once in server.ts (the composition root).
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { XtmConfig } from '../config.js';
import type { WorkQueue } from '../engine/queue.js';
import type { Store } from '../store/db.js';

export interface AppDeps {
  store: Store;
  clock: Clock;
  config: XtmConfig;
  queue: WorkQueue;
  log: Logger;
}

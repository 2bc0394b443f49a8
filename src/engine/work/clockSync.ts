// The clock across threads and processes: the owner (the API process) persists every change of its
// clock, in order; a follower (an API replica, an `xtm worker`) looks the persisted clock up at an
// interval and takes it. A lookup that raced a local change is dropped, so it never undoes that change.
import type { Logger } from 'pino';
import type { Clock, ClockAnchors } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { readClockAnchors, saveClockAnchors } from '../../store/settingsRepo.js';

export interface ClockSync {
  /** Resolves once every local change so far is stored. */
  stored(): Promise<void>;
  /** Looks the persisted clock up now (a follower's first look, before it runs anything). */
  look(): Promise<void>;
  stop(): void;
}

export interface ClockSyncOptions {
  /** Store every local change (the owner); `onStored` hears each stored time, in order. */
  persist?: { onStored?(a: ClockAnchors): void };
  /** Look for a clock another process stored, at this interval. */
  followMs?: number;
}

export function syncClock(store: Store, clock: Clock, log: Logger, o: ClockSyncOptions): ClockSync {
  let changes = 0; // bumped on every local change: a lookup that raced one is dropped
  let persisting: Promise<void> = Promise.resolve();
  const persist = () => {
    changes++;
    const a = clock.anchors();
    persisting = persisting.then(() => saveClockAnchors(store.db, a)).then(() => o.persist?.onStored?.(a)).catch((err) => log.warn({ err }, 'clock: could not persist'));
  };
  const look = async () => {
    const seen = changes;
    await persisting;
    const a = await readClockAnchors(store.db);
    if (a && seen === changes) clock.follow(a);
  };
  if (o.persist) {
    clock.on('advance', persist);
    persist();
  }
  const timer = o.followMs ? setInterval(() => void look().catch((err) => log.warn({ err }, 'clock: lookup failed')), o.followMs) : undefined;
  timer?.unref();
  return {
    stored: () => persisting,
    look,
    stop() {
      if (o.persist) clock.off('advance', persist);
      if (timer) clearInterval(timer);
    },
  };
}

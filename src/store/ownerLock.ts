// One owner per SQLite store: the process serving (or running the work of) a SQLite file holds an
// exclusive SQLite lock on its companion file `<store>-owner` for as long as it lives. The lock is the
// operating system's, held by an open connection: it ends with the process, however it ends (SIGKILL
// included), so it can never go stale the way a pid file does. PostgreSQL stores have many owners.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export class StoreOwnedError extends Error {}

export interface StoreOwnership { release(): void }

export const ownerLockPath = (location: string): string => `${location}-owner`;

/** Takes the store for this process; throws StoreOwnedError at once when a live process holds it. */
export function acquireStoreOwnership(location: string): StoreOwnership {
  mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  const db = new Database(ownerLockPath(location));
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('begin exclusive');
  } catch (err) {
    db.close();
    if (/SQLITE_BUSY|database is locked/i.test(`${(err as { code?: string }).code} ${(err as Error).message}`)) {
      throw new StoreOwnedError(`the store ${location} is in use by another running xtm process (a server or worker holds ${ownerLockPath(location)})`);
    }
    throw err;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.exec('rollback');
      db.close();
    },
  };
}

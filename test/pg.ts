// Throwaway PostgreSQL databases for the tests (local server, trust auth), and the switch that runs
// the whole suite on PostgreSQL: `npm run test:postgres` sets XTM_TEST_STORE=postgres, and every
// store a test opens through testStoreLocation() is then a database of its own instead of SQLite.
import pg from 'pg';
import type { TestContext } from 'node:test';
import { openStore, type Store } from '../src/store/db.js';

export const PG_ADMIN_URL = process.env.XTM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True under `npm run test:postgres`: test stores are PostgreSQL databases. */
export const onPostgres = process.env.XTM_TEST_STORE === 'postgres';

/** Names start with this, so the suite runner can drop whatever a crashed test file left behind. */
export const DB_PREFIX = `xtm_${(process.env.XTM_TEST_RUN ?? 't').replace(/[^a-z0-9]/gi, '').toLowerCase()}_`;

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let reachable: Promise<string | null> | undefined;
/** null when PostgreSQL answers, else why not (asked once per process). */
export function pgUnreachable(): Promise<string | null> {
  reachable ??= admin('select 1').then(() => null, (e: Error) => `PostgreSQL not reachable at ${PG_ADMIN_URL} (${e.message}); start it or point XTM_TEST_PG at one to run these, and npm run test:postgres for the whole suite on it`);
  return reachable;
}

export interface TempDatabase { url: string; drop(): Promise<void> }

let seq = 0;
/** Creates `<prefix><label>_<pid>_<n>` and returns its URL; drop() waits for closed pools, then forces. */
export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = `${DB_PREFIX}${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${process.pid}_${Date.now().toString(36)}${seq++}`;
  await admin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // Without force first while a just-closed pool's connections finish ending (forced termination
      // surfaces as errors in this process); force only as a last resort.
      for (let i = 0; i < 30; i++) {
        try {
          await admin(`drop database if exists ${name}`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

/** Drops every database whose name starts with `prefix` (the suite runner's clean-up). */
export async function dropDatabases(prefix: string): Promise<number> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const r of rows) await c.query(`drop database if exists "${r.datname}" with (force)`);
    return rows.length;
  } finally {
    await c.end();
  }
}

const byLocation = new Map<string, Promise<TempDatabase>>();
let memoryStores = 0;

/**
 * Where a test's store lives. On SQLite (default) the location itself; under test:postgres a
 * PostgreSQL database standing for it: the same file path gives the same database (restart tests
 * reopen it), every ':memory:' a new one. Release it with releaseTestStore() once closed.
 */
export async function testStoreLocation(sqliteLocation: string, label = 'store'): Promise<string> {
  if (!onPostgres) return sqliteLocation;
  const key = sqliteLocation === ':memory:' ? `:memory:#${memoryStores++}` : sqliteLocation;
  let db = byLocation.get(key);
  if (!db) {
    db = createTempDatabase(label);
    byLocation.set(key, db);
  }
  const url = (await db).url;
  byLocation.set(url, db);
  return url;
}

/** Drops the database behind a location from testStoreLocation() (no-op on SQLite). */
export async function releaseTestStore(location: string): Promise<void> {
  const db = byLocation.get(location);
  if (!db) return;
  for (const [k, v] of byLocation) if (v === db) byLocation.delete(k);
  await (await db).drop();
}

/** openStore() on testStoreLocation(); close() also drops the PostgreSQL database. */
export async function openTestStore(sqliteLocation = ':memory:'): Promise<Store> {
  const location = await testStoreLocation(sqliteLocation);
  const store = await openStore(location);
  const close = store.close;
  store.close = async () => {
    await close();
    await releaseTestStore(location);
  };
  return store;
}

/**
 * Runs `fn` on a store in a throwaway PostgreSQL database (dropped afterwards); skips the test with
 * one line saying why when PostgreSQL does not answer.
 */
export async function withPostgres(t: TestContext, label: string, fn: (store: Store) => Promise<void>): Promise<void> {
  let db: TempDatabase;
  try {
    db = await createTempDatabase(label);
  } catch (e) {
    t.skip(`PostgreSQL not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}`);
    return;
  }
  const store = await openStore(db.url);
  try {
    await fn(store);
  } finally {
    await store.close();
    await db.drop();
  }
}

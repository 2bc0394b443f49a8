// Opens the store: SQLite file (embedded default) or PostgreSQL, runs migrations, and exposes the
// one Kysely instance. Dialect-specific code lives here and in the migrations, nowhere else.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, SqliteDialect, PostgresDialect, sql, type DatabaseConnection, type Driver, type Migration } from 'kysely';
import type { Database as Schema } from './schema.js';
import { registerSqliteReads } from './sqliteReads.js';
import { registerReadCache } from './readCache.js';
import { SqliteReadCache } from './sqliteReadCache.js';
import { SqliteHandle } from './sqliteHandle.js';
import { initialMigration } from './migrations/0001_initial.js';
import { workMigration } from './migrations/0002_work.js';
import { migrationMigration } from './migrations/0003_migration.js';
import { changesMigration } from './migrations/0004_changes.js';
import { faultsMigration } from './migrations/0005_faults.js';
import { spoMigrationMigration } from './migrations/0006_spo_migration.js';
import { taskFillfactorMigration } from './migrations/0007_task_fillfactor.js';
import { jobNotifyMigration } from './migrations/0008_job_notify.js';
import { moveIndexesMigration } from './migrations/0009_move_indexes.js';
import { contentMigration } from './migrations/0010_content.js';
import { credentialsMigration } from './migrations/0011_credentials.js';
import { jobSentValuesMigration } from './migrations/0013_job_sent_values.js';
import { scanIndexesMigration } from './migrations/0014_scan_indexes.js';
import { contentRefsMigration } from './migrations/0015_content_refs.js';
import { changeStagingMigration } from './migrations/0016_change_staging.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Schema>;
  dialect: StoreDialect;
  /** The raw better-sqlite3 handle (SQLite only): bulk loaders use prepared statements on it. Read it at each use: a snapshot restore reconnects (store/sqliteHandle.ts). */
  sqlite?: Database.Database;
  location: string;
  /** PostgreSQL: the connection pool's use now (for /metrics). */
  pool?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}

export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return { '0001_initial': initialMigration(dialect), '0002_work': workMigration(dialect), '0003_migration': migrationMigration(dialect), '0004_changes': changesMigration(dialect), '0005_faults': faultsMigration(dialect), '0006_spo_migration': spoMigrationMigration(dialect), '0007_task_fillfactor': taskFillfactorMigration(dialect), '0008_job_notify': jobNotifyMigration(dialect), '0009_move_indexes': moveIndexesMigration(), '0010_content': contentMigration(dialect), '0011_credentials': credentialsMigration(dialect), '0013_job_sent_values': jobSentValuesMigration(dialect), '0014_scan_indexes': scanIndexesMigration(), '0015_content_refs': contentRefsMigration(), '0016_change_staging': changeStagingMigration(dialect) };
}

export async function openStore(location: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const pg = await import('pg').catch(() => {
      throw new Error('PostgreSQL mode needs the "pg" package: npm install pg');
    });
    const Pool = (pg.default ?? pg).Pool;
    const { storeTypes, STORE_SESSION_OPTIONS } = await import('./pgTypes.js');
    const { nameStatements, watchWrites } = await import('./pgStatements.js');
    const { PgReadCache } = await import('./pgReadCache.js');
    const pool = new Pool({ connectionString: location, max: 10, types: storeTypes, options: STORE_SESSION_OPTIONS });
    // An idle connection the database dropped (restart, network) is an 'error' event on the pool, which
    // without a listener ends the process; the pool discards that connection and the next query opens a
    // new one or fails on its own (/readyz reports it). Found by test/service/readyz.postgres.test.ts.
    pool.on('error', () => undefined);
    // The same for a connection dropped while checked out between two queries (inside a transaction, or
    // held by a task): the pool listens only to idle ones, and pg's Client throws an unheard 'error'. The
    // next query on it fails, and the pool discards it on release (it is no longer queryable).
    pool.on('connect', (client) => client.on('error', () => undefined));
    nameStatements(pool);
    // XTM_PG_READ_CHECK=off: the single-replica cache without the cross-replica check (bench baseline only).
    const cache = new PgReadCache(() => new (pg.default ?? pg).Client({ connectionString: location }), pool, process.env.XTM_PG_READ_CHECK !== 'off');
    watchWrites(pool, () => cache.written());
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    registerReadCache(db, cache);
    const store: Store = { db, dialect: 'postgres', location, pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }), close: async () => {
      await cache.close();
      await db.destroy();
    } };
    await withSchemaLock(store, () => migrate(store));
    return store;
  }
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  const handle = new SqliteHandle(location, (sqlite) => {
    // The store holds the token signing key and secret digests: owner-only, like the TLS keys (-wal/-shm follow the file's mode).
    if (location !== ':memory:') chmodSync(location, 0o600);
    // First: another connection (the worker thread, a loader) may hold the write lock right now.
    sqlite.pragma(`busy_timeout = ${BUSY_WAIT_MS}`);
    // WAL + NORMAL: a committed transaction survives a process crash (SIGKILL); fsync on checkpoint.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('cache_size = -65536');
    sqlite.pragma('temp_store = MEMORY');
    // SQLite's built-in lower() folds ASCII only; PostgreSQL's folds Unicode. Make both agree.
    sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
    // PostgreSQL's md5(): set-based copies derive target ids in SQL (store/driveMoveRepo.ts).
    sqlite.function('md5', { deterministic: true }, (v: unknown) => (v == null ? null : createHash('md5').update(String(v)).digest('hex')));
  });
  try {
    const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect(handle) });
    registerSqliteReads(db, handle);
    registerReadCache(db, new SqliteReadCache(handle));
    handle.listen(db);
    const store: Store = {
      db, dialect: 'sqlite', location,
      // Read at each use: a snapshot restore reconnects (store/sqliteHandle.ts).
      get sqlite() { return handle.current; },
      close: async () => {
        await db.destroy();
        handle.close();
      },
    };
    handles.set(store, handle);
    await migrate(store);
    return store;
  } catch (err) {
    handle.close(); // a busy or failed open leaves no handle behind (the caller may retry)
    throw err;
  }
}

const handles = new WeakMap<Store, SqliteHandle>();

/**
 * A SQLite connection's page cache, in MB (64 by default, for the bulk loaders). The runner's connection
 * takes 16 (engine/work/host.ts), and so does the API thread's once a runner thread does the writing: its
 * reads are point lookups the OS page cache serves, and its full cache, filled by the scenario load, stayed
 * in the server's RSS (2,000-user migration, three runs each: peak RSS 480–538 MB → 476–487 MB, migrate
 * time unchanged).
 */
export function setPageCacheMb(store: Store, mb: number): void {
  handles.get(store)?.setPragma('cache_size', -mb * 1024);
}

/** A SQLite file store's reconnectable connection (store/sqliteHandle.ts). */
export function sqliteHandleOf(store: Store): SqliteHandle | undefined {
  return handles.get(store);
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). The runner writes from its own
 * connection in another thread; a deferred transaction that read first and then writes fails at once
 * with SQLITE_BUSY in WAL mode when the other connection committed meanwhile, where an immediate one
 * simply waits for the lock.
 *
 * That wait must not block the event loop: SQLite's busy handler sleeps the calling thread, and in the
 * API thread that would hold every request behind the runner's transaction. So a write that finds the
 * lock taken (BEGIN IMMEDIATE, or a write outside a transaction) fails at once (busy_timeout 0 for that
 * attempt only) and is retried after an asynchronous pause, until BUSY_WAIT_MS have passed. A statement
 * that failed with SQLITE_BUSY changed nothing, so the retry is safe.
 */
const BUSY_WAIT_MS = 5000;
const WRITE = /^\s*(insert|update|delete|replace|with)\b/i;

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly handle: SqliteHandle) {
    super({ database: handle.forKysely() });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const handle = this.handle;
    const raw = { get inTransaction() { return handle.current.inTransaction; } };
    // Kept prepared: these run around every write that may wait for the lock.
    const busyOff = () => handle.prepare('pragma busy_timeout = 0').get();
    const busyOn = () => handle.prepare(`pragma busy_timeout = ${BUSY_WAIT_MS}`).get();
    const withoutBlocking = <T>(attempt: () => Promise<T>) => retryWhenBusy(attempt, busyOff, busyOn);
    const acquire = driver.acquireConnection.bind(driver);
    const wrapped = new WeakSet<DatabaseConnection>();
    driver.acquireConnection = async () => {
      const connection = await acquire();
      if (!wrapped.has(connection)) {
        wrapped.add(connection);
        const execute = connection.executeQuery.bind(connection);
        connection.executeQuery = ((q: CompiledQuery) => (!raw.inTransaction && WRITE.test(q.sql) ? withoutBlocking(() => execute(q)) : execute(q))) as typeof connection.executeQuery;
      }
      return connection;
    };
    driver.beginTransaction = (connection: DatabaseConnection) => withoutBlocking(() => connection.executeQuery(CompiledQuery.raw('begin immediate'))).then(() => undefined);
    return driver;
  }
}

async function retryWhenBusy<T>(attempt: () => Promise<T>, busyOff: () => void, busyOn: () => void): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 16)) {
    busyOff();
    try {
      return await attempt();
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() >= deadline) throw err;
    } finally {
      busyOn(); // raw-handle users (bulk loaders) keep the blocking wait
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

/** SQLite's "the lock is taken" (SQLITE_BUSY and its extended codes), also when wrapped by a migration error. */
export function isSqliteBusy(err: unknown): boolean {
  return /^SQLITE_BUSY/.test(String((err as { code?: unknown } | null)?.code)) || /database is locked/.test(String((err as Error | null)?.message));
}

/**
 * PostgreSQL: one process at a time changes the database's schemas, xtm's and graphile-worker's alike
 * (a session advisory lock on a connection of its own). Processes started together on an empty database
 * (compose, the chaos test) otherwise ran Kysely's migrator, which lists every table of every schema
 * before taking its own lock, while another process's graphile-worker install renamed its tables:
 * "relation graphile_worker.known_crontabs does not exist". SQLite: `fn` alone (one owner per file).
 */
export async function withSchemaLock<T>(store: Store, fn: () => Promise<T>): Promise<T> {
  if (store.dialect !== 'postgres') return fn();
  return store.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('xtm.schema'))`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(hashtext('xtm.schema'))`.execute(conn);
    }
  });
}

async function migrate(store: Store): Promise<void> {
  const all = migrations(store.dialect);
  const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => all }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? error}`);
  }
}

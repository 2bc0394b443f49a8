// Opens the store: SQLite file (embedded default) or PostgreSQL, runs migrations, and exposes the
// one Kysely instance. Dialect-specific code lives here and in the migrations, nowhere else.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, Migrator, SqliteDialect, PostgresDialect, type DatabaseConnection, type Driver, type Migration } from 'kysely';
import type { Database as Schema } from './schema.js';
import { registerSqliteReads } from './sqliteReads.js';
import { initialMigration } from './migrations/0001_initial.js';
import { workMigration } from './migrations/0002_work.js';
import { migrationMigration } from './migrations/0003_migration.js';
import { changesMigration } from './migrations/0004_changes.js';
import { faultsMigration } from './migrations/0005_faults.js';
import { spoMigrationMigration } from './migrations/0006_spo_migration.js';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Schema>;
  dialect: StoreDialect;
  /** The raw better-sqlite3 handle (SQLite only): bulk loaders use prepared statements on it. */
  sqlite?: Database.Database;
  location: string;
  close(): Promise<void>;
}

export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return { '0001_initial': initialMigration(dialect), '0002_work': workMigration(dialect), '0003_migration': migrationMigration(dialect), '0004_changes': changesMigration(dialect), '0005_faults': faultsMigration(dialect), '0006_spo_migration': spoMigrationMigration(dialect) };
}

export async function openStore(location: string): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const pg = await import('pg').catch(() => {
      throw new Error('PostgreSQL mode needs the "pg" package: npm install pg');
    });
    const Pool = (pg.default ?? pg).Pool;
    const { storeTypes, STORE_SESSION_OPTIONS } = await import('./pgTypes.js');
    const { nameStatements } = await import('./pgStatements.js');
    const pool = new Pool({ connectionString: location, max: 10, types: storeTypes, options: STORE_SESSION_OPTIONS });
    nameStatements(pool);
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    const store: Store = { db, dialect: 'postgres', location, close: () => db.destroy() };
    await migrate(store);
    return store;
  }
  if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true, mode: 0o700 });
  const sqlite = new Database(location);
  // The store holds the token signing key and secret digests: owner-only, like the TLS keys (-wal/-shm follow the file's mode).
  if (location !== ':memory:') chmodSync(location, 0o600);
  // WAL + NORMAL: a committed transaction survives a process crash (SIGKILL); fsync on checkpoint.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  // SQLite's built-in lower() folds ASCII only; PostgreSQL's folds Unicode. Make both agree.
  sqlite.function('lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
  // PostgreSQL's md5(): set-based copies derive target ids in SQL (store/driveMoveRepo.ts).
  sqlite.function('md5', { deterministic: true }, (v: unknown) => (v == null ? null : createHash('md5').update(String(v)).digest('hex')));
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }) });
  registerSqliteReads(db, sqlite);
  const store: Store = { db, dialect: 'sqlite', sqlite, location, close: () => db.destroy() };
  await migrate(store);
  return store;
}

/**
 * Kysely's SQLite driver prepares every query anew; the same few statements run on every request, so
 * keep them. Safe because xtm never streams (iterates) a result while re-running the same statement.
 */
function withStatementCache(sqlite: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = target.prepare(sql);
          if (cache.size >= 2000) cache.delete(cache.keys().next().value!);
          cache.set(sql, stmt);
        }
        return stmt;
      };
    },
  });
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). The runner writes from its own
 * connection in another thread; a deferred transaction that read first and then writes fails at once
 * with SQLITE_BUSY in WAL mode when the other connection committed meanwhile, where an immediate one
 * simply waits (busy_timeout) for the lock.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
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

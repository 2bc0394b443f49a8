// Where rows go. SQLite: per table, rows are buffered and inserted 16 at a time by a cached multi-row
// INSERT, bound positionally by a generated function (multi-row statements are ~40% faster than one
// row per statement; named binding is ~30% slower than positional). Anything else (PostgreSQL, or
// SQLite inside a Kysely transaction): rows are buffered per table and inserted through Kysely.
// replaceTenantsInBulk is the scenario loader's unit of work over either path.
import type Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database as Schema } from './schema.js';
import type { Store } from './db.js';
import { inTransaction, type Tx } from './unitOfWork.js';
import { withoutChangeTracking, withoutChangeTrackingSqlite } from './changesRepo.js';

export type TableName = keyof Schema;
/** Where a writer hands each row it produces (tenants/tableRows.ts writes records as rows). */
export type Emit = <T extends TableName>(table: T, row: Schema[T]) => void;
export type RowCounts = Partial<Record<TableName, number>>;

export interface SyncSink { emit: Emit; counts: RowCounts; /** Writes buffered rows; call before the transaction ends. */ flush(): void }

const ROWS_PER_STATEMENT = 16;

function sqliteSink(sqlite: Database.Database): SyncSink {
  const counts: RowCounts = {};
  const tables = new Map<string, { rows: object[]; many: (rows: object[]) => void; one: (rows: object[]) => void }>();
  const binder = (table: string, cols: string[], n: number) => {
    const values = `(${cols.map(() => '?').join(', ')})`;
    const stmt = sqlite.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${Array(n).fill(values).join(', ')}`);
    const args = Array.from({ length: n }, (_, k) => cols.map((c) => `r[${k}].${c}`).join(', ')).join(', ');
    return new Function('stmt', `return (r) => stmt.run(${args});`)(stmt) as (rows: object[]) => void;
  };
  const emit: Emit = (table, row) => {
    let t = tables.get(table);
    if (!t) {
      const cols = Object.keys(row);
      t = { rows: [], many: binder(table, cols, ROWS_PER_STATEMENT), one: binder(table, cols, 1) };
      tables.set(table, t);
    }
    t.rows.push(row);
    if (t.rows.length === ROWS_PER_STATEMENT) {
      t.many(t.rows);
      t.rows.length = 0;
    }
    counts[table] = (counts[table] ?? 0) + 1;
  };
  const flush = () => {
    for (const t of tables.values()) {
      for (const row of t.rows) t.one([row]);
      t.rows.length = 0;
    }
  };
  return { emit, counts, flush };
}

export interface AsyncSink { emit: Emit; counts: RowCounts; flush(): Promise<void>; flushIfFull(): Promise<void> }

export function bufferedSink(db: Kysely<Schema> | Tx, maxParams = 30_000): AsyncSink {
  const counts: RowCounts = {};
  const buffers = new Map<TableName, object[]>();
  let buffered = 0;
  const emit: Emit = (table, row) => {
    let buf = buffers.get(table);
    if (!buf) buffers.set(table, (buf = []));
    buf.push(row);
    buffered++;
    counts[table] = (counts[table] ?? 0) + 1;
  };
  const flush = async (): Promise<void> => {
    for (const [table, rows] of buffers) {
      if (!rows.length) continue;
      const perStatement = Math.max(1, Math.floor(maxParams / Object.keys(rows[0]!).length));
      for (let i = 0; i < rows.length; i += perStatement) {
        await db.insertInto(table).values(rows.slice(i, i + perStatement) as never).execute();
      }
      rows.length = 0;
    }
    buffered = 0;
  };
  return { emit, counts, flush, flushIfFull: () => (buffered >= 5_000 ? flush() : Promise.resolve()) };
}

/** Every table holding tenant data, with its tenant column; `tenants` last. */
export const TENANT_TABLES: readonly (readonly [TableName, string])[] = [
  ['tenant_domains', 'tenant_id'], ['users', 'tenant_id'], ['recipients', 'tenant_id'], ['groups', 'tenant_id'], ['group_members', 'tenant_id'],
  ['applications', 'owner_tenant_id'], ['service_principals', 'tenant_id'], ['organization_relationships', 'tenant_id'],
  ['migration_endpoints', 'tenant_id'], ['mail_folders', 'tenant_id'], ['mail_items', 'tenant_id'], ['sites', 'tenant_id'],
  ['drive_items', 'tenant_id'], ['permissions', 'tenant_id'], ['spo_relationships', 'tenant_id'], ['spo_user_mappings', 'tenant_id'],
  ['spo_group_mappings', 'tenant_id'], ['chats', 'tenant_id'], ['chat_members', 'tenant_id'], ['chat_messages', 'tenant_id'],
  ['meetings', 'tenant_id'], ['migration_faults', 'tenant_id'], ['identity_mappings', 'target_tenant_id'], ['migration_tasks', 'tenant_id'], ['migration_jobs', 'tenant_id'],
  ['tenants', 'id'],
];

function deleteTenantsSqlite(sqlite: Database.Database, tenantIds: readonly string[]): void {
  if (!tenantIds.length) return;
  const marks = tenantIds.map(() => '?').join(', ');
  for (const [table, col] of TENANT_TABLES) sqlite.prepare(`DELETE FROM ${table} WHERE ${col} IN (${marks})`).run(...tenantIds);
}

async function deleteTenantsKysely(db: Kysely<Schema> | Tx, tenantIds: readonly string[]): Promise<void> {
  if (!tenantIds.length) return;
  for (const [table, col] of TENANT_TABLES) await db.deleteFrom(table).where(col as never, 'in', tenantIds as never).execute();
}

/**
 * Runs a bulk write in rollback-journal mode when the store is in WAL mode. WAL writes every page twice
 * (to the log, then the checkpoint at commit copies it into the file): for a 1.4 GB load the commit alone
 * took 19 s. A rollback journal writes new pages once and is just as atomic. The switch only succeeds
 * when no other connection has the file open; otherwise the load simply runs in WAL mode.
 */
function withRollbackJournal<T>(sqlite: Database.Database, fn: () => T): T {
  let wal = sqlite.pragma('journal_mode', { simple: true }) === 'wal';
  if (wal) wal = leaveWal(sqlite);
  // The connection's own 64 MB page cache: a 256 MB one for the load was no faster (10,000 users: 33,013
  // vs 31,502 items/s, same run) and its pages stayed in the process's heap for its whole life (+200 MB RSS).
  try {
    return fn();
  } finally {
    if (wal) sqlite.pragma('journal_mode = WAL');
  }
}

/**
 * The scenario loader's unit of work: in ONE transaction, every row of `tenantIds` is deleted and every
 * row `fill` emits is inserted; the change log gets one reset mark per tenant, not a row per item (see
 * docs/decisions.md). `fill` is a generator: each yield is a point where buffered rows may be written.
 * SQLite runs it synchronously through prepared multi-row inserts, holding Kysely's connection so no
 * other query interleaves; PostgreSQL runs it in a Kysely transaction, flushing every 5,000 rows.
 */
export async function replaceTenantsInBulk(store: Store, tenantIds: readonly string[], fill: (emit: Emit) => Iterable<unknown>): Promise<RowCounts> {
  const sqlite = store.sqlite;
  if (sqlite) {
    return store.db.connection().execute(async () => withRollbackJournal(sqlite, () => sqlite.transaction(() =>
      withoutChangeTrackingSqlite(sqlite, tenantIds, () => {
        deleteTenantsSqlite(sqlite, tenantIds);
        const sink = sqliteSink(sqlite);
        for (const _ of fill(sink.emit));
        sink.flush();
        return sink.counts;
      }))()));
  }
  const counts = await inTransaction(store, (tx) => withoutChangeTracking(tx, tenantIds, async () => {
    await deleteTenantsKysely(tx, tenantIds);
    const sink = bufferedSink(tx);
    for (const _ of fill(sink.emit)) await sink.flushIfFull();
    await sink.flush();
    return sink.counts;
  }));
  await analyzeTables(store.db, Object.keys(counts) as TableName[]);
  return counts;
}

/**
 * PostgreSQL: fresh planner statistics for tables a bulk write just filled. Until autovacuum gets to
 * them (a minute or more), a loaded table has none: every equality guesses 0.5 % of the rows, a user's
 * 200 items look like 1, and the migration's anti-joins became nested loops that rescan the user's
 * items per item (3.5–5 s for one user's incremental pass instead of 1 ms).
 */
export async function analyzeTables(db: Kysely<Schema>, tables: readonly TableName[]): Promise<void> {
  if (!isPostgres(db) || !tables.length) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/** Deletes tenants and every row they own (content, relationships, mappings, migration jobs) in one transaction. */
export function deleteTenantsWithRows(store: Store, tenantIds: readonly string[]): Promise<void> {
  return inTransaction(store, (tx) => withoutChangeTracking(tx, tenantIds, () => deleteTenantsKysely(tx, tenantIds)));
}

/** Switches to the rollback journal when this is the file's only connection; false (stays WAL) when another holds it open (a running server's runner: a reset). */
function leaveWal(sqlite: Database.Database): boolean {
  const timeout = sqlite.pragma('busy_timeout', { simple: true });
  sqlite.pragma('busy_timeout = 0'); // asking is enough: don't wait for a connection that stays open
  try {
    return sqlite.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw e;
  } finally {
    sqlite.pragma(`busy_timeout = ${Number(timeout)}`);
  }
}

// Rehearsals: capture and restore the whole store while the server runs, and empty it for a reset.
// SQLite: a snapshot is a file beside the store (<dir>/snapshots/NAME.db), written with SQLite's online
// backup API (store/sqlitePageCopy.ts), restored by swapping a copy of it in for the store's file
// (store/sqliteHandle.ts), or, when another process has the file open, by a page copy into it.
// PostgreSQL: a schema per snapshot (xtm_snapshot_NAME) with a copy of each table, restored by
// TRUNCATE + INSERT … SELECT in one transaction.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { sqliteHandleOf, type Store } from './db.js';
import { pageCopy } from './sqlitePageCopy.js';

export interface SnapshotInfo { name: string; bytes: number | null; createdDateTime: string }

/** Snapshot names: a file name and a schema name suffix on every platform. */
export const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Tables a rehearsal keeps: the schema's bookkeeping, the token signing key (tokens issued stay valid) and runner heartbeats. */
const KEEP = new Set(['kysely_migration', 'kysely_migration_lock', 'signing_keys', 'work_workers', 'sqlite_sequence']);

export class SnapshotError extends Error {
  constructor(message: string, readonly kind: 'notFound' | 'unsupported' | 'invalid') {
    super(message);
  }
}

function sqliteOf(store: Store): Database.Database {
  if (!store.sqlite || store.location === ':memory:') throw new SnapshotError('snapshots need a SQLite file or PostgreSQL store (this store is in memory)', 'unsupported');
  return store.sqlite;
}
const dirOf = (store: Store) => join(dirname(store.location), 'snapshots');
const fileOf = (store: Store, name: string) => join(dirOf(store), `${name}.db`);
const schemaOf = (name: string) => `xtm_snapshot_${name.toLowerCase()}`;

async function tables(store: Store, schema?: string): Promise<string[]> {
  if (store.dialect === 'sqlite') {
    return (sqliteOf(store).prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]);
  }
  const r = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = ${schema ?? sql`current_schema()`} and table_type = 'BASE TABLE'`.execute(store.db);
  return r.rows.map((x) => x.table_name);
}
const ident = (s: string) => sql.id(s);

export async function saveSnapshot(store: Store, name: string): Promise<SnapshotInfo> {
  if (store.dialect === 'sqlite') {
    sqliteOf(store);
    mkdirSync(dirOf(store), { recursive: true, mode: 0o700 });
    const tmp = `${fileOf(store, name)}.partial`;
    rmSync(tmp, { force: true });
    const copy = pageCopy('save', store.location, tmp);
    await copy.copied;
    await copy.done; // its connection to the store is closed (a restore swaps the file only when no other is open)
    chmodSync(tmp, 0o600); // it holds the signing key and secret digests, like the store
    renameSync(tmp, fileOf(store, name)); // a snapshot is whole or absent
    return info(store, name)!;
  }
  const schema = schemaOf(name);
  const names = (await tables(store)).filter((t) => !KEEP.has(t));
  await store.db.transaction().execute(async (tx) => {
    await sql`drop schema if exists ${ident(schema)} cascade`.execute(tx);
    await sql`create schema ${ident(schema)}`.execute(tx);
    for (const t of names) await sql`create table ${sql.id(schema, t)} as table ${sql.id(t)}`.execute(tx);
    await sql`comment on schema ${ident(schema)} is ${sql.lit(new Date().toISOString())}`.execute(tx);
  });
  return { name, bytes: null, createdDateTime: new Date().toISOString() };
}

export async function restoreSnapshot(store: Store, name: string): Promise<void> {
  if (store.dialect === 'sqlite') return restoreSqlite(store, name);
  const schema = schemaOf(name);
  const saved = await tables(store, schema);
  if (!saved.length) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
  const live = (await tables(store)).filter((t) => !KEEP.has(t));
  // The truncate locks every table in turn while the runner's transactions lock rows and tables in their
  // own order, so PostgreSQL may pick the restore as a deadlock's victim (seen in CI, about one run in
  // six of test/ops/rehearsal.test.ts): nothing of it committed, so it runs again.
  for (let attempt = 1; ; attempt++) {
    try {
      await store.db.transaction().execute(async (tx) => {
        await sql`truncate ${sql.join(live.map((t) => sql.id(t)))}`.execute(tx);
        for (const t of saved.filter((x) => live.includes(x))) {
          // A restore is not a change to log: the change log is restored with the rest.
          await sql`alter table ${sql.id(t)} disable trigger user`.execute(tx);
          await sql`insert into ${sql.id(t)} select * from ${sql.id(schema, t)}`.execute(tx);
          await sql`alter table ${sql.id(t)} enable trigger user`.execute(tx);
        }
      });
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== DEADLOCK_DETECTED || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }
}

/** PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock. */
const DEADLOCK_DETECTED = '40P01';

/**
 * SQLite, two ways, both leaving every open connection valid (the runner's thread's included):
 * - a raw copy of the snapshot beside the store, the live rows of the tables a rehearsal keeps written
 *   into it, and the file swapped in while this process's connections to it are closed for the rename
 *   (store/sqliteHandle.ts): what a restore with the server stopped would do, and as fast;
 * - when another connection stays open (another process has the file, or a transaction did not end
 *   in time): a page copy into the live file (store/sqlitePageCopy.ts), one WAL transaction that every
 *   connection sees whole, then the kept tables get their live rows back.
 * A snapshot saved with other store migrations is refused (either way brings its schema along).
 */
async function restoreSqlite(store: Store, name: string): Promise<void> {
  sqliteOf(store);
  const handle = sqliteHandleOf(store)!;
  const file = fileOf(store, name);
  if (!existsSync(file)) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
  const schema = (d: Database.Database) => (d.prepare('select name from kysely_migration order by name').pluck().all() as string[]).join(', ');
  const src = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (schema(src) !== schema(handle.current)) throw new SnapshotError(`snapshot '${name}' was saved by a store with other migrations (${schema(src)}; this store: ${schema(handle.current)}): save it again with this version`, 'invalid');
  } finally {
    src.close();
  }
  await checkpointing.get(handle); // a page copy's checkpoint still running: it must not meet this restore
  const keep = (await tables(store)).filter((t) => KEEP.has(t) && !t.startsWith('kysely_'));
  const kept = keep.map((t) => ({ t, rows: handle.current.prepare(`select * from main."${t}"`).raw().all() as unknown[][] }));

  const replacement = `${store.location}.restoring`;
  try {
    copyFileSync(file, replacement);
    const next = new Database(replacement);
    try {
      next.transaction(() => putRows(next, kept))();
    } finally {
      next.close();
    }
    if (await handle.swapIn(store.db, replacement)) return;
  } finally {
    rmSync(replacement, { force: true });
  }

  // This connection leaves the copy's checkpoint to the copy's thread (its next commit would do it here).
  const autoCheckpoint = handle.current.pragma('wal_autocheckpoint', { simple: true }) as number;
  handle.current.pragma('wal_autocheckpoint = 0');
  const copy = pageCopy('restore', file, store.location);
  const settled = copy.done.then(() => {
    if (handle.open) handle.current.pragma(`wal_autocheckpoint = ${autoCheckpoint}`); // (closed: the store was closed meanwhile)
    checkpointing.delete(handle);
  });
  checkpointing.set(handle, settled);
  await copy.copied;
  const db = handle.current;
  await store.db.connection().execute(async () => db.transaction(() => putRows(db, kept)).immediate());
}

/** Per store, the page copy whose checkpoint is still running. */
const checkpointing = new WeakMap<object, Promise<void>>();

/** Replaces the rows of each table with the given ones (same schema, so the same columns in order). */
function putRows(db: Database.Database, tables: { t: string; rows: unknown[][] }[]): void {
  for (const { t, rows } of tables) {
    db.prepare(`delete from main."${t}"`).run();
    if (rows.length) {
      const insert = db.prepare(`insert into main."${t}" values (${rows[0]!.map(() => '?').join(', ')})`);
      for (const r of rows) insert.run(r);
    }
  }
}

export async function listSnapshots(store: Store): Promise<SnapshotInfo[]> {
  if (store.dialect === 'sqlite') {
    sqliteOf(store);
    if (!existsSync(dirOf(store))) return [];
    return readdirSync(dirOf(store)).filter((f) => f.endsWith('.db')).map((f) => info(store, f.slice(0, -3))!).sort((a, b) => a.name.localeCompare(b.name));
  }
  const r = await sql<{ nspname: string; created: string | null }>`select nspname, obj_description(oid, 'pg_namespace') as created from pg_namespace where nspname like 'xtm\\_snapshot\\_%'`.execute(store.db);
  return r.rows.map((x) => ({ name: x.nspname.slice('xtm_snapshot_'.length), bytes: null, createdDateTime: x.created ?? '' })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function deleteSnapshot(store: Store, name: string): Promise<void> {
  if (store.dialect === 'sqlite') {
    if (!existsSync(fileOf(store, name))) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
    rmSync(fileOf(store, name));
    return;
  }
  if (!(await listSnapshots(store)).some((x) => x.name === name.toLowerCase())) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
  await sql`drop schema ${ident(schemaOf(name))} cascade`.execute(store.db);
}

/** Empties every table a rehearsal resets (all but KEEP), in one transaction, so a scenario can be loaded again. */
export async function clearStore(store: Store): Promise<void> {
  const names = (await tables(store)).filter((t) => !KEEP.has(t));
  if (store.dialect === 'postgres') {
    await store.db.transaction().execute(async (tx) => sql`truncate ${sql.join(names.map((t) => sql.id(t)))}`.execute(tx));
    return;
  }
  const db = sqliteOf(store);
  await store.db.connection().execute(async () => withoutIndexesAndTriggers(db, names, () => {
    for (const t of names) db.prepare(`delete from main."${t}"`).run();
  }));
}

/**
 * Runs `fill` in one immediate transaction with the tables' change-log triggers and indexes dropped,
 * then recreates them as they were: a restore is not a change to log (the change log itself is
 * restored), and building each index once after the rows are in is many times faster than keeping it
 * up to date row by row. SQLite's DDL is transactional: other connections see all of it or none.
 */
function withoutIndexesAndTriggers(db: Database.Database, tableNames: readonly string[], fill: () => void): void {
  const mine = new Set(tableNames);
  const objects = (db.prepare("select type, name, tbl_name, sql from main.sqlite_master where type in ('index', 'trigger') and sql is not null").all() as { type: string; name: string; tbl_name: string; sql: string }[])
    .filter((o) => mine.has(o.tbl_name));
  db.transaction(() => {
    for (const o of objects) db.prepare(`drop ${o.type} main."${o.name}"`).run();
    fill();
    for (const o of objects.filter((x) => x.type === 'index')) db.prepare(o.sql).run();
    for (const o of objects.filter((x) => x.type === 'trigger')) db.prepare(o.sql).run();
  }).immediate();
}

function info(store: Store, name: string): SnapshotInfo | undefined {
  const f = fileOf(store, name);
  if (!existsSync(f)) return undefined;
  const st = statSync(f);
  return { name, bytes: st.size, createdDateTime: st.mtime.toISOString() };
}

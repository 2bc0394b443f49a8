// Rehearsals: capture and restore the whole store while the server runs, and empty it for a reset.
// SQLite: a snapshot is a file beside the store (<dir>/snapshots/NAME.db), written with SQLite's online
// backup API from the live connection, and restored on the live connection: the file attached, every
// table emptied and refilled from it in one write transaction. PostgreSQL: a schema per snapshot (xtm_snapshot_NAME) with a copy
// of each table, restored by TRUNCATE + INSERT … SELECT in one transaction.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { Store } from './db.js';

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
    const db = sqliteOf(store);
    mkdirSync(dirOf(store), { recursive: true, mode: 0o700 });
    const tmp = `${fileOf(store, name)}.partial`;
    rmSync(tmp, { force: true });
    await db.backup(tmp, { progress: () => 8192 }); // online, 32 MB a step: other connections keep reading and writing between steps
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
  if (store.dialect === 'sqlite') {
    const db = sqliteOf(store);
    const file = fileOf(store, name);
    if (!existsSync(file)) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
    // On the live connection, in one write transaction (BEGIN IMMEDIATE waits for the runner's write
    // to end): every connection sees the old store or the restored one. Kysely's connection is held
    // so no query of this process interleaves. (The backup API into the live file, tried first, lost
    // the restore now and then when the runner's connection wrote during it.)
    await store.db.connection().execute(async () => {
      db.prepare('attach database ? as snap').run(file);
      try {
        const saved = new Set(db.prepare("select name from snap.sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[]);
        const live = (await tables(store)).filter((t) => !KEEP.has(t));
        withoutIndexesAndTriggers(db, live, () => {
          for (const t of live) {
            db.prepare(`delete from main."${t}"`).run();
            if (saved.has(t)) db.prepare(`insert into main."${t}" select * from snap."${t}"`).run();
          }
        });
      } finally {
        db.prepare('detach database snap').run();
      }
    });
    return;
  }
  const schema = schemaOf(name);
  const saved = await tables(store, schema);
  if (!saved.length) throw new SnapshotError(`no snapshot '${name}'`, 'notFound');
  const live = (await tables(store)).filter((t) => !KEEP.has(t));
  await store.db.transaction().execute(async (tx) => {
    await sql`truncate ${sql.join(live.map((t) => sql.id(t)))}`.execute(tx);
    for (const t of saved.filter((x) => live.includes(x))) {
      // A restore is not a change to log: the change log is restored with the rest.
      await sql`alter table ${sql.id(t)} disable trigger user`.execute(tx);
      await sql`insert into ${sql.id(t)} select * from ${sql.id(schema, t)}`.execute(tx);
      await sql`alter table ${sql.id(t)} enable trigger user`.execute(tx);
    }
  });
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

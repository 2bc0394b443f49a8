// Reads on the embedded SQLite store, straight on the connection when no transaction is open.
// Kysely's SQLite driver funnels every query through a promise mutex and a fresh compile; for the
// reads every request makes (a job by id, a page of jobs) that costs more than the read itself.
// Safe because better-sqlite3 is synchronous: with no transaction open on the connection
// (`inTransaction`), a read sees exactly the committed state, and nothing can begin while it runs.
// Inside a transaction, or on PostgreSQL, the query goes through Kysely as before.
import type { CompiledQuery, Kysely } from 'kysely';
import type { SqliteHandle } from './sqliteHandle.js';

const handles = new WeakMap<object, SqliteHandle>();

/** Called once by openStore for a SQLite store: `db` may read directly on the handle's connection. */
export function registerSqliteReads(db: Kysely<any>, handle: SqliteHandle): void {
  handles.set(db, handle);
}

export async function readRows<Row>(db: object, query: CompiledQuery<Row>): Promise<Row[]> {
  const h = handles.get(db);
  // Closed: a restore is swapping the file; Kysely waits for it.
  if (h && h.open && !h.current.inTransaction) return h.prepare(query.sql).all(query.parameters as unknown[]) as Row[];
  return (await (db as Kysely<any>).executeQuery(query)).rows as Row[];
}

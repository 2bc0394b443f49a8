// Reads on the embedded SQLite store, straight on the connection when no transaction is open.
// Kysely's SQLite driver funnels every query through a promise mutex and a fresh compile; for the
// reads every request makes (a job by id, a page of jobs) that costs more than the read itself.
// Safe because better-sqlite3 is synchronous: with no transaction open on the connection
// (`inTransaction`), a read sees exactly the committed state, and nothing can begin while it runs.
// Inside a transaction, or on PostgreSQL, the query goes through Kysely as before.
import type Database from 'better-sqlite3';
import type { CompiledQuery, Kysely } from 'kysely';

const handles = new WeakMap<object, { sqlite: Database.Database; statements: Map<string, Database.Statement> }>();

/** Called once by openStore for a SQLite store: `db` may read directly on `sqlite`. */
export function registerSqliteReads(db: Kysely<any>, sqlite: Database.Database): void {
  handles.set(db, { sqlite, statements: new Map() });
}

export async function readRows<Row>(db: object, query: CompiledQuery<Row>): Promise<Row[]> {
  const h = handles.get(db);
  if (h && !h.sqlite.inTransaction) {
    let stmt = h.statements.get(query.sql);
    if (!stmt) {
      stmt = h.sqlite.prepare(query.sql);
      if (h.statements.size >= 500) h.statements.delete(h.statements.keys().next().value!);
      h.statements.set(query.sql, stmt);
    }
    return stmt.all(query.parameters as unknown[]) as Row[];
  }
  return (await (db as Kysely<any>).executeQuery(query)).rows as Row[];
}

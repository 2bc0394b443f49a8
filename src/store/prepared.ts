// Compile-once queries for hot paths. Kysely builds and compiles a query on every call (about a quarter of
// a migration's worker time went there); for the lookups every request and every work item makes, the SQL
// is compiled once per dialect and each call binds new values.
import { CompiledQuery, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import { readRows } from './sqliteReads.js';

export function prepared<DB, Row, A extends unknown[]>(
  build: (db: Kysely<DB>, ...placeholders: A) => { compile(): CompiledQuery<Row> },
  placeholderArgs: A,
) {
  // The SQL depends on the dialect only, not on the store or transaction that runs it.
  const cache = new Map<boolean, string>();
  const compiled = (db: Kysely<DB>, args: A): CompiledQuery<Row> => {
    const pg = isPostgres(db);
    let text = cache.get(pg);
    if (text === undefined) {
      const q = build(db, ...placeholderArgs).compile();
      // The builder must bind exactly the arguments, in order, for the cached SQL to be reusable.
      if (q.parameters.length !== args.length) throw new Error('prepared(): parameter count mismatch');
      text = q.sql;
      cache.set(pg, text);
    }
    return CompiledQuery.raw(text, args) as CompiledQuery<Row>;
  };
  return {
    all: (db: Kysely<DB>, ...args: A): Promise<Row[]> => readRows<Row>(db, compiled(db, args)),
    async first(db: Kysely<DB>, ...args: A): Promise<Row | undefined> {
      return (await readRows<Row>(db, compiled(db, args)))[0];
    },
  };
}

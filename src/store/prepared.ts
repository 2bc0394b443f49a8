// Compile-once queries for hot paths. Kysely builds and compiles a query on every call; for the few
// lookups every request makes, compile once per store (in its own dialect) and bind new values.
import { CompiledQuery, type Kysely } from 'kysely';
import { readRows } from './sqliteReads.js';

export function prepared<DB, Row, A extends unknown[]>(
  build: (db: Kysely<DB>, ...placeholders: A) => { compile(): CompiledQuery<Row> },
  placeholderArgs: A,
) {
  const cache = new WeakMap<Kysely<DB>, string>();
  return {
    async first(db: Kysely<DB>, ...args: A): Promise<Row | undefined> {
      let sql = cache.get(db);
      if (sql === undefined) {
        const compiled = build(db, ...placeholderArgs).compile();
        // The builder must bind exactly the arguments, in order, for the cached SQL to be reusable.
        if (compiled.parameters.length !== args.length) throw new Error('prepared(): parameter count mismatch');
        sql = compiled.sql;
        cache.set(db, sql);
      }
      const rows = await readRows<Row>(db, CompiledQuery.raw(sql, args));
      return rows[0];
    },
  };
}

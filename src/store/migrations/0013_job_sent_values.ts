// completeAfterDateTime as the client sent it (docs/decisions.md, gap 3): `complete_after` keeps the instant
// (ms, for the clock, timers and $filter/$orderby), `complete_after_sent` the text echoed back unchanged,
// so seven fractional digits or an offset survive the round trip. Existing jobs get what they showed before.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';

export function jobSentValuesMigration(dialect: StoreDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('migration_jobs').addColumn('complete_after_sent', 'text', (c) => c.notNull().defaultTo('')).execute();
      const shown = dialect === 'postgres' ? sql`to_char(complete_after at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`complete_after`;
      await sql`update migration_jobs set complete_after_sent = ${shown}`.execute(db);
    },
  };
}

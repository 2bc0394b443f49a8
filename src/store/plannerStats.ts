// PostgreSQL planner statistics that follow a migration's writes. A migration fills tables fast
// (target mail, chat messages, the id map: from nothing to hundreds of thousands of rows in a minute),
// while autovacuum looks at a database once a minute (autovacuum_naptime). Until it does, the planner
// sees a table that was empty or one tenant's: a user's rows look like one row and anti-joins become
// nested loops that rescan the whole target tenant per row (seconds per user). Runners call
// analyzeStale() every few seconds: a table of this schema that changed by a tenth since its last
// ANALYZE is analyzed again, by one runner at a time.
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/** Changed rows since the last ANALYZE at which a table is analyzed again: max(MIN_CHANGES, FRACTION × rows). */
const MIN_CHANGES = 500;
const FRACTION = 0.1;
/**
 * Rows sampled per table: 300 × this. The planner here needs row counts and how many rows a tenant or a
 * user has, not fine histograms of subjects and bodies; PostgreSQL's default (100: 30,000 rows, every
 * column's values sorted) made ANALYZE the largest single cost of a migration on PostgreSQL (6.7 s of
 * 20 s of database CPU for 200 users, 0.4 s per look at mail_items).
 */
const STATISTICS_TARGET = 10;
/** One advisory lock key for "analyzing": concurrent runners skip instead of queueing behind each other. */
const LOCK = sql`hashtext('xtm.analyzeStale')`;

/** Analyzes the tables of the current schema whose statistics are stale; answers their names. No-op on SQLite. */
export async function analyzeStale(db: Kysely<Database>): Promise<string[]> {
  if (!isPostgres(db)) return [];
  return db.connection().execute(async (c) => {
    const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${LOCK}) as ok`.execute(c);
    if (!got.rows[0]?.ok) return [];
    try {
      const stale = await sql<{ relname: string }>`select relname from pg_stat_user_tables
        where schemaname = current_schema() and n_mod_since_analyze >= greatest(${sql.lit(MIN_CHANGES)}, ${sql.lit(FRACTION)} * n_live_tup)`.execute(c);
      const names = stale.rows.map((r) => r.relname);
      await sql`set default_statistics_target = ${sql.lit(STATISTICS_TARGET)}`.execute(c);
      for (const name of names) await sql`analyze ${sql.table(name)}`.execute(c);
      return names;
    } finally {
      await sql`reset default_statistics_target`.execute(c);
      await sql`select pg_advisory_unlock(${LOCK})`.execute(c);
    }
  });
}

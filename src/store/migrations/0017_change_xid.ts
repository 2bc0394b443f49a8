// PostgreSQL: a change row's position is its transaction's id, written with the row, and a reader reads
// only below the oldest transaction still running (pg_snapshot_xmin), where nothing can commit any more.
// Before, every transaction's rows were numbered at commit under one advisory lock held to the end of the
// commit: a 2,000-user migration spent 42 s inside that lock (2.6 ms a commit) and 78 s waiting for it,
// and its commits ran one at a time. Now nothing is serialized: a reader's cursor is final where it
// stops (every transaction below the horizon has ended), at the price of seeing a transaction's rows only
// once every older one has ended too (milliseconds for the runner's transactions).
// The positions carry on after the numbered ones (the offset is the log's head at this migration), so
// cursors kept before it stay valid. The txid column stays (snapshots saved before it copy by position).
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { TRACKED_CONTENT } from '../changeKinds.js';
import { postgresChangeFunction } from './0004_changes.js';

export function changeXidMigration(dialect: StoreDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect !== 'postgres') return;
      const head = await sql<{ seq: string | null }>`select max(seq)::text as seq from changes`.execute(db);
      const offset = BigInt(head.rows[0]?.seq ?? '0');
      const statements = [
        'DROP TRIGGER IF EXISTS change_commits_number ON change_commits',
        'DROP TRIGGER IF EXISTS changes_mark ON changes',
        'DROP TABLE IF EXISTS change_commits',
        'DROP FUNCTION IF EXISTS xtm_changes_number()',
        'DROP FUNCTION IF EXISTS xtm_changes_mark()',
        'DROP FUNCTION IF EXISTS xtm_changes_stage()',
        'DROP INDEX IF EXISTS changes_unnumbered',
        'ALTER TABLE changes DROP CONSTRAINT IF EXISTS changes_seq_key',
        'ALTER TABLE changes ALTER COLUMN txid DROP NOT NULL',
        'ALTER TABLE changes ALTER COLUMN txid DROP DEFAULT',
        // The writing transaction's id, past every number the commit-time numbering gave.
        `CREATE FUNCTION xtm_change_seq() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT pg_current_xact_id()::text::bigint + ${offset} $$`,
        // The highest position no transaction can still write at: below the oldest one running.
        `CREATE FUNCTION xtm_change_head() RETURNS bigint LANGUAGE sql VOLATILE AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1 + ${offset} $$`,
        'ALTER TABLE changes ALTER COLUMN seq SET DEFAULT xtm_change_seq()',
        'ALTER TABLE changes ALTER COLUMN seq SET NOT NULL',
        'CREATE INDEX changes_seq ON changes (seq, id)',
        ...TRACKED_CONTENT.map((t) => postgresChangeFunction(t, 'changes')),
      ];
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}

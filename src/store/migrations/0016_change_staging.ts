// PostgreSQL: a transaction's change rows wait in a temporary table of its session and are written to
// the log once, numbered, at commit. Before, the triggers inserted them unnumbered and the commit-time
// trigger numbered them with an UPDATE: every row written twice, its index entries twice (seq is in two
// indexes, so no HOT update), a third of a migration's write-ahead log. A temporary table is the
// session's own (no WAL, no other transaction's rows), emptied at every commit; a rolled-back
// transaction's rows go with it. Commit order is unchanged: the numbering still runs under the advisory
// lock held to the end of the commit (0004_changes). Rows written to the log directly (the bulk loaders'
// reset marks) are still numbered in place, before the staged ones.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { TRACKED_CONTENT } from '../changeKinds.js';
import { postgresChangeFunction } from './0004_changes.js';

const STAGED = 'pg_temp.xtm_changes_staged';

const STATEMENTS = [
  // Makes the session's staging table if needed and marks the transaction for numbering at commit.
  `CREATE OR REPLACE FUNCTION xtm_changes_stage() RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     IF to_regclass('${STAGED}') IS NULL THEN
       CREATE TEMPORARY TABLE xtm_changes_staged (ord bigint GENERATED ALWAYS AS IDENTITY, tenant_id text NOT NULL,
         kind text NOT NULL, owner_id text NOT NULL, item_id text NOT NULL, op text NOT NULL) ON COMMIT DELETE ROWS;
     END IF;
     IF current_setting('xtm.changes_marked', true) IS DISTINCT FROM '1' THEN
       PERFORM set_config('xtm.changes_marked', '1', true);
       INSERT INTO change_commits (txid) VALUES (pg_current_xact_id()::text);
     END IF;
   END $$`,
  `CREATE OR REPLACE FUNCTION xtm_changes_number() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE base bigint; direct bigint;
   BEGIN
     PERFORM pg_advisory_xact_lock(7336001);
     SELECT coalesce(max(seq), 0) INTO base FROM changes;
     UPDATE changes c SET seq = base + o.rn
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM changes WHERE txid = NEW.txid AND seq IS NULL) o
      WHERE c.id = o.id;
     GET DIAGNOSTICS direct = ROW_COUNT;
     IF to_regclass('${STAGED}') IS NOT NULL THEN
       INSERT INTO changes (txid, seq, tenant_id, kind, owner_id, item_id, op)
         SELECT NEW.txid, base + direct + row_number() OVER (ORDER BY ord), tenant_id, kind, owner_id, item_id, op
           FROM ${STAGED} ORDER BY ord;
     END IF;
     DELETE FROM change_commits WHERE txid = NEW.txid;
     RETURN NULL;
   END $$`,
  ...TRACKED_CONTENT.map((t) => postgresChangeFunction(t, STAGED, 'PERFORM xtm_changes_stage();')),
];

export function changeStagingMigration(dialect: StoreDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect !== 'postgres') return;
      for (const s of STATEMENTS) await sql.raw(s).execute(db);
    },
  };
}

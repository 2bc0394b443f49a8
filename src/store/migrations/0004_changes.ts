// The change log: every add, change and delete of tenant content, recorded by database triggers so no
// writer (scenario load, admin API, migration) can forget. Bulk loads suspend the triggers inside their
// own transaction (a row in change_suspensions, never visible to anyone else) and leave one `reset` mark
// per tenant instead of millions of rows.
//
// SQLite has one writer, so an AUTOINCREMENT key is also commit order. PostgreSQL allocates sequence
// values before commit, so concurrent writers could commit out of order and a reader's cursor would skip
// rows: there `seq` stays NULL until a deferred trigger numbers the transaction's rows at commit, under an
// advisory lock held to the end of the commit, so a visible seq implies every lower seq is visible too.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { TRACKED_CONTENT, type TrackedContent } from '../changeKinds.js';
import { columnTypes } from './types.js';

const keyExpr = (t: TrackedContent, row: string): string => t.item.map((c) => `${row}.${c}`).join(` || '|' || `);
const ownerExpr = (t: TrackedContent, row: string): string => `coalesce(${row}.${t.owner}, '')`;
const sameKey = (t: TrackedContent, a: string, b: string): string =>
  [`${a}.tenant_id = ${b}.tenant_id`, `${a}.${t.owner} IS NOT DISTINCT FROM ${b}.${t.owner}`, ...t.item.map((c) => `${a}.${c} = ${b}.${c}`)].join(' AND ');

function sqliteTriggers(t: TrackedContent): string[] {
  const cols = 'INSERT INTO changes (tenant_id, kind, owner_id, item_id, op)';
  const when = 'WHEN NOT EXISTS (SELECT 1 FROM change_suspensions)';
  const row = (r: string, op: string) => `SELECT ${r}.tenant_id, '${t.kind}', ${ownerExpr(t, r)}, ${keyExpr(t, r)}, ${op}`;
  const keyChanged = `NOT (${sameKey(t, 'OLD', 'NEW').replaceAll('IS NOT DISTINCT FROM', 'IS')})`;
  return [
    `CREATE TRIGGER changes_${t.table}_ins AFTER INSERT ON ${t.table} ${when} BEGIN ${cols} ${row('NEW', `'add'`)}; END`,
    `CREATE TRIGGER changes_${t.table}_upd AFTER UPDATE ON ${t.table} ${when} BEGIN
       ${cols} ${row('OLD', `'delete'`)} WHERE ${keyChanged};
       ${cols} ${row('NEW', `CASE WHEN ${keyChanged} THEN 'add' ELSE 'change' END`)};
     END`,
    `CREATE TRIGGER changes_${t.table}_del AFTER DELETE ON ${t.table} ${when} BEGIN ${cols} ${row('OLD', `'delete'`)}; END`,
  ];
}

/**
 * The statement trigger's function: one set-based INSERT per statement, not one per row. `into` is where
 * its rows go, after `prologue` (0016_change_staging stages them in a session's temporary table).
 */
export function postgresChangeFunction(t: TrackedContent, into: string, prologue = ''): string {
  const cols = `INSERT INTO ${into} (tenant_id, kind, owner_id, item_id, op)`;
  const sel = (r: string, op: string) => `SELECT ${r}.tenant_id, '${t.kind}', ${ownerExpr(t, r)}, ${keyExpr(t, r)}, ${op}`;
  return `CREATE OR REPLACE FUNCTION xtm_changes_${t.table}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF EXISTS (SELECT 1 FROM change_suspensions) THEN RETURN NULL; END IF;
       ${prologue}
       IF TG_OP = 'INSERT' THEN
         ${cols} ${sel('n', `'add'`)} FROM new_rows n;
       ELSIF TG_OP = 'DELETE' THEN
         ${cols} ${sel('o', `'delete'`)} FROM old_rows o;
       ELSE
         ${cols} ${sel('o', `'delete'`)} FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE ${sameKey(t, 'n', 'o')});
         ${cols} ${sel('n', `CASE WHEN EXISTS (SELECT 1 FROM old_rows o WHERE ${sameKey(t, 'n', 'o')}) THEN 'change' ELSE 'add' END`)} FROM new_rows n;
       END IF;
       RETURN NULL;
     END $$`;
}

/** Statement-level triggers with transition tables. */
function postgresTriggers(t: TrackedContent): string[] {
  const fn = `xtm_changes_${t.table}`;
  return [
    postgresChangeFunction(t, 'changes'),
    `CREATE TRIGGER changes_${t.table}_ins AFTER INSERT ON ${t.table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER changes_${t.table}_upd AFTER UPDATE ON ${t.table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
    `CREATE TRIGGER changes_${t.table}_del AFTER DELETE ON ${t.table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  ];
}

/** PostgreSQL: number each transaction's change rows at commit, in insertion order, serialized by an advisory lock. */
const POSTGRES_COMMIT_ORDER = [
  `CREATE FUNCTION xtm_changes_mark() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF current_setting('xtm.changes_marked', true) IS DISTINCT FROM '1' THEN
       PERFORM set_config('xtm.changes_marked', '1', true);
       INSERT INTO change_commits (txid) VALUES (pg_current_xact_id()::text);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER changes_mark AFTER INSERT ON changes FOR EACH STATEMENT EXECUTE FUNCTION xtm_changes_mark()`,
  `CREATE FUNCTION xtm_changes_number() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE base bigint;
   BEGIN
     PERFORM pg_advisory_xact_lock(7336001);
     SELECT coalesce(max(seq), 0) INTO base FROM changes;
     UPDATE changes c SET seq = base + o.rn
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM changes WHERE txid = NEW.txid AND seq IS NULL) o
      WHERE c.id = o.id;
     DELETE FROM change_commits WHERE txid = NEW.txid;
     RETURN NULL;
   END $$`,
  `CREATE CONSTRAINT TRIGGER change_commits_number AFTER INSERT ON change_commits DEFERRABLE INITIALLY DEFERRED
     FOR EACH ROW EXECUTE FUNCTION xtm_changes_number()`,
];

export function changesMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      let table = db.schema.createTable('changes');
      table = dialect === 'sqlite'
        ? table.addColumn('seq', 'integer', (col) => col.primaryKey().autoIncrement())
        : table.addColumn('id', 'bigserial', (col) => col.primaryKey())
          .addColumn('txid', c.text, (col) => col.notNull().defaultTo(sql`pg_current_xact_id()::text`))
          .addColumn('seq', c.big, (col) => col.unique());
      await table
        .addColumn('tenant_id', c.text, (col) => col.notNull())
        .addColumn('kind', c.text, (col) => col.notNull())
        .addColumn('owner_id', c.text, (col) => col.notNull())
        .addColumn('item_id', c.text, (col) => col.notNull())
        .addColumn('op', c.text, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('changes_owner').on('changes').columns(['tenant_id', 'owner_id', 'seq']).execute();
      await db.schema.createTable('change_suspensions').addColumn('id', c.text, (col) => col.primaryKey()).execute();
      const statements = [];
      if (dialect === 'postgres') {
        await db.schema.createIndex('changes_unnumbered').on('changes').column('txid').where(sql.ref('seq'), 'is', null).execute();
        await db.schema.createTable('change_commits').addColumn('txid', c.text, (col) => col.primaryKey()).execute();
        statements.push(...POSTGRES_COMMIT_ORDER);
      }
      for (const t of TRACKED_CONTENT) statements.push(...(dialect === 'sqlite' ? sqliteTriggers(t) : postgresTriggers(t)));
      for (const s of statements) await sql.raw(s).execute(db);
    },
  };
}

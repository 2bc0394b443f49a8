// The migration engine's state: one row per user × workload move (phase, cursor, progress,
// reconciliation) and the source→target id map every chunk commits with its rows.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

export function migrationMigration(dialect: StoreDialect) {
  const t = columnTypes(dialect);
  const clustered = (q: any) => (dialect === 'sqlite' ? q.modifyEnd(sql`without rowid`) : q);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('migration_moves')
        .addColumn('job_id', t.text, (c) => c.notNull())
        .addColumn('user_id', t.text, (c) => c.notNull())
        .addColumn('workload', t.text, (c) => c.notNull())
        .addColumn('tenant_id', t.text, (c) => c.notNull())
        .addColumn('source_tenant_id', t.text, (c) => c.notNull())
        .addColumn('source_user_id', t.text)
        .addColumn('phase', t.text, (c) => c.notNull())
        .addColumn('cursor', t.text)
        .addColumn('items_total', t.big, (c) => c.notNull().defaultTo(0))
        .addColumn('bytes_total', t.big, (c) => c.notNull().defaultTo(0))
        .addColumn('items_done', t.big, (c) => c.notNull().defaultTo(0))
        .addColumn('bytes_done', t.big, (c) => c.notNull().defaultTo(0))
        .addColumn('passes', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('skipped', t.json, (c) => c.notNull())
        .addColumn('skipped_approved', t.int, (c) => c.notNull().defaultTo(0))
        .addColumn('source_count', t.big)
        .addColumn('target_count', t.big)
        .addColumn('consistency', t.text)
        .addColumn('error_code', t.text)
        .addColumn('error_message', t.text)
        .addColumn('sync_done_at', t.time)
        .addColumn('last_sync_at', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('migration_moves_pk', ['job_id', 'user_id', 'workload'])
        .execute();
      await db.schema.createIndex('migration_moves_phase').on('migration_moves').columns(['tenant_id', 'workload', 'phase']).execute();

      await clustered(db.schema.createTable('migration_item_map')
        .addColumn('job_id', t.text, (c) => c.notNull())
        .addColumn('user_id', t.text, (c) => c.notNull())
        .addColumn('workload', t.text, (c) => c.notNull())
        .addColumn('kind', t.text, (c) => c.notNull())
        .addColumn('source_id', t.text, (c) => c.notNull())
        .addColumn('target_id', t.text, (c) => c.notNull())
        .addColumn('source_version', t.text)
        .addPrimaryKeyConstraint('migration_item_map_pk', ['job_id', 'user_id', 'workload', 'kind', 'source_id'])).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('migration_item_map').execute();
      await db.schema.dropTable('migration_moves').execute();
    },
  };
}

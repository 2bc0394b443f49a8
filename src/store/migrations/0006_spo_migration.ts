// SharePoint / OneDrive moves: one row per site move (the ODSP workload of a job and every
// /solutions/sharePoint/migrations task share it), the source→target drive item id map, the Graph
// SharePoint migration tasks, and a case-folded target UPN on the identity map (one-to-one check).
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

export function spoMigrationMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('site_moves')
        .addColumn('id', c.text, (x) => x.primaryKey())
        .addColumn('kind', c.text, (x) => x.notNull())
        .addColumn('source_tenant_id', c.text, (x) => x.notNull())
        .addColumn('source_site_id', c.text, (x) => x.notNull())
        .addColumn('source_url', c.text, (x) => x.notNull())
        .addColumn('source_state_before', c.text, (x) => x.notNull())
        .addColumn('target_tenant_id', c.text, (x) => x.notNull())
        .addColumn('target_site_id', c.text, (x) => x.notNull())
        .addColumn('target_url', c.text, (x) => x.notNull())
        .addColumn('phase', c.text, (x) => x.notNull())
        .addColumn('cursor', c.text)
        .addColumn('source_items', c.int, (x) => x.notNull())
        .addColumn('source_bytes', c.big, (x) => x.notNull())
        .addColumn('items_copied', c.int, (x) => x.notNull())
        .addColumn('bytes_copied', c.big, (x) => x.notNull())
        .addColumn('permissions_kept', c.int, (x) => x.notNull())
        .addColumn('permissions_dropped', c.int, (x) => x.notNull())
        .addColumn('created_at', c.time, (x) => x.notNull())
        .addColumn('updated_at', c.time, (x) => x.notNull())
        .execute();
      await db.schema.createIndex('site_moves_source').on('site_moves').columns(['source_tenant_id', 'source_site_id']).execute();

      await db.schema.createTable('drive_item_map')
        .addColumn('move_id', c.text, (x) => x.notNull())
        .addColumn('source_item_id', c.text, (x) => x.notNull())
        .addColumn('target_item_id', c.text, (x) => x.notNull())
        .addPrimaryKeyConstraint('drive_item_map_pk', ['move_id', 'source_item_id'])
        .execute();

      await db.schema.createTable('spo_migration_tasks')
        .addColumn('id', c.text, (x) => x.primaryKey())
        .addColumn('tenant_id', c.text, (x) => x.notNull()) // the source tenant (tasks are created there)
        .addColumn('target_tenant_id', c.text, (x) => x.notNull())
        .addColumn('task_type', c.text, (x) => x.notNull()) // user | site | group
        .addColumn('source_key', c.text, (x) => x.notNull()) // lower-case source UPN, site URL or group alias
        .addColumn('parameters', c.json, (x) => x.notNull())
        .addColumn('status', c.text, (x) => x.notNull())
        .addColumn('move_state', c.text, (x) => x.notNull())
        .addColumn('stage', c.text)
        .addColumn('error', c.json)
        .addColumn('preferred_start', c.time)
        .addColumn('preferred_latest_start', c.time)
        .addColumn('started_at', c.time)
        .addColumn('finished_at', c.time)
        .addColumn('created_at', c.time, (x) => x.notNull())
        .addColumn('updated_at', c.time, (x) => x.notNull())
        .execute();
      await db.schema.createIndex('spo_migration_tasks_source').on('spo_migration_tasks').columns(['tenant_id', 'task_type', 'source_key', 'created_at']).execute();
      await db.schema.createIndex('spo_migration_tasks_created').on('spo_migration_tasks').columns(['tenant_id', 'created_at', 'id']).execute();

      await db.schema.alterTable('spo_user_mappings').addColumn('target_upn_key', c.text).execute();
      await sql`update spo_user_mappings set target_upn_key = lower(target_upn)`.execute(db);
      await db.schema.createIndex('spo_user_mappings_target').on('spo_user_mappings').columns(['tenant_id', 'target_upn_key']).execute();
      await db.schema.createIndex('spo_group_mappings_target').on('spo_group_mappings').columns(['tenant_id', 'target_group_id']).execute();
    },
  };
}

// Migration faults to rehearse, per source user, workload and kind (tenants/inputSchemas.faults.ts).
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

export function faultsMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('migration_faults')
        .addColumn('tenant_id', c.text, (col) => col.notNull())
        .addColumn('user_id', c.text, (col) => col.notNull())
        .addColumn('workload', c.text, (col) => col.notNull())
        .addColumn('kind', c.text, (col) => col.notNull())
        .addColumn('params', c.json, (col) => col.notNull())
        .addColumn('remaining', c.int)
        .addColumn('last_attempt_key', c.text)
        .addColumn('fired_at', c.time)
        .addColumn('updated_at', c.time, (col) => col.notNull())
        .addPrimaryKeyConstraint('migration_faults_pk', ['tenant_id', 'user_id', 'workload', 'kind'])
        .execute();
    },
  };
}

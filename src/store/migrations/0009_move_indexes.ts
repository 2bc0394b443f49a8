// Indexes that keep the migration engine's bookkeeping constant per event at 2,000 users (issue 22):
// "is any move of this job still open / still syncing / awaiting approval" is a few index seeks on
// (job_id, phase) instead of a read of every move, and the next queued mailbox of a tenant comes in
// order from (tenant_id, workload, phase, updated_at) instead of a sort of every queued move.
import type { Kysely } from 'kysely';

export function moveIndexesMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('migration_moves_job_phase').on('migration_moves').columns(['job_id', 'phase']).execute();
      await db.schema.dropIndex('migration_moves_phase').execute();
      await db.schema.createIndex('migration_moves_phase').on('migration_moves').columns(['tenant_id', 'workload', 'phase', 'updated_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('migration_moves_job_phase').execute();
      await db.schema.dropIndex('migration_moves_phase').execute();
      await db.schema.createIndex('migration_moves_phase').on('migration_moves').columns(['tenant_id', 'workload', 'phase']).execute();
    },
  };
}

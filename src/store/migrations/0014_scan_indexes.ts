// Two reads that scanned instead of seeking, found by profiling a 2,000-user migration (issue 22): each
// cost grew with the batch, so the whole grew with its square.
// - A user's organised meetings (`where tenant_id, organizer_id order by id`): SQLite walked the primary
//   key (tenant_id, id) for the order and filtered every meeting of the tenant; (tenant_id, organizer_id,
//   id) serves the filter and the order.
// - The next queued mailboxes of a tenant (`order by updated_at, job_id, user_id`): with one updated_at
//   for the whole batch, the last two terms were sorted in a temporary B-tree on every slot grant.
import type { Kysely } from 'kysely';

export function scanIndexesMigration() {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('meetings_organizer').execute();
      await db.schema.createIndex('meetings_organizer').on('meetings').columns(['tenant_id', 'organizer_id', 'id']).execute();
      await db.schema.dropIndex('migration_moves_phase').execute();
      await db.schema.createIndex('migration_moves_phase').on('migration_moves').columns(['tenant_id', 'workload', 'phase', 'updated_at', 'job_id', 'user_id']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('meetings_organizer').execute();
      await db.schema.createIndex('meetings_organizer').on('meetings').columns(['tenant_id', 'organizer_id']).execute();
      await db.schema.dropIndex('migration_moves_phase').execute();
      await db.schema.createIndex('migration_moves_phase').on('migration_moves').columns(['tenant_id', 'workload', 'phase', 'updated_at']).execute();
    },
  };
}

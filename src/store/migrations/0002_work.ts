// The runner's tables beside work_items (the embedded runnable queue): virtual-time timers, dead
// letters, live workers (heartbeats for the stale-lock sweep), and named queues on work_items.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

export function workMigration(dialect: StoreDialect) {
  const c = columnTypes(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('work_items').addColumn('queue_name', c.text).execute();
      await db.schema.createIndex('work_items_queue').on('work_items').columns(['queue_name', 'run_at']).execute();
      await db.schema.createIndex('work_items_locked_by').on('work_items').column('locked_by').execute();

      // Work due at a clock (virtual) time; the clock service moves due timers into the runnable queue.
      await db.schema.createTable('work_timers')
        .addColumn('id', c.text, (col) => col.primaryKey())
        .addColumn('task', c.text, (col) => col.notNull())
        .addColumn('payload', c.json, (col) => col.notNull())
        .addColumn('job_key', c.text, (col) => col.unique())
        .addColumn('queue_name', c.text)
        .addColumn('run_at', c.time, (col) => col.notNull())
        .addColumn('attempts', c.int, (col) => col.notNull())
        .addColumn('max_attempts', c.int, (col) => col.notNull())
        .addColumn('last_error', c.text)
        .addColumn('created_at', c.time, (col) => col.notNull())
        .execute();
      await db.schema.createIndex('work_timers_due').on('work_timers').column('run_at').execute();

      // Items given up: a PermanentError, or max_attempts reached. Kept for operators, never run again.
      await db.schema.createTable('work_failures')
        .addColumn('id', c.text, (col) => col.primaryKey())
        .addColumn('task', c.text, (col) => col.notNull())
        .addColumn('payload', c.json, (col) => col.notNull())
        .addColumn('job_key', c.text)
        .addColumn('queue_name', c.text)
        .addColumn('attempts', c.int, (col) => col.notNull())
        .addColumn('last_error', c.text, (col) => col.notNull())
        .addColumn('failed_at', c.time, (col) => col.notNull())
        .execute();

      // One row per live runner (process or thread); lock_ids are the ids its locks carry.
      await db.schema.createTable('work_workers')
        .addColumn('id', c.text, (col) => col.primaryKey())
        .addColumn('lock_ids', c.json, (col) => col.notNull())
        .addColumn('heartbeat_at', c.time, (col) => col.notNull())
        .addColumn('started_at', c.time, (col) => col.notNull())
        .execute();
    },
  };
}

// What a store holds of work, for the failure message of a test whose job stopped moving: timers,
// dead letters, moves by workload and phase, and (PostgreSQL) graphile-worker's jobs with their locks.
import { sql } from 'kysely';
import { openStore } from '../../src/store/db.js';

export async function workState(location: string): Promise<string> {
  const store = await openStore(location);
  try {
    const timers = await store.db.selectFrom('work_timers').select(['task', 'run_at', 'attempts', 'last_error']).execute();
    const failures = await store.db.selectFrom('work_failures').select(['task', 'last_error']).execute();
    const moves = await store.db.selectFrom('migration_moves').select(['workload', 'phase', (eb) => eb.fn.countAll().as('n')]).groupBy(['workload', 'phase']).execute();
    const graphile = store.dialect === 'postgres'
      ? (await sql`select t.identifier, j.key, j.locked_by, j.attempts, j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`.execute(store.db)).rows
      : [];
    return JSON.stringify({ timers, failures, moves, graphile });
  } finally {
    await store.close();
  }
}

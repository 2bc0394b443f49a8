// PostgreSQL: every change to a migration_jobs row is announced at commit on the `xtm_jobs` channel
// (`<tenant id> <job id>`, old and new row), so API processes can cache a job's wire JSON and stay exact (store/pgReadCache.ts).
// SQLite has one process and no cache to keep.
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../db.js';

export function jobNotifyMigration(dialect: StoreDialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      if (dialect !== 'postgres') return;
      await sql`create or replace function xtm_notify_job() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' then perform pg_notify('xtm_jobs', old.tenant_id || ' ' || old.id); end if;
          if tg_op <> 'DELETE' then perform pg_notify('xtm_jobs', new.tenant_id || ' ' || new.id); end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger migration_jobs_notify after insert or update or delete on migration_jobs
        for each row execute function xtm_notify_job()`.execute(db);
    },
  };
}

// Throwaway PostgreSQL databases for the PostgreSQL-mode tests (local server, trust auth).
import pg from 'pg';

export const PG_ADMIN_URL = process.env.XTM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export interface TempDatabase { url: string; drop(): Promise<void> }

/** Creates `xtm_<label>_<pid>_<time>` and returns its URL; drop() waits for closed pools, then forces. */
export async function createTempDatabase(label: string): Promise<TempDatabase> {
  const name = `xtm_${label}_${process.pid}_${Date.now()}`;
  await admin(`create database ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      // Without force first while a just-closed pool's connections finish ending (forced termination
      // surfaces as errors in this process); force only as a last resort.
      for (let i = 0; i < 30; i++) {
        try {
          await admin(`drop database if exists ${name}`);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

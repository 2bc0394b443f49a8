// Planner statistics on PostgreSQL (store/plannerStats.ts): a table a migration filled is analyzed again,
// with a small sample (the planner needs row counts, not fine histograms), and the session's setting does
// not leak to the pool connection's next user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { analyzeStale } from '../../src/store/plannerStats.js';
import { withPostgres } from '../pg.js';

test('analyzeStale: a filled table is analyzed with a small sample, and the setting is reset', (t) => withPostgres(t, 'plannerstats', async (store) => {
  const db = store.db;
  await sql`insert into mail_items (tenant_id, user_id, id, folder_id, item_class, subject, from_address, received_at, size_bytes, body_preview, content_hash, is_read, last_modified_at)
    select 't', 'u' || (g % 20), 'i' || lpad(g::text, 6, '0'), 'f', 'IPM.Note', 's' || g, 'a@b', now(), g, 'p', null, 0, now() from generate_series(1, 3000) g`.execute(db);
  // A backend reports its changes to the statistics views within a second or so (runners look every few seconds).
  let analyzed: string[] = [];
  for (const end = Date.now() + 10_000; !analyzed.includes('mail_items') && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) analyzed = await analyzeStale(db);
  assert.ok(analyzed.includes('mail_items'), `analyzed: ${analyzed.join(', ')}`);
  const tuples = await sql<{ n: number }>`select reltuples::int as n from pg_class where relname = 'mail_items' and relnamespace = current_schema()::regnamespace`.execute(db);
  assert.equal(tuples.rows[0]?.n, 3000, 'the planner sees the rows');
  // Statistics target 10: at most 11 histogram bounds (PostgreSQL's default, 100, gives up to 101).
  const hist = await sql<{ n: number }>`select cardinality(histogram_bounds::text::text[]) as n from pg_stats where tablename = 'mail_items' and attname = 'id' and schemaname = current_schema()`.execute(db);
  assert.ok(hist.rows[0] && hist.rows[0].n <= 11 && hist.rows[0].n > 1, `histogram bounds: ${hist.rows[0]?.n}`);
  // Every pooled connection is back on the server's default.
  const shown = await Promise.all(Array.from({ length: 5 }, () => db.connection().execute((c) => sql<{ default_statistics_target: string }>`show default_statistics_target`.execute(c))));
  for (const r of shown) assert.equal(r.rows[0]?.default_statistics_target, '100');
  assert.deepEqual(await analyzeStale(db), [], 'nothing changed since: nothing to analyze');
}));

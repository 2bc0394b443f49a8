// The same Kysely store code on PostgreSQL (127.0.0.1:5432, trust auth): migrations, the job API's
// create / get / list / validate through HTTP. Each run uses its own throwaway database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guid, jobBody, seedBasic, startServer, type TestServer } from '../helpers.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';

let s: TestServer;
let pgdb: TempDatabase;

// PostgreSQL-only: skipped with the reason when no server answers (npm test says so once).
const skip = (await pgUnreachable()) ?? false;

before(async () => {
  if (skip) return;
  pgdb = await createTempDatabase('store');
  s = await startServer({ db: pgdb.url }, { seed: (st) => seedBasic(st, { source: [], target: [guid(1), guid(2), guid(3), guid(4)] }) });
});

after(async () => {
  await s?.stop();
  await pgdb?.drop();
});

test('postgres: create, get by display name, list with $filter, validate', { skip }, async () => {
  const created = await s.api('POST', '/beta/solutions/migrations/crossTenantMigrationJobs', { body: jobBody({ displayName: 'PG job' }) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(s.deps.store.dialect, 'postgres');
  const byName = await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs(displayName='PG job')`);
  assert.equal(byName.status, 200);
  assert.equal(byName.body.id, created.body.id);
  const dup = await s.api('POST', '/beta/solutions/migrations/crossTenantMigrationJobs', { body: jobBody({ displayName: 'pg JOB', resources: [guid(9)] }) });
  assert.equal(dup.status, 422);
  const list = await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs?$filter=startswith(displayName,'PG')&$count=true`);
  assert.equal(list.status, 200);
  assert.equal(list.body['@odata.count'], 1);
  const v = await s.api('POST', `/beta/solutions/migrations/crossTenantMigrationJobs/${created.body.id}/validate`);
  assert.equal(v.status, 200);
  await s.queue.drain();
  const done = await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs/${created.body.id}`);
  assert.equal(done.body.status, 'validatePassed');
  const users = await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs/${created.body.id}/users?$top=2`);
  assert.equal(users.body.value.length, 2);
  assert.match(users.body['@odata.nextLink'], /\$skiptoken=/);
});

test('postgres: JSON columns are jsonb and instants timestamptz, read back as SQLite stores them', { skip }, async () => {
  const { sql } = await import('kysely');
  const db = s.deps.store.db;
  const types = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select table_name, column_name, data_type from information_schema.columns
    where table_schema = 'public' and table_name = 'migration_jobs'`.execute(db);
  const type = (c: string) => types.rows.find((r) => r.column_name === c)?.data_type;
  assert.equal(type('resources'), 'jsonb');
  assert.equal(type('exchange_settings'), 'jsonb');
  assert.equal(type('created_at'), 'timestamp with time zone');
  assert.equal(type('complete_after'), 'timestamp with time zone');

  const created = await s.api('POST', '/beta/solutions/migrations/crossTenantMigrationJobs', { body: jobBody({ completeAfterDateTime: '2026-12-01T10:20:30.5Z', resources: [guid(4)] }) });
  assert.equal(created.status, 201, created.text);
  const row = await db.selectFrom('migration_jobs').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
  assert.equal(row.complete_after, '2026-12-01T10:20:30.500Z');
  assert.match(row.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(typeof row.resources, 'string');
  assert.deepEqual(JSON.parse(row.resources), [guid(4)]);
  const n = await db.selectFrom('migration_jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  assert.equal(typeof n.n, 'number');
  // Wire bytes as on SQLite: exchangeSettings keeps the written key order (jsonb sorts keys).
  const got = await s.api('GET', `/beta/solutions/migrations/crossTenantMigrationJobs/${created.body.id}`);
  assert.equal(got.body.completeAfterDateTime, '2026-12-01T10:20:30.5Z', 'as the client sent it');
  assert.match(got.body.createdDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
  assert.deepEqual(Object.keys(got.body.exchangeSettings), ['sourceEndpoint', 'targetDeliveryDomain']);
});

// The same Kysely store code on PostgreSQL (127.0.0.1:5432, trust auth): migrations, the job API's
// create / get / list / validate through HTTP. Each run uses its own throwaway database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guid, jobBody, seedBasic, startServer, type TestServer } from '../helpers.js';
import { createTempDatabase, type TempDatabase } from '../pg.js';

let s: TestServer;
let pgdb: TempDatabase;

before(async () => {
  pgdb = await createTempDatabase('store');
  s = await startServer({ db: pgdb.url }, { seed: (st) => seedBasic(st, { source: [], target: [guid(1), guid(2), guid(3)] }) });
});

after(async () => {
  await s?.stop();
  await pgdb?.drop();
});

test('postgres: create, get by display name, list with $filter, validate', async () => {
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

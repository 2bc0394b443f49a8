// The hot job reads answer with JSON the database rendered (serialize.ts JOB_DOC, store/docs.ts). They
// must say exactly what the general path (toJob → jobToGraph) says, property order included, for any
// stored job: null settings, quotes, backslashes, control-free Unicode, odd instants. Runs on both backends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../../src/store/db.js';
import { jobsRepo, toJob } from '../../src/store/jobsRepo.js';
import { JOB_DOC, jobToGraph } from '../../src/graph/migrationJobs/serialize.js';
import { formatDateTimeOffset } from '../../src/domain/dateTime.js';
import type { MigrationJob } from '../../src/domain/job.js';
import { testStoreLocation } from '../pg.js';

const TENANT = '22222222-2222-4222-8222-222222222222';

function job(over: Partial<MigrationJob>): MigrationJob {
  return {
    id: randomUUID(), tenantId: TENANT, displayName: 'plain', jobType: 'validate', status: 'submitted', message: '',
    completeAfterDateTime: '2027-01-15T22:00:00.000Z', completeAfterAsSent: '2027-01-15T22:00:00Z', sourceTenantId: '11111111-1111-4111-8111-111111111111',
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], workloadsAsSent: [], resourceType: 'Users', resources: [randomUUID()], createdBy: 'admin@fabrikam.onmicrosoft.com',
    createdDateTime: '2026-01-01T00:00:00.000Z', lastUpdatedDateTime: '2026-01-01T00:00:00.123Z', validatedAt: null, opSeq: 0, ...over,
  };
}

describe('job documents rendered by the database', () => {
  let dir: string;
  let store: Store;
  const jobs = [
    job({}),
    job({ displayName: 'no exchange' , exchangeSettings: null, workloads: ['ODSP'], workloadsAsSent: ['odsp'], resourceType: 'users', status: 'validatePassed', jobType: 'migrate' }),
    job({ displayName: 'a big batch', resources: Array.from({ length: 2000 }, () => randomUUID()), completeAfterDateTime: '2099-12-31T23:59:59.999Z', completeAfterAsSent: '2100-01-01T01:59:59.9995001+02:00' }),
    job({ displayName: 'noon', createdDateTime: '2026-06-01T12:00:00.000Z', lastUpdatedDateTime: '2026-06-01T12:00:00.001Z' }),
    job({ displayName: 'quotes " and \\ backslash / slash', message: 'Validation failed for 2 of 3 users. "x"' }),
    job({ displayName: 'Ünïcödé — 日本語 😀', createdBy: 'ádmin@fabrikam.onmicrosoft.com' }),
  ];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'xtm-jobdocs-'));
    store = await openStore(await testStoreLocation(join(dir, 'xtm.db'), 'jobdocs'));
    for (const j of jobs) await jobsRepo.insert(store.db, j, []);
  });
  after(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('by id: the same properties, values and order as jobToGraph', async () => {
    const docs = jobsRepo.docs(JOB_DOC);
    for (const j of jobs) {
      const expected = jobToGraph(toJob((await store.db.selectFrom('migration_jobs').selectAll().where('id', '=', j.id).executeTakeFirstOrThrow())));
      const doc = await docs.byId(store.db, TENANT, j.id);
      assert.ok(doc, j.displayName);
      const got = JSON.parse(doc) as Record<string, unknown>;
      assert.deepEqual(got, expected);
      assert.deepEqual(Object.keys(got), Object.keys(expected));
      assert.deepEqual([got.completeAfterDateTime, got.workloads, got.resourceType], [j.completeAfterAsSent, j.workloadsAsSent, j.resourceType], 'echoed as sent');
      assert.deepEqual(Object.keys(got.exchangeSettings ?? {}), Object.keys(expected.exchangeSettings ?? {}));
    }
    assert.equal(await docs.byId(store.db, '33333333-3333-4333-8333-333333333333', jobs[0]!.id), undefined, 'another tenant sees nothing');
  });

  it('a page: each row as jobToGraph says, with its sort columns', async () => {
    const docs = jobsRepo.docs(JOB_DOC).list(store.db, TENANT);
    const rows = await docs.page({ orderBy: [{ column: 'created_at', direction: 'desc' }, { column: 'id', direction: 'desc' }], top: 10, skip: 0 });
    assert.equal(rows.length, jobs.length);
    for (const r of rows) {
      const got = JSON.parse(r.doc) as { id: string; createdDateTime: string };
      const expected = jobToGraph(toJob(await store.db.selectFrom('migration_jobs').selectAll().where('id', '=', got.id).executeTakeFirstOrThrow()));
      assert.deepEqual(got, expected);
      assert.equal(r.id, got.id);
      assert.equal(formatDateTimeOffset(r.created_at as string), got.createdDateTime);
      assert.match(got.createdDateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/, 'seven fractional digits, like Microsoft\'s');
    }
  });
});

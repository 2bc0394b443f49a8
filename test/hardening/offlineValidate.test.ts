// Issue 16 item 12: `xtm validate` (offline) refuses what POST crossTenantMigrationJobs refuses, with the
// server's messages, and lists every issue instead of the first.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/db.js';
import { validateLoaded } from '../../src/cli/validateCommand.js';
import { seedBasic, T, guid } from '../helpers.js';

let store: Store;
before(async () => {
  store = await openStore(':memory:');
  await seedBasic(store, { source: [], target: [guid(1), guid(2)] });
});
after(() => store.close());

async function offline(body: unknown) {
  let out = '';
  let err = '';
  const code = await validateLoaded(store, body, { json: true, nowMs: Date.parse('2026-06-01T00:00:00Z'), io: { out: (t) => { out += t; }, err: (t) => { err += t; } } });
  return { code, out, err };
}

it('non-GUID resources, duplicates, missing exchangeSettings and a garbage date are all reported, with the API\'s words', async () => {
  const r = await offline({
    displayName: 'Wave', sourceTenantId: T.source, targetTenantId: T.target, resourceType: 'Users', completeAfterDateTime: 'garbage',
    resources: ['abc', guid(1), guid(1)], workloads: ['Exchange'],
  });
  assert.equal(r.code, 2, r.err + r.out);
  assert.match(r.err, /would be refused by POST crossTenantMigrationJobs \(4 issues\)/);
  assert.match(r.err, /The property 'exchangeSettings' is required when 'Exchange' is one of the workloads\./);
  assert.match(r.err, /Invalid value for property 'completeAfterDateTime': 'garbage' is not a valid DateTimeOffset\./);
  assert.match(r.err, /Invalid value for property 'resources\[0\]': 'abc' is not a valid GUID/);
  assert.match(r.err, /the resource '.*' is listed more than once/);
});

it('structural errors are all listed too (unknown property, wrong type, wrong @odata.type)', async () => {
  const r = await offline({ '@odata.type': '#microsoft.graph.user', displayName: 5, sourceTenantId: T.source, targetTenantId: T.target, resourceType: 'Users', completeAfterDateTime: '2027-01-01T00:00:00Z', resources: [guid(1)], foo: 1 });
  assert.equal(r.code, 2);
  assert.match(r.err, /The property 'foo' does not exist on type 'microsoft.graph.crossTenantMigrationJob'/);
  assert.match(r.err, /Invalid value for property 'displayName'/);
  assert.match(r.err, /Invalid value for property '@odata.type'/);
});

it('a body the server accepts runs the rules (control)', async () => {
  const r = await offline({ displayName: 'Wave', sourceTenantId: T.source, targetTenantId: T.target, resourceType: 'Users', completeAfterDateTime: '2027-01-01T00:00:00Z', resources: [guid(1)], workloads: ['Teams'] });
  assert.notEqual(r.code, 2, r.err);
  assert.ok(JSON.parse(r.out).totals);
});

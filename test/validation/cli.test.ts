// `xtm validate` offline: exit codes, the readiness table, --json, and job-file errors. The scenario
// loader is replaced by the row seeder so the command is tested on its own.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { validateOffline } from '../../src/cli/validateCommand.js';
import type { Store } from '../../src/store/db.js';
import { SRC, TGT } from './fixture.js';
import { seedSourceId, seedTargetId, seedWorld } from './seedStore.js';

const dir = mkdtempSync(join(tmpdir(), 'xtm-validate-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function jobFile(body: unknown): string {
  const path = join(dir, `job-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body));
  return path;
}

const BODY = {
  displayName: 'Wave 1', sourceTenantId: SRC, resourceType: 'Users', completeAfterDateTime: '2030-01-01T00:00:00Z',
  resources: [seedTargetId(1), 'user2@fabrikam.com', seedTargetId(3)],
  exchangeSettings: { sourceEndpoint: 'T2TEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
};

async function run(body: unknown, json: boolean, fault?: (s: Store) => Promise<unknown>) {
  let out = '';
  let err = '';
  const load = async (store: Store) => {
    await seedWorld(store, { users: 3, nowMs: Date.now() });
    if (fault) await fault(store);
  };
  const code = await validateOffline({ scenario: 'seeded', job: jobFile(body), json }, { load, io: { out: (t) => { out += t; }, err: (t) => { err += t; } } });
  return { code, out, err };
}

test('all users ready: exit 0 and a table of users × workloads with totals', async () => {
  const { code, out } = await run(BODY, false);
  assert.equal(code, 0);
  assert.match(out, /USER\s+EXCHANGE\s+ODSP\s+TEAMS\s+MEETING/);
  assert.match(out, /user2@fabrikam\.com\s+valid\s+valid\s+valid\s+valid/);
  assert.match(out, /Totals: 3 of 3 user\(s\) ready, 0 not ready; Exchange 3\/3 valid, ODSP 3\/3 valid, Teams 3\/3 valid, Meeting 3\/3 valid; 0 failing check\(s\)\./);
});

test('a fault user: exit 1, its failing checks listed under it; --json has the same facts', async () => {
  const hold = (s: Store) => s.db.updateTable('recipients').set({ holds: JSON.stringify({ litigationHoldEnabled: true }) })
    .where('tenant_id', '=', SRC).where('id', '=', seedSourceId(2)).execute();
  const text = await run(BODY, false, hold);
  assert.equal(text.code, 1);
  assert.match(text.out, /user2@fabrikam\.com\s+invalid \(1\)\s+valid\s+valid\s+valid/);
  assert.match(text.out, /Exchange EXCH-08: SOURCE mailbox is under Litigation Hold\./);

  const json = await run({ ...BODY, workloads: ['exchange', 'odsp'] }, true, hold);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.out);
  assert.deepEqual(report.job.workloads, ['Exchange', 'ODSP']);
  assert.equal(report.job.targetTenantId, TGT);
  assert.deepEqual(report.totals, { users: 3, ready: 2, notReady: 1, errors: 1, byWorkload: { Exchange: { valid: 2, invalid: 1 }, ODSP: { valid: 3, invalid: 0 } } });
  const u2 = report.users.find((u: { userPrincipalName: string }) => u.userPrincipalName === 'user2@fabrikam.com');
  assert.equal(u2.workloads[0].errors[0].code, 'EXCH-08');
});

test('input errors exit 2 with a message', async () => {
  for (const [body, re] of [
    ['{not json', /cannot read the job file/],
    [{ ...BODY, sourceTenantId: undefined }, /sourceTenantId is required/],
    [{ ...BODY, sourceTenantId: '99999999-9999-4999-8999-999999999999' }, /is not a tenant of the scenario/],
    [{ ...BODY, resources: [] }, /resources must be a non-empty array/],
    [{ ...BODY, workloads: ['Exchange', 'Yammer'] }, /unknown workload\(s\) Yammer/],
    [{ ...BODY, resources: ['nobody@fabrikam.com'] }, /no target user with UPN nobody@fabrikam.com/],
  ] as const) {
    const r = await run(body, false);
    assert.equal(r.code, 2, String(re));
    assert.match(r.err, re);
  }
  const failing = await validateOffline({ scenario: 'x', job: jobFile(BODY), json: false }, {
    load: async () => { throw new Error('boom'); }, io: { out: () => {}, err: () => {} },
  });
  assert.equal(failing, 2);
});

test('end to end on scenarios/demo.yaml: the named fault users are not ready, the others are', async () => {
  const named = ['megan.bowen', 'alex.wilber', 'fault-litigation-hold', 'fault-no-spo-mapping'];
  const body = {
    displayName: 'Demo wave', sourceTenantId: SRC, workloads: ['Exchange', 'ODSP'], resourceType: 'Users', completeAfterDateTime: '2030-01-01T00:00:00Z',
    resources: [...named.map((n) => `${n}@fabrikam.com`), 'f2000000-0000-4000-8000-000000000023'], // the last one does not exist
    exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
  };
  let out = '';
  const code = await validateOffline({ scenario: new URL('../../scenarios/demo.yaml', import.meta.url).pathname, job: jobFile(body), json: true }, {
    io: { out: (t) => { out += t; }, err: (t) => { out += t; } },
  });
  assert.equal(code, 1, out);
  const report = JSON.parse(out);
  const ready = Object.fromEntries(report.users.map((u: { userPrincipalName: string | null; id: string; ready: boolean }) => [u.userPrincipalName ?? u.id, u.ready]));
  assert.deepEqual(ready, {
    'megan.bowen@fabrikam.com': true, 'alex.wilber@fabrikam.com': true, 'fault-litigation-hold@fabrikam.com': false,
    'fault-no-spo-mapping@fabrikam.com': false, 'f2000000-0000-4000-8000-000000000023': false,
  });
});

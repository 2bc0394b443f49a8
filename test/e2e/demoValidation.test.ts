// Issue 4 acceptance, through HTTP only: the demo scenario's fault users fail validation with their
// documented codes on the right workloads, every other user passes, and re-validating after fixing the
// configuration through the admin API passes. Also a tenant-level break (target OrgRel) and its fix.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const APP = '33333333-3333-4333-8333-333333333333';
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const fault = (n: number) => `f2000000-0000-4000-8000-0000000000${n}`;

// The demo's fault users (scenarios/demo.yaml header) → the first code each must show, per workload.
const FAULTS: Record<string, Partial<Record<'Exchange' | 'ODSP' | 'Teams' | 'Meeting', string>>> = {
  [fault(11)]: { Exchange: 'EXCH-08' }, // missingX500
  [fault(12)]: { Exchange: 'EXCH-08' }, // wrongExchangeGuid
  [fault(13)]: { Exchange: 'EXCH-08' }, // litigationHold
  [fault(14)]: { Exchange: 'EXCH-08', ODSP: 'MnAOdbUsersAreNotLicensed' }, // unlicensed
  [fault(15)]: { Exchange: 'MIGR-002', Teams: 'CTTM-013' }, // notInScope
  [fault(16)]: { Exchange: 'EXCH-08' }, // targetIsMailbox
  [fault(17)]: { Exchange: 'EXCH-08' }, // externalEmailMismatch
  [fault(18)]: { Exchange: 'EXCH-08' }, // smtpNotAccepted
  [fault(19)]: { Exchange: 'CTM-100', ODSP: 'CTM-100', Teams: 'CTM-100', Meeting: 'CTM-100' }, // identityUnmapped
  [fault(20)]: { ODSP: 'MnAMoveJobCreationFailed' }, // oneDriveReadOnly
  [fault(21)]: { ODSP: 'MnAIdentityMapEntryDoesNotExistsForSourceUPN' }, // noSpoMapping
  [fault(22)]: { Teams: 'CTTM-005', Meeting: 'TMS-003' }, // noTeamsLicense
};

let s: TestServer;
let token: string;
let ready: string[];

async function validateAndWait(jobId: string) {
  const v = await s.api('POST', `${B}/${jobId}/validate`, { token });
  assert.equal(v.status, 200, v.text);
  await s.queue.drain();
  const job = await s.api('GET', `${B}/${jobId}`, { token });
  const users: any[] = [];
  for (let url: string | undefined = `${B}/${jobId}/users?$top=100`; url; ) {
    const page = await s.api('GET', url.replace(/^https?:\/\/[^/]+/, ''), { token });
    users.push(...page.body.value);
    url = page.body['@odata.nextLink'];
  }
  return { status: job.body.status as string, message: job.body.message as string, users: new Map(users.map((u) => [u.id, u])) };
}

async function createJob(name: string, resources: string[]) {
  const res = await s.api('POST', B, {
    token,
    body: {
      displayName: name,
      completeAfterDateTime: '2026-12-01T00:00:00Z',
      sourceTenantId: SRC,
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
      resourceType: 'Users',
      resources,
    },
  });
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
}

async function admin(method: string, path: string, body?: unknown) {
  const res = await s.api(method, `/xtm/admin/tenants/${path}`, { token: null, body });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

before(async () => {
  s = await startServer({ scenario: 'scenarios/demo.yaml' }, { seed: async () => {}, validate: 'rules' });
  token = await s.token(TGT, APP, 'xtm-demo-secret');
  const maps = (await admin('GET', `${TGT}/identityMappings?sourceTenant=${SRC}`)).value as { targetUserId: string | null; state: string }[];
  ready = maps.filter((m) => m.state === 'Completed' && m.targetUserId && !FAULTS[m.targetUserId]).map((m) => m.targetUserId!).slice(0, 40);
  assert.ok(ready.length >= 30, `demo has ${ready.length} ready users`);
});

after(() => s?.stop());

test('demo: fault users fail with their documented codes; every other user is valid', async () => {
  const jobId = await createJob('demo wave', [...ready, ...Object.keys(FAULTS)]);
  const r = await validateAndWait(jobId);
  assert.equal(r.status, 'validateFailed');
  assert.match(r.message, /12 of \d+ users failed/);
  for (const id of ready) {
    for (const st of r.users.get(id).currentStatus) assert.equal(st.status, 'valid', `${id} ${st.service}: ${JSON.stringify(st.errors)}`);
  }
  for (const [id, want] of Object.entries(FAULTS)) {
    for (const st of r.users.get(id).currentStatus) {
      const code = want[st.service as keyof typeof want];
      if (code) {
        assert.equal(st.status, 'invalid', `${id} ${st.service}`);
        assert.equal(st.errors[0].code, code, `${id} ${st.service}: ${JSON.stringify(st.errors)}`);
        assert.ok(st.errors[0].message.length > 10);
      } else {
        assert.equal(st.status, 'valid', `${id} ${st.service} should be valid: ${JSON.stringify(st.errors)}`);
      }
    }
  }
  // Release the users (one active batch per user) for the next waves.
  assert.equal((await s.api('POST', `${B}/${jobId}/cancel`, { token })).status, 202);
  await s.queue.drain();
});

test('fixing the configuration through the admin API makes re-validation pass', async () => {
  const hold = fault(13);
  const scope = fault(15);
  const jobId = await createJob('fix wave', [ready[0]!, hold, scope]);
  const first = await validateAndWait(jobId);
  assert.equal(first.status, 'validateFailed');
  assert.equal(first.users.get(hold).currentStatus.find((x: any) => x.service === 'Exchange').errors.some((e: any) => /Litigation Hold/.test(e.message)), true);

  // Set-Mailbox -LitigationHoldEnabled $false (source), Add-DistributionGroupMember to the scope group (source).
  await admin('PATCH', `${SRC}/recipients/fault-litigation-hold@contoso.com`, { holds: { litigationHoldEnabled: false } });
  await admin('POST', `${SRC}/groups/CrossTenantMigrationScope/members`, { member: 'fault-not-in-scope@contoso.com' });
  const second = await validateAndWait(jobId);
  const bad = [...second.users.values()].filter((u) => u.currentStatus.some((x: any) => x.status !== 'valid'));
  assert.equal(second.status, 'validatePassed', JSON.stringify(bad.map((u) => [u.id, u.currentStatus])));
  assert.equal(second.message, 'Validation has completed successfully with no failures.');
});

test('a tenant-level break (target OrgRel MailboxMoveEnabled off) fails Exchange for every user, and its fix passes', async () => {
  const jobId = await createJob('tenant wave', ready.slice(1, 6));
  await admin('PATCH', `${TGT}/organizationRelationships/ContosoMigration`, { mailboxMoveEnabled: false });
  const broken = await validateAndWait(jobId);
  assert.equal(broken.status, 'validateFailed');
  for (const u of broken.users.values()) {
    const ex = u.currentStatus.find((x: any) => x.service === 'Exchange');
    assert.equal(ex.status, 'invalid');
    assert.ok(ex.errors.some((e: any) => e.code === 'MIGR-001' && /MailboxMove is not enabled in Organization relationship with \[11111111-1111-4111-8111-111111111111\]/.test(e.message)), JSON.stringify(ex.errors));
    assert.equal(u.currentStatus.find((x: any) => x.service === 'ODSP').status, 'valid');
  }
  await admin('PATCH', `${TGT}/organizationRelationships/ContosoMigration`, { mailboxMoveEnabled: true });
  const fixed = await validateAndWait(jobId);
  assert.equal(fixed.status, 'validatePassed');
});

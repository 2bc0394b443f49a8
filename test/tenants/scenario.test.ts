// Scenario files: refused whole with file:line:col errors, loaded transactionally and idempotently,
// generated deterministically; the demo scenario carries its documented ids and faults.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Store } from '../../src/store/db.js';
import { getIdentityMappingByTarget, getOneDrive, getServicePrincipal, getSpoUserMapping, getUser, isDirectMember, listMigrationEndpoints, listOrganizationRelationships } from '../../src/store/tenantsRepo.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { scenarioJsonSchema } from '../../src/tenants/scenario/schema.js';
import { CONTOSO, FABRIKAM, frozenClock, memoryStore, rowCounts, snapshot } from './helpers.js';

const clock = frozenClock();

const small = (seed: number, users = 20, extra = '') => `name: small
tenants:
  - id: ${CONTOSO}
    displayName: Contoso
    initialDomain: contoso.onmicrosoft.com
    defaultDomain: contoso.com
    domains: [contoso.com]
    groups: [{ displayName: Scope, groupType: MailEnabledSecurity }]
  - id: ${FABRIKAM}
    displayName: Fabrikam
    initialDomain: fabrikam.onmicrosoft.com
    defaultDomain: fabrikam.com
    domains: [fabrikam.com]
${extra}generate:
  source: contoso.com
  target: ${FABRIKAM}
  seed: ${seed}
  users: ${users}
  mailItemsPerUser: 7
  filesPerUser: 4
  chatsPerUser: 3
  chatMessagesPerUser: 9
  meetingsPerUser: 2
  scopeGroup: Scope
  faults: { notInScope: 2, litigationHold: 1 }
`;

async function refusal(store: Store, text: string): Promise<ScenarioError> {
  const before = await snapshot(store);
  const err = await loadScenario(store, clock, { text, name: 'bad.yaml' }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
  assert.deepEqual(await snapshot(store), before, 'a refused file must not change the store');
  return err;
}

describe('scenario loading', () => {
  let store: Store;
  before(async () => { store = await memoryStore(); });
  after(() => store.close());

  it('generates 20 users whose row counts match the request', async () => {
    const r = await loadScenario(store, clock, { text: small(42), name: 'small.yaml' });
    const n = await rowCounts(store);
    assert.equal(n.users, 40); // a source mailbox and a target MailUser per user
    assert.equal(n.recipients, 40);
    assert.equal(n.mail_items, 20 * 7);
    assert.equal(n.mail_folders, 20 * 13);
    assert.equal(n.drive_items, 20 * (4 + 5)); // files + the five generated folders
    assert.equal(n.chat_messages, 20 * 9);
    assert.equal(n.chats, 20 * 3);
    assert.equal(n.meetings, 20 * 2);
    assert.equal(n.sites, 20);
    assert.equal(n.identity_mappings, 20);
    assert.equal(n.spo_user_mappings, 20);
    assert.equal(n.group_members, 18); // two users are notInScope
    assert.equal(r.items.total, 20 * (7 + 9 + 4 + 5));
    assert.deepEqual(r.faults.map((f) => f.kind).sort(), ['litigationHold', 'notInScope', 'notInScope']);
  });

  it('loads the same file twice into identical rows', async () => {
    const first = await snapshot(store);
    await loadScenario(store, clock, { text: small(42), name: 'small.yaml' });
    assert.deepEqual(await snapshot(store), first);
  });

  it('refuses a bad file whole, every error with its line, and loads nothing', async () => {
    const bad = small(42).replace('displayName: Fabrikam', 'displayName: Fabrikam\n    colour: blue')
      .replace('  seed: 42', '  seed: forty-two')
      .replace(`  - id: ${FABRIKAM}`, '  - id: 22222222-2222-4222-8222-2222222222ZZ');
    const err = await refusal(store, bad);
    assert.deepEqual(err.issues.map((i) => `${i.file}:${i.line}:${i.col} ${i.path}: ${i.message}`), [
      "bad.yaml:9:5 tenants[1].id: '22222222-2222-4222-8222-2222222222ZZ' is not a valid GUID",
      "bad.yaml:11:5 tenants[1].colour: unknown property 'colour'",
      'bad.yaml:18:3 generate.seed: must be integer, not string',
    ]);
    assert.match(err.message, /^scenario refused, nothing was loaded \(3 errors\):\nbad\.yaml:9:5 /);
  });

  it('refuses invariant violations with line numbers, after the schema passed', async () => {
    const extraUsers = `    users:
      - { userPrincipalName: adele.vance@contoso.com }
      - { userPrincipalName: pat@contoso.com, mailbox: { emailAddresses: ['smtp:pat@fabrikam.com'] } }
`;
    const text = small(42).replace("    groups: [{ displayName: Scope, groupType: MailEnabledSecurity }]\n",
      `    groups: [{ displayName: Scope, groupType: MailEnabledSecurity, members: [nobody@contoso.com] }]\n${extraUsers}`);
    const err = await refusal(store, text);
    assert.deepEqual(err.issues.map((i) => `${i.line}:${i.col} ${i.path}`), [
      '8:78 tenants[0].groups[0].members[0]',
      '10:11 tenants[0].users[0].userPrincipalName',
      '11:75 tenants[0].users[1].mailbox.emailAddresses[0]',
    ]);
    assert.match(err.issues[1]!.message, /duplicate userPrincipalName 'adele\.vance@contoso\.com' \(case-insensitive; also at generate\.users\)/);
  });

  it('refuses a YAML syntax error with its position', async () => {
    const err = await refusal(store, 'name: x\ntenants: [\n  - id: 1\n');
    assert.equal(err.issues.length >= 1, true);
    assert.equal(err.issues[0]!.file, 'bad.yaml');
    assert.ok(err.issues[0]!.line >= 2);
  });
});

describe('generation determinism', () => {
  async function ids(seed: number): Promise<string[]> {
    const store = await memoryStore();
    try {
      await loadScenario(store, clock, { text: small(seed, 5), name: 'x.yaml' });
      const users = await store.db.selectFrom('users').select(['id', 'user_principal_name']).orderBy('user_principal_name').orderBy('tenant_id').execute();
      const items = await store.db.selectFrom('mail_items').select('id').orderBy('id').limit(5).execute();
      return [...users.map((u) => `${u.user_principal_name}=${u.id}`), ...items.map((i) => i.id)];
    } finally {
      await store.close();
    }
  }

  it('gives the same ids for the same seed and other ids for another seed', async () => {
    const a = await ids(7);
    assert.deepEqual(await ids(7), a);
    const b = await ids(8);
    assert.notDeepEqual(b, a);
    assert.ok(a.every((x) => /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(x)));
  });
});

describe('demo scenario', () => {
  let store: Store;
  before(async () => {
    store = await memoryStore();
    await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
  });
  after(() => store.close());
  const S = (n: string) => `c1000000-0000-4000-8000-0000000000${n}`;
  const T = (n: string) => `f2000000-0000-4000-8000-0000000000${n}`;

  it('has the fixed tenants, apps, admins and configuration', async () => {
    const admin = await getUser(store, FABRIKAM, 'admin@fabrikam.onmicrosoft.com');
    assert.equal(admin?.id, 'f2000000-0000-4000-8000-00000000ad01');
    assert.deepEqual(admin?.directoryRoles, ['Global Administrator']);
    assert.deepEqual((await getUser(store, FABRIKAM, 'plain.user@fabrikam.com'))?.directoryRoles, []);
    const sp = await getServicePrincipal(store, CONTOSO, '33333333-3333-4333-8333-333333333333');
    assert.deepEqual(sp?.grantedPermissions.map((p) => p.value), ['Mailbox.Migration']);
    const endpoint = (await listMigrationEndpoints(store, FABRIKAM))[0];
    assert.equal(endpoint?.name, 'ContosoMigrationEndpoint');
    assert.equal(endpoint?.applicationId, '33333333-3333-4333-8333-333333333333');
    const [rel] = await listOrganizationRelationships(store, CONTOSO);
    assert.deepEqual(rel?.mailboxMovePublishedScopes, ['c1000000-0000-4000-8000-00000000a5c0']);
    assert.deepEqual(rel?.mailboxMoveCapability, ['RemoteOutbound']);
  });

  it('prepares the ready users correctly for every workload', async () => {
    const src = (await getUser(store, CONTOSO, S('01')))!;
    const tgt = (await getUser(store, FABRIKAM, T('01')))!;
    assert.equal(src.userPrincipalName, 'megan.bowen@contoso.com');
    assert.equal(tgt.mailUser?.exchangeGuid, src.mailbox?.exchangeGuid);
    assert.ok(tgt.mailUser?.emailAddresses.includes(`x500:${src.mailbox!.legacyExchangeDn}`));
    assert.equal(tgt.mailUser?.externalEmailAddress, 'SMTP:megan.bowen@contoso.com');
    assert.ok(tgt.mailUser?.emailAddresses.includes('smtp:megan.bowen@fabrikam.onmicrosoft.com'));
    assert.ok(tgt.licenses.includes('CROSS_TENANT_USER_DATA_MIGRATION'));
    assert.ok(await isDirectMember(store, CONTOSO, 'c1000000-0000-4000-8000-00000000a5c0', S('01')));
    assert.equal((await getIdentityMappingByTarget(store, FABRIKAM, T('01')))?.state, 'Completed');
    assert.equal((await getSpoUserMapping(store, FABRIKAM, 'megan.bowen@contoso.com'))?.targetUserPrincipalName, 'megan.bowen@fabrikam.com');
    assert.equal((await getOneDrive(store, CONTOSO, S('01')))?.state, 'ReadWrite');
    assert.equal(await getOneDrive(store, FABRIKAM, T('01')), undefined);
  });

  it('carries one documented fault per fault user', async () => {
    const target = async (n: string) => (await getUser(store, FABRIKAM, T(n)))!;
    const source = async (n: string) => (await getUser(store, CONTOSO, S(n)))!;
    assert.ok(!(await target('11')).mailUser!.emailAddresses.some((a) => a.toLowerCase().startsWith('x500:')));
    assert.notEqual((await target('12')).mailUser!.exchangeGuid, (await source('12')).mailbox!.exchangeGuid);
    assert.equal((await source('13')).mailbox!.holds.litigationHoldEnabled, true);
    assert.ok(!(await target('14')).licenses.includes('CROSS_TENANT_USER_DATA_MIGRATION'));
    assert.equal(await isDirectMember(store, CONTOSO, 'c1000000-0000-4000-8000-00000000a5c0', S('15')), false);
    assert.equal((await target('16')).mailbox?.recipientTypeDetails, 'UserMailbox');
    assert.equal((await target('17')).mailUser!.externalEmailAddress, 'SMTP:fault-external-address@contoso.onmicrosoft.com');
    assert.ok((await target('18')).mailUser!.emailAddresses.includes('smtp:fault-smtp-not-accepted@fabrikam.net'));
    assert.equal((await getIdentityMappingByTarget(store, FABRIKAM, T('19'))), undefined); // Unmapped: no target id
    assert.equal((await getOneDrive(store, CONTOSO, S('20')))?.state, 'ReadOnly');
    assert.equal(await getSpoUserMapping(store, FABRIKAM, 'fault-no-spo-mapping@contoso.com'), undefined);
    assert.ok(!(await target('22')).licenses.includes('TEAMS1'));
    assert.equal(await getUser(store, FABRIKAM, T('23')), undefined);
  });

  it('has generated content for the 50 numbered users', async () => {
    const n = await rowCounts(store);
    assert.equal(n.users, 50 * 2 + 16 * 2 - 1 + 4); // generated pairs, named pairs (one target missing), listed admins
    assert.ok((n.mail_items ?? 0) >= 66 * 20);
    assert.ok((n.chat_messages ?? 0) >= 66 * 20);
  });
});

describe('published JSON schema', () => {
  it('scenarios/scenario.schema.json is up to date (node --import tsx scripts/gen-scenario-schema.ts)', () => {
    assert.equal(readFileSync('scenarios/scenario.schema.json', 'utf8'), scenarioJsonSchema());
  });
});

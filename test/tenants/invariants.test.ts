// applyTenantChanges refuses invalid objects with precise {path, message} issues and leaves the store
// exactly as it was; valid changes round-trip through the readers.
import { after, before, describe, it } from 'node:test';
import { secretMatches } from '../../src/tenants/secrets.js';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/db.js';
import { getGroup, getTenant, getUser } from '../../src/store/tenantsRepo.js';
import { applyTenantChanges, type ApplyResult, type TenantChange } from '../../src/tenants/writers.js';
import { CONTOSO, contosoTenant, FABRIKAM, fabrikamTenant, frozenClock, memoryStore, snapshot } from './helpers.js';

const clock = frozenClock();
let store: Store;
let laraId: string;

before(async () => {
  store = await memoryStore();
  const r = await applyTenantChanges(store, clock, [
    { tenantId: CONTOSO, tenant: contosoTenant(), users: [{ userPrincipalName: 'lara@contoso.com', password: 'pw-1', mailbox: { items: [{ folder: 'inbox', subject: 'Hello' }] } }],
      groups: [{ displayName: 'CrossTenantMigrationScope', groupType: 'MailEnabledSecurity', members: ['lara@contoso.com'] }] },
    { tenantId: FABRIKAM, tenant: fabrikamTenant() },
  ]);
  assert.equal(r.ok, true, JSON.stringify(r));
  laraId = (await getUser(store, CONTOSO, 'lara@contoso.com'))!.id;
});
after(() => store.close());

/** Applies a change that must be refused; returns the issues and checks nothing was written. */
async function refused(changes: TenantChange[]): Promise<{ path: string; message: string }[]> {
  const before = await snapshot(store);
  const r: ApplyResult = await applyTenantChanges(store, clock, changes);
  assert.equal(r.ok, false, 'the change should have been refused');
  assert.deepEqual(await snapshot(store), before, 'a refused change must leave the store unchanged');
  return r.ok ? [] : r.issues;
}

describe('invariants: refusals', () => {
  it('refuses a UPN already used in the tenant, case-insensitively', async () => {
    const issues = await refused([{ tenantId: CONTOSO, users: [{ id: 'a0000000-0000-4000-8000-000000000001', userPrincipalName: 'LARA@Contoso.COM' }] }]);
    assert.deepEqual(issues, [{
      path: 'users[0].userPrincipalName',
      message: `userPrincipalName 'LARA@Contoso.COM' is already used by user ${laraId} in tenant 'Contoso' (${CONTOSO})`,
    }]);
  });

  it('refuses a duplicate UPN within one batch', async () => {
    const issues = await refused([{ tenantId: CONTOSO, users: [{ userPrincipalName: 'bob@contoso.com' }, { userPrincipalName: 'Bob@contoso.com' }] }]);
    assert.deepEqual(issues, [{ path: 'users[1].userPrincipalName', message: "duplicate userPrincipalName 'Bob@contoso.com' (case-insensitive; also at users[0])" }]);
  });

  it('refuses malformed GUIDs wherever they appear', async () => {
    const issues = await refused([{
      tenantId: CONTOSO,
      users: [{ id: 'not-a-guid', userPrincipalName: 'x@contoso.com', mailbox: { exchangeGuid: '1234', archiveGuid: '0000-zz' } }],
      groups: [{ id: 'g-1', displayName: 'G', groupType: 'Security' }],
      organizationRelationships: [{ name: 'R', domainNames: [FABRIKAM], oauthApplicationId: 'app' }],
    }]);
    assert.deepEqual(issues, [
      { path: 'users[0].id', message: "user id 'not-a-guid' is not a valid GUID" },
      { path: 'users[0].mailbox.exchangeGuid', message: "exchangeGuid '1234' is not a valid GUID" },
      { path: 'users[0].mailbox.archiveGuid', message: "archiveGuid '0000-zz' is not a valid GUID" },
      { path: 'groups[0].id', message: "group id 'g-1' is not a valid GUID" },
      { path: 'organizationRelationships[0].oauthApplicationId', message: "oauthApplicationId 'app' is not a valid GUID" },
    ]);
  });

  it('refuses a malformed tenant id', async () => {
    const issues = await refused([{ tenantId: 'contoso', tenant: { ...contosoTenant(), id: 'contoso', domains: [] } }]);
    assert.equal(issues[0]?.path, 'tenant.id');
    assert.equal(issues[0]?.message, "tenant id 'contoso' is not a valid GUID");
  });

  it('refuses an SMTP address in a domain the tenant does not own; x500 addresses are exempt', async () => {
    const issues = await refused([{ tenantId: CONTOSO, users: [{
      userPrincipalName: 'eve@contoso.com',
      mailbox: { emailAddresses: ['x500:/o=Fabrikam/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=eve', 'smtp:eve@fabrikam.com'] },
    }] }]);
    assert.deepEqual(issues, [{
      path: 'users[0].mailbox.emailAddresses[1]',
      message: `'smtp:eve@fabrikam.com': domain 'fabrikam.com' is not a domain of tenant 'Contoso' (${CONTOSO}) (accepted domains: contoso.onmicrosoft.com, contoso.com)`,
    }]);
  });

  it('refuses a primary SMTP address outside the accepted domains', async () => {
    const issues = await refused([{ tenantId: CONTOSO, users: [{ userPrincipalName: 'eve@contoso.com', mailbox: { primarySmtpAddress: 'eve@northwind.com' } }] }]);
    assert.equal(issues[0]?.path, 'users[0].mailbox.primarySmtpAddress');
    assert.match(issues[0]!.message, /^'SMTP:eve@northwind\.com': domain 'northwind\.com' is not a domain of tenant 'Contoso'/);
  });

  it('lets a MailUser carry a proxy in a registered unverified domain, but not a mailbox', async () => {
    const mailUser = { externalEmailAddress: 'ann@contoso.com', emailAddresses: ['smtp:ann@fabrikam.net'] };
    const issues = await refused([{ tenantId: FABRIKAM, users: [{ userPrincipalName: 'ann@fabrikam.com', mailbox: { emailAddresses: mailUser.emailAddresses } }] }]);
    assert.match(issues[0]!.message, /domain 'fabrikam\.net' is not an accepted \(verified\) domain of tenant 'Fabrikam'/);
    const ok = await applyTenantChanges(store, clock, [{ tenantId: FABRIKAM, users: [{ userPrincipalName: 'ann@fabrikam.com', mailUser }] }]);
    assert.equal(ok.ok, true, JSON.stringify(ok));
  });

  it('refuses a dangling group member', async () => {
    const issues = await refused([{ tenantId: CONTOSO, groups: [{ displayName: 'Sales', groupType: 'Microsoft365', members: ['lara@contoso.com', 'ghost@contoso.com'] }] }]);
    assert.deepEqual(issues, [{ path: 'groups[0].members[1]', message: `member 'ghost@contoso.com' is not a user (UPN or id) or group (id) of tenant 'Contoso' (${CONTOSO})` }]);
  });

  it('refuses references to unknown objects', async () => {
    const issues = await refused([
      { tenantId: CONTOSO, organizationRelationships: [{ name: 'ToFabrikam', domainNames: [FABRIKAM], mailboxMovePublishedScopes: ['NoSuchGroup'] }],
        sites: [{ kind: 'OneDrive', owner: 'ghost@contoso.com' }], servicePrincipals: [{ appId: '99999999-9999-4999-8999-999999999999' }] },
      { tenantId: FABRIKAM, identityMappings: [{ sourceTenant: 'contoso.com', sourceUser: 'ghost@contoso.com', targetUser: 'ann@fabrikam.com', state: 'Mapped' }] },
    ]);
    assert.deepEqual(issues.map((i) => i.path), [
      '[0].servicePrincipals[0].appId', '[0].organizationRelationships[0].mailboxMovePublishedScopes[0]', '[0].sites[0].owner', '[1].identityMappings[0].sourceUser',
    ]);
    assert.match(issues[1]!.message, /scope 'NoSuchGroup' is not a group of tenant 'Contoso'/);
    assert.match(issues[2]!.message, /OneDrive owner 'ghost@contoso.com' is not a user of tenant 'Contoso'/);
  });

  it('refuses a verified domain that belongs to another tenant', async () => {
    const issues = await refused([{ tenantId: FABRIKAM, tenant: { ...fabrikamTenant(), domains: ['fabrikam.com', 'contoso.com'] } }]);
    assert.deepEqual(issues[0], { path: 'tenant.domains[1]', message: `domain 'contoso.com' is already a verified domain of tenant 'Contoso' (${CONTOSO}); a domain belongs to one tenant only` });
    // this replace also drops fabrikam.net, still in use (issue 16 item 2)
    assert.deepEqual(issues.slice(1).map((i) => i.path), ['tenant.domains']);
  });

  it('refuses a migration endpoint pointing at its own tenant', async () => {
    const issues = await refused([{ tenantId: FABRIKAM, migrationEndpoints: [{ name: 'Self', remoteTenant: 'fabrikam.onmicrosoft.com', applicationId: '33333333-3333-4333-8333-333333333333' }] }]);
    assert.deepEqual(issues, [{ path: 'migrationEndpoints[0].remoteTenant', message: 'ASSERT: The resource tenant and the accessing tenant cannot be equal' }]);
  });

  it('writes nothing when one object of the batch is bad', async () => {
    const issues = await refused([{ tenantId: CONTOSO, users: [{ userPrincipalName: 'good@contoso.com' }, { userPrincipalName: 'bad@northwind.com' }] }]);
    assert.equal(issues.length, 1);
    assert.equal(await getUser(store, CONTOSO, 'good@contoso.com'), undefined);
  });
});

describe('invariants: accepted changes round-trip', () => {
  it('reads back what it wrote and rewrites it unchanged', async () => {
    const lara = (await getUser(store, CONTOSO, 'LARA@contoso.com'))!;
    assert.equal(lara.mailbox?.primarySmtpAddress, 'lara@contoso.com');
    assert.deepEqual(lara.mailbox?.emailAddresses, ['SMTP:lara@contoso.com']);
    const group = (await getGroup(store, CONTOSO, 'crosstenantmigrationscope'))!;
    assert.deepEqual(group.members, [laraId]);
    const tenant = (await getTenant(store, 'contoso.com'))!;
    const before = await snapshot(store);
    const { tenantId: _t, ...user } = lara;
    const { tenantId: _g, ...groupInput } = group;
    const r = await applyTenantChanges(store, clock, [{ tenantId: CONTOSO, tenant, users: [user], groups: [groupInput] }]);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.deepEqual(await snapshot(store), before);
  });

  it('keeps the stored password and mailbox content when a change carries neither', async () => {
    const stored = await store.db.selectFrom('users').select('password').where('id', '=', laraId).executeTakeFirstOrThrow();
    const r = await applyTenantChanges(store, clock, [{ tenantId: CONTOSO, users: [{ userPrincipalName: 'lara@contoso.com', displayName: 'Lara N', mailbox: {} }] }]);
    assert.equal(r.ok, true, JSON.stringify(r));
    const row = await store.db.selectFrom('users').select('password').where('id', '=', laraId).executeTakeFirstOrThrow();
    assert.equal(row.password, stored.password); // the very hash stored before: not re-hashed, not cleared
    assert.ok(row.password && row.password !== 'pw-1' && (await secretMatches('pw-1', row.password)), 'stored as a salted hash, never in clear');
    const items = await store.db.selectFrom('mail_items').select('subject').where('user_id', '=', laraId).execute();
    assert.deepEqual(items, [{ subject: 'Hello' }]);
    assert.equal((await getUser(store, CONTOSO, laraId))?.displayName, 'Lara N');
  });
});

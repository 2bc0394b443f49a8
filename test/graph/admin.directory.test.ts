// Admin API: tenants, settings, domains, users, licences, recipients, groups — and every refusal leaves the store unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, type TestServer } from '../helpers.js';
import { U, snapshot, startWorld, userId } from './fixtures.js';
import { skuIdOf } from '../../src/graph/directory/licenses.js';

const NEW_TENANT = '44444444-4444-4444-8444-444444444444';

describe('admin API: directory objects', () => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => s.api(method, `/xtm/admin${path}`, { body, token: null });
  /** The request is refused with `status`, the error names `target`, and the tenant's rows are exactly as before. */
  async function refused(method: string, path: string, body: unknown, status: number, target?: string | RegExp) {
    const before = await snapshot(s, T.source);
    const r = await admin(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    if (target instanceof RegExp) assert.match(r.body.error.target ?? '', target, r.text);
    else if (target) assert.equal(r.body.error.target, target, r.text);
    assert.equal(await snapshot(s, T.source), before, 'nothing written');
    return r.body.error;
  }

  before(async () => {
    s = await startWorld();
  });
  after(() => s.stop());

  test('tenants: create, list, get with settings, duplicate, unknown', async () => {
    const body = { id: NEW_TENANT, displayName: 'Northwind', initialDomain: 'northwind.onmicrosoft.com', domains: ['northwind.com'] };
    const c = await admin('POST', '/tenants', body);
    assert.equal(c.status, 201, c.text);
    assert.equal(c.body.mySiteHost, 'https://northwind-my.sharepoint.com');
    assert.equal(c.body.settings.sharePoint.crossTenantMoveFeatureEnabled, true);
    assert.equal((await admin('POST', '/tenants', body)).status, 409);
    const list = await admin('GET', '/tenants');
    assert.ok(list.body.value.some((t: any) => t.id === NEW_TENANT));
    const one = await admin('GET', '/tenants/northwind.com');
    assert.equal(one.body.id, NEW_TENANT);
    assert.equal(typeof one.body.counts.users, 'number');
    assert.equal((await admin('GET', '/tenants/nowhere.example')).status, 404);
    const bad = await admin('POST', '/tenants', { ...body, id: 'not-a-guid' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.target, 'id');
  });

  test('tenants: PUT creates, then replaces the tenant object; a domain still in use cannot be dropped; DELETE', async () => {
    const id = '55555555-0000-4000-8000-000000000055';
    const body = { displayName: 'Tailspin', initialDomain: 'tailspin.onmicrosoft.com', domains: ['tailspin.com'] };
    const c = await admin('PUT', `/tenants/${id}`, body);
    assert.equal(c.status, 201, c.text);
    assert.equal(c.body.id, id);
    const u = await admin('POST', `/tenants/${id}/users`, { userPrincipalName: 'ann@tailspin.com' });
    assert.equal(u.status, 201, u.text);
    const drop = await admin('PUT', `/tenants/${id}`, { ...body, domains: [] });
    assert.equal(drop.status, 400);
    assert.equal(drop.body.error.target, 'domains');
    const rename = await admin('PUT', `/tenants/${id}`, { ...body, displayName: 'Tailspin Toys' });
    assert.equal(rename.status, 200, rename.text);
    assert.equal(rename.body.displayName, 'Tailspin Toys');
    assert.equal((await admin('GET', `/tenants/${id}/users/ann@tailspin.com`)).status, 200, 'users survive a tenant replace');
    assert.equal((await admin('PUT', `/tenants/${id}`, { ...body, id: NEW_TENANT })).status, 400);
    assert.equal((await admin('DELETE', `/tenants/tailspin.com`)).status, 204);
    assert.equal((await admin('GET', `/tenants/${id}`)).status, 404);
  });

  test('settings: Set-OrganizationConfig / Set-SPOTenant / Set-CsTenantFederationConfiguration merge', async () => {
    const r = await admin('PATCH', `/tenants/${T.target}/settings`, { sharePoint: { crossTenantMoveFeatureEnabled: false }, teams: { allowFederatedUsers: false } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.sharePoint.crossTenantMoveFeatureEnabled, false);
    assert.equal(r.body.sharePoint.compatibility, 'Compatible');
    assert.equal(r.body.teams.allowFederatedUsers, false);
    assert.equal(r.body.exchange.autoForwardingMode, 'On');
    await refused('PATCH', `/tenants/${T.source}/settings`, { exchange: { autoForwardingMode: 'Sometimes' } }, 400, 'exchange.autoForwardingMode');
    await refused('PATCH', `/tenants/${T.source}/settings`, { sharepoint: {} }, 400, 'sharepoint');
  });

  test('domains: New-AcceptedDomain, duplicate, another tenant\'s verified domain, Remove-AcceptedDomain', async () => {
    const r = await admin('POST', `/tenants/${T.source}/domains`, { name: 'Contoso.com' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body, { name: 'contoso.com', isVerified: true, acceptedDomainType: 'Authoritative' });
    await refused('POST', `/tenants/${T.source}/domains`, { name: 'contoso.com' }, 409);
    await refused('POST', `/tenants/${T.source}/domains`, { name: 'fabrikam.onmicrosoft.com' }, 400, 'name');
    await refused('POST', `/tenants/${T.source}/domains`, { name: 'not a domain' }, 400, 'name');
    await refused('DELETE', `/tenants/${T.source}/domains/contoso.onmicrosoft.com`, undefined, 409);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/domains/contoso.com`)).status, 204);
  });

  test('users: New-MgUser with a mailbox, visible through Graph; Update-MgUser; Remove-MgUser', async () => {
    const c = await admin('POST', `/tenants/${T.source}/users`, { userPrincipalName: `erin@contoso.onmicrosoft.com`, displayName: 'Erin', mailbox: {} });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.body.mailbox.primarySmtpAddress, 'erin@contoso.onmicrosoft.com');
    const tok = await s.token(T.source, T.app);
    const g = await s.api('GET', `/beta/users/${c.body.id}`, { token: tok });
    assert.equal(g.body.displayName, 'Erin');
    assert.equal((await s.api('GET', `/beta/users/${c.body.id}/mailFolders/inbox`, { token: tok })).status, 200);
    const p = await admin('PATCH', `/tenants/${T.source}/users/erin@contoso.onmicrosoft.com`, { displayName: 'Erin E.', accountEnabled: false });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual([p.body.displayName, p.body.accountEnabled, p.body.mailbox.exchangeGuid], ['Erin E.', false, c.body.mailbox.exchangeGuid]);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/users/${c.body.id}`)).status, 204);
    assert.equal((await s.api('GET', `/beta/users/${c.body.id}`, { token: tok })).status, 404);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/users/${c.body.id}`)).status, 404);
  });

  test('users: refusals (duplicate UPN, malformed GUID, SMTP in a domain the tenant does not own, bad UPN suffix)', async () => {
    const dup = await refused('POST', `/tenants/${T.source}/users`, { userPrincipalName: U.alice.toUpperCase() }, 400, 'userPrincipalName');
    assert.match(dup.message, /already used/);
    await refused('POST', `/tenants/${T.source}/users`, { id: 'not-a-guid', userPrincipalName: `x@contoso.onmicrosoft.com` }, 400, 'id');
    const smtp = await refused('POST', `/tenants/${T.source}/users`, {
      userPrincipalName: `frank@contoso.onmicrosoft.com`, mailbox: { emailAddresses: ['SMTP:frank@contoso.onmicrosoft.com', 'smtp:frank@fabrikam.onmicrosoft.com'] },
    }, 400, 'mailbox.emailAddresses[1]');
    assert.match(smtp.message, /not a domain of tenant/);
    await refused('POST', `/tenants/${T.source}/users`, { userPrincipalName: `gina@elsewhere.com` }, 400, 'userPrincipalName');
    await refused('PATCH', `/tenants/${T.source}/users/${U.bob}`, { userPrincipalName: U.alice }, 400, 'userPrincipalName');
    await refused('PATCH', `/tenants/${T.source}/users/${U.bob}`, { shoeSize: 42 }, 400, 'shoeSize');
    await refused('POST', `/tenants/99999999-0000-4000-8000-000000000000/users`, { userPrincipalName: 'x@y.com' }, 404);
    await refused('PATCH', `/tenants/${T.source}/users/nobody@contoso.onmicrosoft.com`, { displayName: 'x' }, 404);
  });

  test('licences: Set-MgUserLicense by part number and skuId; Exchange licence provisions a mailbox (rule 20)', async () => {
    const add = await admin('POST', `/tenants/${T.source}/users/${U.bob}/licenses`, { addLicenses: [{ skuId: skuIdOf('CROSS_TENANT_USER_DATA_MIGRATION') }, 'TEAMS1'] });
    assert.equal(add.status, 200, add.text);
    assert.deepEqual(add.body.licenses.sort(), ['CROSS_TENANT_USER_DATA_MIGRATION', 'TEAMS1']);
    const rm = await admin('POST', `/tenants/${T.source}/users/${U.bob}/licenses`, { removeLicenses: [skuIdOf('TEAMS1')] });
    assert.deepEqual(rm.body.licenses, ['CROSS_TENANT_USER_DATA_MIGRATION']);
    await refused('POST', `/tenants/${T.source}/users/${U.bob}/licenses`, { addLicenses: ['00000000-0000-4000-8000-000000000000'] }, 400, 'addLicenses[0]');
    await refused('POST', `/tenants/${T.source}/users/${U.bob}/licenses`, { removeLicenses: ['TEAMS1'] }, 400, 'removeLicenses[0]');
    // A MailUser without ExchangeGuid licensed for Exchange becomes a mailbox (the I-6139 failure mode).
    const mu = await admin('POST', `/tenants/${T.target}/users`, {
      userPrincipalName: 'hank@fabrikam.onmicrosoft.com', mailUser: { externalEmailAddress: 'hank@contoso.onmicrosoft.com' },
    });
    assert.equal(mu.status, 201, mu.text);
    const lic = await admin('POST', `/tenants/${T.target}/users/${mu.body.id}/licenses`, { addLicenses: ['EXCHANGE_S_ENTERPRISE'] });
    assert.equal(lic.status, 200, lic.text);
    assert.ok(lic.body.mailbox && !lic.body.mailUser, JSON.stringify(lic.body));
    assert.match(lic.body.mailbox.exchangeGuid, /^[0-9a-f-]{36}$/);
  });

  test('recipients: Set-MailUser (ExchangeGuid, ArchiveGuid, EmailAddresses, ExternalEmailAddress), Set-Mailbox holds', async () => {
    const c = await admin('POST', `/tenants/${T.target}/users`, { userPrincipalName: 'ivy@fabrikam.onmicrosoft.com', mailUser: { externalEmailAddress: 'ivy@contoso.onmicrosoft.com' } });
    assert.equal(c.status, 201, c.text);
    const guid = 'abcdefab-1234-4abc-8abc-abcdefabcdef';
    const r = await admin('PATCH', `/tenants/${T.target}/recipients/${c.body.id}`, {
      exchangeGuid: guid, archiveGuid: guid.replace('abcdefab', 'bbbbbbbb'),
      emailAddresses: ['SMTP:ivy@fabrikam.onmicrosoft.com', 'x500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc-ivy'],
      externalEmailAddress: 'SMTP:ivy.new@contoso.onmicrosoft.com',
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.body.recipientType, r.body.exchangeGuid, r.body.externalEmailAddress], ['MailUser', guid, 'SMTP:ivy.new@contoso.onmicrosoft.com']);
    assert.equal(r.body.emailAddresses.length, 2);
    const hold = await admin('PATCH', `/tenants/${T.source}/recipients/${U.alice}`, { holds: { litigationHoldEnabled: true } });
    assert.equal(hold.status, 200, hold.text);
    assert.deepEqual([hold.body.holds.litigationHoldEnabled, hold.body.holds.delayHoldApplied], [true, false]);
    const primary = await admin('PATCH', `/tenants/${T.source}/recipients/${U.alice}`, { emailAddresses: [`smtp:${U.alice}`, 'SMTP:alice.adams@contoso.onmicrosoft.com'] });
    assert.equal(primary.status, 200, primary.text);
    assert.equal(primary.body.primarySmtpAddress, 'alice.adams@contoso.onmicrosoft.com');
    assert.equal((await admin('GET', `/tenants/${T.source}/users/${U.alice}`)).body.mail, 'alice.adams@contoso.onmicrosoft.com');
    await refused('PATCH', `/tenants/${T.source}/recipients/${U.bob}`, { exchangeGuid: 'xyz' }, 400, 'exchangeGuid');
    await refused('PATCH', `/tenants/${T.source}/recipients/${U.bob}`, { emailAddresses: [`SMTP:${U.bob}`, 'smtp:bob@notours.com'] }, 400, 'emailAddresses[1]');
    await refused('PATCH', `/tenants/${T.source}/recipients/${U.bob}`, { folders: [] }, 400, 'folders');
    await refused('PATCH', `/tenants/${T.source}/recipients/${U.carol}`, { alias: 'c' }, 404);
  });

  test('groups: create, Add-/Remove-DistributionGroupMember, dangling member refused, delete guarded by OrgRel scope', async () => {
    const g = await admin('POST', `/tenants/${T.source}/groups`, { displayName: 'Wave 2', groupType: 'MailEnabledSecurity', members: [U.alice] });
    assert.equal(g.status, 201, g.text);
    assert.equal(g.body.mail, 'Wave2@contoso.onmicrosoft.com');
    await refused('POST', `/tenants/${T.source}/groups`, { displayName: 'Wave 2', groupType: 'MailEnabledSecurity' }, 409);
    await refused('POST', `/tenants/${T.source}/groups`, { displayName: 'Wave 3', groupType: 'Security', members: [U.alice, 'ghost@contoso.onmicrosoft.com'] }, 400, 'members[1]');
    await refused('POST', `/tenants/${T.source}/groups/${g.body.id}/members`, { member: 'ghost@contoso.onmicrosoft.com' }, 400, 'member');
    await refused('POST', `/tenants/${T.source}/groups/${g.body.id}/members`, { member: U.dave }, 400, 'member'); // another tenant's user
    await refused('POST', `/tenants/${T.source}/groups/${g.body.id}/members`, { member: U.alice }, 409, 'member');
    const add = await admin('POST', `/tenants/${T.source}/groups/Wave2/members`, { member: U.bob });
    assert.equal(add.status, 201, add.text);
    assert.equal(add.body.members.length, 2);
    const tok = await s.token(T.source, T.app);
    const m = await s.api('GET', `/beta/groups/${g.body.id}/members`, { token: tok });
    assert.deepEqual(m.body.value.map((x: any) => x.userPrincipalName).sort(), [U.alice, U.bob]);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/groups/${g.body.id}/members/${U.bob}`)).status, 204);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/groups/${g.body.id}/members/${U.bob}`)).status, 404);
    const rel = await admin('POST', `/tenants/${T.source}/organizationRelationships`, {
      name: 'To Fabrikam', mailboxMoveEnabled: true, mailboxMoveCapability: ['RemoteOutbound'], domainNames: [T.target], oauthApplicationId: T.app,
      mailboxMovePublishedScopes: ['Wave 2'],
    });
    assert.equal(rel.status, 201, rel.text);
    await refused('DELETE', `/tenants/${T.source}/groups/${g.body.id}`, undefined, 409);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/organizationRelationships/To Fabrikam`)).status, 204);
    assert.equal((await admin('DELETE', `/tenants/${T.source}/groups/${g.body.id}`)).status, 204);
  });

  test('bulk changes are all or nothing', async () => {
    const before = await snapshot(s, T.source);
    const r = await admin('POST', '/changes', { changes: [
      { tenantId: T.source, users: [{ userPrincipalName: 'ok1@contoso.onmicrosoft.com' }] },
      { tenantId: T.source, users: [{ userPrincipalName: U.bob.toUpperCase(), id: '12345678-1234-4234-8234-123456789012' }] },
    ] });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.target, '[1].users[0].userPrincipalName');
    assert.equal(await snapshot(s, T.source), before);
    assert.equal(await userId(s, T.source, U.bob).then(() => 'found'), 'found');
  });
});

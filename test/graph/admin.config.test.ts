// Admin API: apps and consent, organization relationships, migration endpoints (rule 5), sites and files,
// mail delivery, CTIM identities and the SharePoint identity map.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, type TestServer } from '../helpers.js';
import { U, snapshot, startWorld, userId } from './fixtures.js';

const MIG_APP = '88888888-8888-4888-8888-888888888888';
const EXO = 'Office 365 Exchange Online';

describe('admin API: configuration and content', () => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => s.api(method, `/xtm/admin${path}`, { body, token: null });
  async function refused(tenant: string, method: string, path: string, body: unknown, status: number, target?: string) {
    const before = await snapshot(s, tenant);
    const r = await admin(method, path, body);
    assert.equal(r.status, status, `${method} ${path}: ${r.text}`);
    if (target) assert.equal(r.body.error.target, target, r.text);
    assert.equal(await snapshot(s, tenant), before, 'nothing written');
    return r.body.error;
  }
  const endpoint = (over: Record<string, unknown> = {}) => ({ name: 'ContosoEndpoint', remoteTenant: 'contoso.onmicrosoft.com', applicationId: MIG_APP, ...over });

  before(async () => {
    s = await startWorld();
  });
  after(() => s.stop());

  test('applications: New-MgApplication under the owner tenant; duplicate appId refused', async () => {
    const r = await admin('POST', `/tenants/${T.target}/applications`, {
      appId: MIG_APP, displayName: 'Mailbox migration', requiredPermissions: [{ resource: EXO, value: 'Mailbox.Migration' }], secrets: [{ value: 's3cret' }],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.ownerTenantId, T.target);
    assert.match(r.body.secrets[0].sha256, /^scrypt\$14\$/, "stored salted (graph-content: credentials like Entra)");
    await refused(T.source, 'POST', `/tenants/${T.source}/applications`, { appId: MIG_APP, displayName: 'again' }, 409, 'appId');
    await refused(T.target, 'POST', `/tenants/${T.target}/applications`, { appId: 'nope', displayName: 'x' }, 400, 'appId');
  });

  test('migration endpoint rule 5: refused until the source consents; never towards the own tenant', async () => {
    const e1 = await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint(), 400, 'applicationId');
    assert.match(e1.message, /AADSTS700016/);
    // Admin consent in the source (grants every requested application permission).
    const consent = await admin('POST', `/tenants/${T.source}/servicePrincipals`, { appId: MIG_APP });
    assert.equal(consent.status, 201, consent.text);
    assert.deepEqual(consent.body.grantedPermissions, [{ resource: EXO, value: 'Mailbox.Migration', type: 'Application' }]);
    for (const remote of ['fabrikam.onmicrosoft.com', T.target, T.target.toUpperCase()]) {
      const e = await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint({ remoteTenant: remote }), 400, 'remoteTenant');
      assert.equal(e.message, 'remoteTenant: ASSERT: The resource tenant and the accessing tenant cannot be equal');
    }
    await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint({ remoteTenant: 'unknown.onmicrosoft.com' }), 400, 'remoteTenant');
    await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint({ applicationId: 'not-a-guid' }), 400, 'applicationId');
    const ok = await admin('POST', `/tenants/${T.target}/migrationEndpoints`, endpoint());
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual([ok.body.remoteServer, ok.body.isRemote, ok.body.endpointType, ok.body.applicationId], ['outlook.office.com', true, 'ExchangeRemoteMove', MIG_APP]);
    await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint({ name: 'contosoendpoint' }), 409, 'name');
    // Set-MigrationEndpoint runs the same rules.
    await refused(T.target, 'PATCH', `/tenants/${T.target}/migrationEndpoints/ContosoEndpoint`, { remoteTenant: T.target }, 400, 'remoteTenant');
    await refused(T.target, 'PATCH', `/tenants/${T.target}/migrationEndpoints/ContosoEndpoint`, { applicationId: T.readApp }, 400, 'applicationId');
    const set = await admin('PATCH', `/tenants/${T.target}/migrationEndpoints/contosoendpoint`, { remoteTenant: T.source });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.remoteTenant, T.source);
    assert.equal((await admin('GET', `/tenants/${T.target}/migrationEndpoints`)).body.value.length, 1);
    assert.equal((await admin('DELETE', `/tenants/${T.target}/migrationEndpoints/ContosoEndpoint`)).status, 204);
    assert.equal((await admin('DELETE', `/tenants/${T.target}/migrationEndpoints/ContosoEndpoint`)).status, 404);
    // Revoking the consent makes creation fail again.
    assert.equal((await admin('DELETE', `/tenants/${T.source}/servicePrincipals/${MIG_APP}`)).status, 204);
    await refused(T.target, 'POST', `/tenants/${T.target}/migrationEndpoints`, endpoint(), 400, 'applicationId');
  });

  test('organization relationships: New-, Set-, Remove-OrganizationRelationship', async () => {
    const base = { name: 'Contoso', domainNames: [T.source], mailboxMoveEnabled: true, mailboxMoveCapability: ['Inbound'] };
    const c = await admin('POST', `/tenants/${T.target}/organizationRelationships`, base);
    assert.equal(c.status, 201, c.text);
    assert.deepEqual([c.body.enabled, c.body.mailboxMoveEnabled, c.body.mailboxMoveCapability], [true, true, ['Inbound']]);
    await refused(T.target, 'POST', `/tenants/${T.target}/organizationRelationships`, base, 409, 'name');
    await refused(T.target, 'POST', `/tenants/${T.target}/organizationRelationships`, { ...base, name: 'Self', domainNames: [T.target] }, 400, 'domainNames[0]');
    await refused(T.target, 'PATCH', `/tenants/${T.target}/organizationRelationships/Contoso`, { mailboxMoveCapability: ['Sideways'] }, 400, 'mailboxMoveCapability[0]');
    const set = await admin('PATCH', `/tenants/${T.target}/organizationRelationships/contoso`, { mailboxMoveCapability: ['Inbound', 'RemoteOutbound'] });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.mailboxMoveCapability, ['Inbound', 'RemoteOutbound']);
    assert.equal(set.body.id, c.body.id);
    await refused(T.source, 'POST', `/tenants/${T.source}/organizationRelationships`, { ...base, name: 'Scoped', domainNames: [T.target], mailboxMovePublishedScopes: ['no such group'] }, 400, 'mailboxMovePublishedScopes[0]');
    assert.equal((await admin('DELETE', `/tenants/${T.target}/organizationRelationships/Contoso`)).status, 204);
  });

  test('sites: Set-SPOSite -LockState ReadOnly keeps files; files are added; New-SPOSite refusals', async () => {
    const alice = await userId(s, T.source, U.alice);
    const sites = (await admin('GET', `/tenants/${T.source}/sites`)).body.value;
    const od = sites.find((x: any) => x.kind === 'OneDrive' && x.ownerUserId === alice);
    const lock = await admin('PATCH', `/tenants/${T.source}/sites/${od.id}`, { state: 'ReadOnly' });
    assert.equal(lock.status, 200, lock.text);
    assert.deepEqual([lock.body.state, lock.body.itemCount], ['ReadOnly', 4]);
    await refused(T.source, 'PATCH', `/tenants/${T.source}/sites/${od.id}`, { state: 'Frozen' }, 400, 'state');
    const add = await admin('POST', `/tenants/${T.source}/sites/${encodeURIComponent(od.url)}/items`, { path: '/Archive/2025/report.pdf', sizeBytes: 5000 });
    assert.equal(add.status, 201, add.text);
    assert.equal(add.body.path, '/Archive/2025/report.pdf');
    await refused(T.source, 'POST', `/tenants/${T.source}/sites/${od.id}/items`, { path: '/archive/2025/REPORT.pdf' }, 409, 'path');
    await refused(T.source, 'POST', `/tenants/${T.source}/sites/${od.id}/items`, { path: '/x.txt', createdBy: 'ghost@contoso.onmicrosoft.com' }, 400, 'createdBy');
    const tok = await s.token(T.source, T.app);
    const kids = await s.api('GET', `/beta/users/${alice}/drive/root/children`, { token: tok });
    assert.deepEqual(kids.body.value.map((i: any) => i.name), ['Archive', 'notes.txt', 'Projects']);
    const perms = await s.api('GET', `/beta/users/${alice}/drive/root:/Projects/plan.docx`, { token: tok });
    const p = await s.api('GET', `/beta/users/${alice}/drive/items/${perms.body.id}/permissions`, { token: tok });
    assert.ok(p.body.value.some((x: any) => x.roles[0] === 'write'), 'item permissions survive the rewrite');
    await refused(T.source, 'POST', `/tenants/${T.source}/sites`, { kind: 'OneDrive', owner: U.alice }, 409, 'owner');
    await refused(T.source, 'POST', `/tenants/${T.source}/sites`, { kind: 'Site', url: 'https://fabrikam.sharepoint.com/sites/x' }, 400, 'url');
    const team = await admin('POST', `/tenants/${T.source}/sites`, { kind: 'Site', url: 'https://contoso.sharepoint.com/sites/legal', title: 'Legal' });
    assert.equal(team.status, 201, team.text);
    assert.equal(team.body.title, 'Legal');
  });

  test('mail items: one message delivered into a folder shows up in Graph and in the mailbox size', async () => {
    const before = (await admin('GET', `/tenants/${T.source}/recipients/${U.bob}`)).body.mailboxSizeBytes;
    const r = await admin('POST', `/tenants/${T.source}/users/${U.bob}/mailItems`, { folder: 'inbox', subject: 'Fresh', from: 'x@example.com', sizeBytes: 1234 });
    assert.equal(r.status, 201, r.text);
    assert.equal((await admin('GET', `/tenants/${T.source}/recipients/${U.bob}`)).body.mailboxSizeBytes, before + 1234);
    const tok = await s.token(T.source, T.app);
    const m = await s.api('GET', `/beta/users/${U.bob}/messages`, { token: tok });
    assert.deepEqual(m.body.value.map((x: any) => [x.id, x.subject]), [[r.body.id, 'Fresh']]);
    await refused(T.source, 'POST', `/tenants/${T.source}/users/${U.bob}/mailItems`, { folder: 'nowhere', subject: 'x' }, 400, 'folder');
    await refused(T.source, 'POST', `/tenants/${T.source}/users/${U.carol}/mailItems`, { folder: 'inbox', subject: 'x' }, 400, 'user');
    await refused(T.source, 'POST', `/tenants/${T.source}/users/${U.bob}/mailItems`, { folder: 'inbox', subject: 'x', id: 'bad' }, 400, 'id');
    await refused(T.source, 'POST', `/tenants/${T.source}/users/${U.bob}/mailItems`, { folder: 'inbox', subject: 'x', id: r.body.id }, 409, 'id');
  });

  test('CTIM identities: Unmapped → Mapped → Completed; invalid mappings refused', async () => {
    const m = await admin('PUT', `/tenants/${T.target}/identityMappings`, { sourceTenant: 'contoso.onmicrosoft.com', sourceUser: U.alice, targetUser: null, state: 'Unmapped' });
    assert.equal(m.status, 200, m.text);
    assert.deepEqual([m.body.state, m.body.targetUserId], ['Unmapped', null]);
    const dave = await userId(s, T.target, U.dave);
    const done = await admin('PUT', `/tenants/${T.target}/identityMappings`, { sourceTenant: T.source, sourceUser: U.alice, targetUser: U.dave, state: 'Completed' });
    assert.deepEqual([done.body.state, done.body.targetUserId], ['Completed', dave]);
    assert.equal((await admin('GET', `/tenants/${T.target}/identityMappings?sourceTenant=${T.source}`)).body.value.length, 1);
    // ?targetUser= (UPN or id): the identity mapped to that target user, and none for an unknown one.
    const alice = await userId(s, T.source, U.alice);
    for (const ref of [U.dave, dave]) assert.deepEqual((await admin('GET', `/tenants/${T.target}/identityMappings?targetUser=${ref}`)).body.value.map((x: { sourceUserId: string }) => x.sourceUserId), [alice]);
    assert.equal((await admin('GET', `/tenants/${T.target}/identityMappings?targetUser=ghost@${T.target}`)).body.value.length, 0);
    await refused(T.target, 'PUT', `/tenants/${T.target}/identityMappings`, { sourceTenant: T.source, sourceUser: U.bob, state: 'Mapped' }, 400, 'targetUser');
    await refused(T.target, 'PUT', `/tenants/${T.target}/identityMappings`, { sourceTenant: T.source, sourceUser: 'ghost@contoso.onmicrosoft.com', state: 'Unmapped' }, 400, 'sourceUser');
    await refused(T.target, 'PUT', `/tenants/${T.target}/identityMappings`, { sourceTenant: T.source, sourceUser: U.bob, targetUser: U.dave, state: 'Done' }, 400, 'state');
    assert.equal((await admin('DELETE', `/tenants/${T.target}/identityMappings?sourceTenant=${T.source}`)).status, 204);
    assert.equal((await admin('GET', `/tenants/${T.target}/identityMappings`)).body.value.length, 0);
  });

  test('SharePoint identity map: Add-/Remove-SPOTenantIdentityMappingUser and …Group', async () => {
    const u = await admin('PUT', `/tenants/${T.target}/spoIdentityMap/users`, { sourceOrganizationId: T.source, sourceUserPrincipalName: U.alice, targetUserPrincipalName: U.dave });
    assert.equal(u.status, 200, u.text);
    assert.deepEqual([u.body.target_upn, u.body.user_type], [U.dave, 'regularUser']);
    await refused(T.target, 'PUT', `/tenants/${T.target}/spoIdentityMap/users`, { sourceOrganizationId: 'x', sourceUserPrincipalName: U.bob, targetUserPrincipalName: U.dave }, 400, 'sourceOrganizationId');
    const gid = '12121212-1212-4212-8212-121212121212';
    const g = await admin('PUT', `/tenants/${T.target}/spoIdentityMap/groups`, { sourceOrganizationId: T.source, sourceGroupId: gid, targetGroupId: gid.replace('1212', '3434') });
    assert.equal(g.status, 200, g.text);
    assert.equal((await admin('DELETE', `/tenants/${T.target}/spoIdentityMap/users/${encodeURIComponent(U.alice)}`)).status, 204);
    assert.equal((await admin('DELETE', `/tenants/${T.target}/spoIdentityMap/groups/${gid}`)).status, 204);
    assert.equal((await admin('DELETE', `/tenants/${T.target}/spoIdentityMap/groups/${gid}`)).status, 404);
  });
});

// /solutions/sharePoint/migrations/crossOrganizationMigrationTasks over HTTP on the SharePoint test
// scenario: create, validateOnly per MnA* rule, reads and functions, cancel, execution to the end with
// permissions rewritten through the maps, the redirect at the source, latest-start cancellation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers.js';
import { assertGraphError } from '../jobs/util.js';
import { CONTOSO, FABRIKAM, FALCON, MEGAN, NESTOR, READER_APP, SECRET, spoServer, sourceToken, targetToken } from './fixture.js';

const TASKS = '/beta/solutions/sharePoint/migrations/crossOrganizationMigrationTasks';
const USER_T = '#microsoft.graph.sharePointUserMigrationTaskParameters';
let s: TestServer;
let src: string;
before(async () => {
  s = await spoServer();
  src = await sourceToken(s);
});
after(() => s.stop());

const userTask = (source: string, target: string, extra: Record<string, unknown> = {}) => ({
  parameters: { '@odata.type': USER_T, targetOrganizationHost: 'https://fabrikam-my.sharepoint.com', sourceUserIdentity: { userPrincipalName: source }, targetUserIdentity: { userPrincipalName: target }, ...extra },
});
const post = (body: unknown, token = src) => s.api('POST', TASKS, { body, token });
const drain = () => s.api('POST', '/xtm/admin/work/drain', { token: null });

test('roots', async () => {
  const a = await s.api('GET', '/beta/solutions/sharePoint', { token: src });
  assert.equal(a.status, 200, a.text);
  assert.match(a.body['@odata.context'], /\$metadata#solutions\/sharePoint\/\$entity$/);
  const b = await s.api('GET', '/beta/solutions/sharePoint/migrations', { token: src });
  assert.equal(b.status, 200);
  assert.match(b.body['@odata.context'], /solutions\/sharePoint\/migrations\/\$entity$/);
});

test('validateOnly: passes, stores nothing, answers without id', async () => {
  const r = await post(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true }));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'completed');
  assert.equal(r.body.id, undefined);
  assert.equal(r.body.parameters.validateOnly, true);
  const list = await s.api('GET', `${TASKS}/$count`, { token: src });
  assert.equal(list.text, '0');
});

test('validateOnly reports each MnA* failure on a scenario breaking exactly that rule', async () => {
  const only = async (body: unknown, code: string, message?: RegExp) => {
    const r = await post(body);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'failed', r.text);
    assert.deepEqual(r.body.error.details.map((d: any) => d.code), [code], r.text);
    assert.equal(r.body.error.code, code);
    if (message) assert.match(r.body.error.message, message);
  };
  await only(userTask('fault-no-spo-mapping@contoso.com', 'fault-no-spo-mapping@fabrikam.com', { validateOnly: true }), 'MnAIdentityMapEntryDoesNotExistsForSourceUPN',
    /^Identity map entry for source UPN \[fault-no-spo-mapping@contoso.com\] does not exist on the target tenant\.$/);
  await only(userTask(NESTOR.upn, MEGAN.targetUpn, { validateOnly: true }), 'MnAIdentityMapEntryDoesNotMatchRequest');
  await only(userTask('fault-onedrive-readonly@contoso.com', 'fault-onedrive-readonly@fabrikam.com', { validateOnly: true }), 'MnAMoveJobCreationFailed', /must be ReadWrite/);
  // a mapped source user without a OneDrive (the map entry added through Graph, in the target tenant)
  const map = await s.api('PATCH', '/beta/solutions/sharePoint/migrations/crossOrganizationUserMappings', { token: await targetToken(s), body: { '@context': '#$delta', value: [
    { sourceOrganizationId: CONTOSO, userType: 'adminUser', sourceUserIdentity: { userPrincipalName: 'admin@contoso.onmicrosoft.com' }, targetUserIdentity: { userPrincipalName: 'plain.user@fabrikam.com' } },
  ] } });
  assert.equal(map.status, 200, map.text);
  const lic = await s.api('PATCH', `/xtm/admin/tenants/${FABRIKAM}/users/plain.user@fabrikam.com`, { token: null, body: { licenses: ['SHAREPOINTENTERPRISE', 'CROSS_TENANT_USER_DATA_MIGRATION'] } });
  assert.equal(lic.status, 200, lic.text);
  await only(userTask('admin@contoso.onmicrosoft.com', 'plain.user@fabrikam.com', { validateOnly: true }), 'MnAOdbForSourceUPNDoesNotExist');
  // a site already at the target OneDrive URL
  const made = await s.api('POST', `/xtm/admin/tenants/${FABRIKAM}/sites`, { token: null, body: { kind: 'OneDrive', owner: 'alex.wilber@fabrikam.com' } });
  assert.equal(made.status, 201, made.text);
  await only(userTask('alex.wilber@contoso.com', 'alex.wilber@fabrikam.com', { validateOnly: true }), 'MnASiteMoveTargetUrlHasWriteConflict');
  // the feature switched off in the target tenant
  const off = await s.api('PATCH', `/xtm/admin/tenants/${FABRIKAM}/settings`, { token: null, body: { sharePoint: { crossTenantMoveFeatureEnabled: false } } });
  assert.equal(off.status, 200, off.text);
  await only(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true }), 'FeatureIsNotEnabled', /\[MnAUserMove\]/);
  await s.api('PATCH', `/xtm/admin/tenants/${FABRIKAM}/settings`, { token: null, body: { sharePoint: { crossTenantMoveFeatureEnabled: true } } });
  // wrong host: the admin host is not the my-site host
  const admin = await post(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true, targetOrganizationHost: 'https://fabrikam-admin.sharepoint.com' }));
  assertGraphError(admin, 422, 'MnAFatalErrorAdminSiteCouldNotBeUsedAsMySiteHost', 'Cross-tenant moves are blocked because the TargetCrossTenantHostUrl value is incorrect.');
  const none = await post(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true, targetOrganizationHost: 'https://woodgrove-my.sharepoint.com' }));
  assertGraphError(none, 422, 'MnATrustNoSetupForPartner', /^There is no Cross-Tenant relationship established for partner \[https:\/\/woodgrove-my.sharepoint.com\]/);
  const same = await post(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true, targetOrganizationId: CONTOSO, targetOrganizationHost: undefined }));
  assert.equal(same.status, 501, same.text);
  assert.equal(same.body.error.code, 'MnAPartnersOnTheSameFarm');
});

test('bad input: a precise 400 naming the field, nothing stored', async () => {
  const cases: [unknown, RegExp][] = [
    [{}, /required parameter parameters is missing/],
    [{ parameters: { sourceSiteUrl: 'https://contoso.sharepoint.com/sites/x' } }, /required parameter parameters\.@odata\.type is missing/],
    [{ parameters: { '@odata.type': '#microsoft.graph.sharePointFooParameters' } }, /parameters\.@odata\.type/],
    [{ parameters: { '@odata.type': '#microsoft.graph.sharePointSiteMigrationTaskParameters', sourceSiteUrl: 'https://contoso.sharepoint.com/sites/x' } }, /required parameter parameters\.targetSiteUrl is missing/],
    [{ parameters: { '@odata.type': USER_T, sourceUserIdentity: { userPrincipalName: 'not-a-upn' }, targetUserIdentity: { userPrincipalName: 'a@b.com' } } }, /parameters\.sourceUserIdentity\.userPrincipalName/],
    [{ parameters: { '@odata.type': USER_T, sourceUserIdentity: { id: 'nope' }, targetUserIdentity: { userPrincipalName: 'a@b.com' } } }, /parameters\.sourceUserIdentity\.id/],
    [{ parameters: { '@odata.type': USER_T, sourceUserIdentity: { userPrincipalName: 'a@b.com' } } }, /required parameter parameters\.targetUserIdentity is missing/],
    [{ parameters: { '@odata.type': '#microsoft.graph.sharePointSiteMigrationTaskParameters', sourceSiteUrl: 'not a url', targetSiteUrl: 'https://fabrikam.sharepoint.com/sites/x' } }, /parameters\.sourceSiteUrl/],
    [userTask(NESTOR.upn, NESTOR.targetUpn, { targetOrganizationId: 'xyz' }), /parameters\.targetOrganizationId/],
    [userTask(NESTOR.upn, NESTOR.targetUpn, { preferredStartDateTime: '2026-02-30T00:00:00Z' }), /parameters\.preferredStartDateTime/],
    [userTask(NESTOR.upn, NESTOR.targetUpn, { preferredStartDateTime: '2026-03-01T00:00:00Z', preferredLatestStartDateTime: '2026-02-01T00:00:00Z' }), /parameters\.preferredLatestStartDateTime/],
    [userTask(NESTOR.upn, NESTOR.targetUpn, { bogus: 1 }), /parameters\.bogus/],
  ];
  for (const [body, re] of cases) {
    const r = await post(body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
    assert.match(r.body.error.message, re, r.text);
    assert.ok(r.body.error.innerError);
  }
  assert.equal((await s.api('GET', `${TASKS}/$count`, { token: src })).text, '0');
});

test('permissions: Read.All / Manage.All enforced; 401 without a token', async () => {
  const reader = await s.token(FABRIKAM, READER_APP, SECRET);
  assertGraphError(await s.api('GET', TASKS, { token: reader }), 403, 'Authorization_RequestDenied', /SharePointCrossTenantMigration/);
  assertGraphError(await post(userTask(NESTOR.upn, NESTOR.targetUpn), reader), 403, 'Authorization_RequestDenied', /SharePointCrossTenantMigration.Manage.All/);
  assert.equal((await s.api('GET', TASKS, { token: null })).status, 401);
  assert.equal((await s.api('GET', `${TASKS}/00000000-0000-4000-8000-000000000000`, { token: src })).status, 404);
});

test('a OneDrive task runs to completion: target compared with source, permissions rewritten, redirect left', async () => {
  const r = await post(userTask(NESTOR.upn, NESTOR.targetUpn));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'notStarted');
  assert.match(r.body['@odata.context'], /crossOrganizationMigrationTasks\/\$entity$/);
  assert.equal(r.body.parameters.sourceUserIdentity.id, NESTOR.source);
  assert.equal(r.body.parameters.targetUserIdentity.id, NESTOR.target);
  const id = r.body.id;
  // a second move of the same source is refused while the first is queued
  const again = await post(userTask(NESTOR.upn, NESTOR.targetUpn));
  assertGraphError(again, 422, 'unprocessableEntity', /already in progress or has finished/);
  await drain();
  const done = await s.api('GET', `${TASKS}/${id}`, { token: src });
  assert.equal(done.body.status, 'completed', done.text);
  assert.ok(done.body.startedDateTime && done.body.finishedDateTime && done.body.lastUpdatedDateTime);
  assert.equal(done.body['@xtm.moveState'], 'Success');

  const tgt = await targetToken(s);
  const drive = await s.api('GET', `/beta/users/${NESTOR.target}/drive/root/children`, { token: tgt });
  assert.deepEqual(drive.body.value.map((i: any) => i.name).sort(), ['Big.bin', 'Notes.txt', 'Reports']);
  const db = s.deps.store.db;
  const site = await db.selectFrom('sites').selectAll().where('tenant_id', '=', FABRIKAM).where('owner_user_id', '=', NESTOR.target).executeTakeFirstOrThrow();
  const perms = await db.selectFrom('permissions').select(['principal_type', 'principal_id']).where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).execute();
  assert.ok(perms.some((p) => p.principal_id === MEGAN.target));
  assert.ok(perms.some((p) => p.principal_id === FALCON.target));
  assert.ok(!perms.some((p) => p.principal_id.startsWith('c1000000')), 'no source principal survives');
  const red = await db.selectFrom('sites').selectAll().where('tenant_id', '=', CONTOSO).where('owner_user_id', '=', NESTOR.source).executeTakeFirstOrThrow();
  assert.equal(red.template, 'RedirectSite#0');
  assert.equal(red.redirect_url, site.url);
  const resolved = await s.api('GET', `/xtm/admin/sharepoint/resolve?url=${encodeURIComponent(red.url)}`, { token: null });
  assert.equal(resolved.status, 200, resolved.text);
  assert.equal(resolved.body.url, site.url);
  assert.equal(resolved.body.tenantId, FABRIKAM);

  // reads: by source UPN (literal and alias), $select, list, $count
  const by = await s.api('GET', `${TASKS}/getBySourceUserPrincipalName(sourcePrincipalName='${NESTOR.upn}')`, { token: src });
  assert.equal(by.status, 200, by.text);
  assert.equal(by.body.id, id);
  const alias = await s.api('GET', `${TASKS}/getBySourceUserPrincipalName(sourcePrincipalName=@upn)?@upn='${NESTOR.upn}'&$select=id,status`, { token: src });
  assert.equal(alias.status, 200, alias.text);
  assert.deepEqual(Object.keys(alias.body).filter((k) => !k.startsWith('@')).sort(), ['id', 'status']);
  assert.match(alias.body['@odata.context'], /sharePointMigrationTask\(id,status\)$/);
  const list = await s.api('GET', `${TASKS}?$count=true&$select=id,status`, { token: src });
  assert.equal(list.body['@odata.count'], 1);
  assert.equal(list.body.value[0].id, id);
  // a finished task cannot be cancelled
  assertGraphError(await s.api('POST', `${TASKS}/${id}/cancel`, { token: src }), 409, 'conflict', /completed/);
  // the moved OneDrive cannot be moved again
  const twice = await post(userTask(NESTOR.upn, NESTOR.targetUpn, { validateOnly: true }));
  assert.equal(twice.body.error.code, 'MnASiteMoveIsInprogressOrFinished', twice.text);
});

test('a group-connected site task moves with its group mapping', async () => {
  const r = await post({ parameters: {
    '@odata.type': '#microsoft.graph.sharePointGroupMigrationTaskParameters', targetOrganizationHost: 'https://fabrikam-my.sharepoint.com',
    sourceGroupIdentity: { mailNickname: 'ProjectFalcon' }, targetGroupIdentity: { mailNickname: 'ProjectFalcon' },
  } });
  assert.equal(r.status, 200, r.text);
  await drain();
  const done = await s.api('GET', `${TASKS}/getBySourceGroupMailNickname(sourceGroupMailNickname='ProjectFalcon')`, { token: src });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 'completed', done.text);
  const db = s.deps.store.db;
  const site = await db.selectFrom('sites').selectAll().where('tenant_id', '=', FABRIKAM).where('group_id', '=', FALCON.target).executeTakeFirstOrThrow();
  assert.equal(site.url, 'https://fabrikam.sharepoint.com/sites/projectfalcon');
  assert.equal(site.kind, 'GroupSite');
  const items = await db.selectFrom('drive_items').select(['path', 'size_bytes', 'content_hash']).where('tenant_id', '=', FABRIKAM).where('site_id', '=', site.id).orderBy('path').execute();
  assert.deepEqual(items.filter((i) => i.content_hash).map((i) => i.path), ['/Design/Mockups.pptx', '/Plans/Budget.xlsx', '/Plans/Falcon launch plan.docx']);
  const red = await db.selectFrom('sites').selectAll().where('tenant_id', '=', CONTOSO).where('url_key', '=', FALCON.url.toLowerCase()).executeTakeFirstOrThrow();
  assert.equal(red.template, 'RedirectSite#0');
  assert.equal(red.redirect_url, site.url);
  const bySite = await s.api('GET', `${TASKS}/getBySourceSiteUrl(sourceSiteUrl='${FALCON.url}')`, { token: src });
  assert.equal(bySite.status, 404, 'a group task is found by its alias, not as a site task');
});

test('cancel: 204 before start, 409 once in progress; a task not started by its latest start is cancelled', async () => {
  const start = new Date(s.clock.nowMs() + 3600_000).toISOString();
  const latest = new Date(s.clock.nowMs() + 7200_000).toISOString();
  const a = await post(userTask(MEGAN.upn, MEGAN.targetUpn, { preferredStartDateTime: start }));
  assert.equal(a.status, 200, a.text);
  assert.equal(a.body['@xtm.moveState'], 'Scheduled');
  const c = await s.api('POST', `${TASKS}/${a.body.id}/microsoft.graph.cancel`, { token: src });
  assert.equal(c.status, 204, c.text);
  const got = await s.api('GET', `${TASKS}/${a.body.id}`, { token: src });
  assert.equal(got.body.status, 'cancelled');
  assert.ok(got.body.finishedDateTime);
  assert.equal((await s.api('POST', `${TASKS}/nope/cancel`, { token: src })).status, 404);

  const b = await post(userTask(MEGAN.upn, MEGAN.targetUpn, { preferredStartDateTime: start, preferredLatestStartDateTime: latest }));
  assert.equal(b.status, 200, b.text);
  await s.deps.store.db.updateTable('spo_migration_tasks').set({ status: 'inProgress', stage: 'Validation' }).where('id', '=', b.body.id).execute();
  assertGraphError(await s.api('POST', `${TASKS}/${b.body.id}/cancel`, { token: src }), 409, 'conflict', "Can't process the canceled request because the task is in progress");
  await s.deps.store.db.updateTable('spo_migration_tasks').set({ status: 'notStarted', stage: null }).where('id', '=', b.body.id).execute();
  // the clock jumps past both dates before the runner gets to it
  await s.api('POST', '/xtm/admin/clock/advance', { token: null, body: { by: 'PT3H' } });
  await drain();
  const late = await s.api('GET', `${TASKS}/${b.body.id}`, { token: src });
  assert.equal(late.body.status, 'cancelled', late.text);
  assert.equal(late.body.startedDateTime, undefined);
});

test('a regular site task: write conflict refused, then moved to targetSiteUrl and found by getBySourceSiteUrl', async () => {
  const SITE = 'https://contoso.sharepoint.com/sites/Finance';
  const made = await s.api('POST', `/xtm/admin/tenants/${CONTOSO}/sites`, { token: null, body: {
    kind: 'Site', url: SITE, title: 'Finance',
    permissions: [{ principal: 'lynne.robbins@contoso.com', role: 'owner' }, { principal: 'fault-no-spo-mapping@contoso.com', role: 'read' }],
    items: [{ path: '/Budgets', folder: true }, { path: '/Budgets/2027.xlsx', sizeBytes: 52000, createdBy: 'lynne.robbins@contoso.com' }],
  } });
  assert.equal(made.status, 201, made.text);
  const taken = await s.api('POST', `/xtm/admin/tenants/${FABRIKAM}/sites`, { token: null, body: { kind: 'Site', url: 'https://fabrikam.sharepoint.com/sites/Taken' } });
  assert.equal(taken.status, 201, taken.text);
  const site = (target: string, extra: Record<string, unknown> = {}) => ({ parameters: {
    '@odata.type': '#microsoft.graph.sharePointSiteMigrationTaskParameters', targetOrganizationHost: 'https://fabrikam-my.sharepoint.com', sourceSiteUrl: SITE, targetSiteUrl: target, ...extra,
  } });
  const conflict = await post(site('https://fabrikam.sharepoint.com/sites/Taken'));
  assertGraphError(conflict, 422, 'unprocessableEntity', /already exists on the target/, { detailCode: 'MnASiteMoveTargetUrlHasWriteConflict' });
  const long = await post(site(`https://fabrikam.sharepoint.com/sites/${'x'.repeat(380)}`, { validateOnly: true }));
  assert.equal(long.body.error?.code, 'MnATargetUrlNotValidForRename', long.text);

  const r = await post(site('https://fabrikam.sharepoint.com/sites/Finance'));
  assert.equal(r.status, 200, r.text);
  await drain();
  const got = await s.api('GET', `${TASKS}/getBySourceSiteUrl(sourceSiteUrl='${SITE}')?$select=id,status,startedDateTime`, { token: src });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.id, r.body.id);
  assert.equal(got.body.status, 'completed', got.text);
  const progress = await s.api('GET', `/xtm/admin/sharepoint/migrations/tasks/${r.body.id}`, { token: null });
  assert.equal(progress.body.moveState, 'Success');
  assert.deepEqual({ items: progress.body.move.itemsCopied, kept: progress.body.move.permissionsKept, dropped: progress.body.move.permissionsDropped }, { items: 2, kept: 1, dropped: 1 });
  const resolved = await s.api('GET', `/xtm/admin/sharepoint/resolve?url=${encodeURIComponent(SITE)}`, { token: null });
  assert.equal(resolved.body.url, 'https://fabrikam.sharepoint.com/sites/finance');
});

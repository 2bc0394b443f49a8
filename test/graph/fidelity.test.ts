// The fidelity gaps an outside audit found against Microsoft's beta docs and CSDL (issue 25), one test
// each, every one failing on the behaviour before the fix: $-less query options on beta, @odata.context
// under $select on one entity, 7-digit instants and completeAfterDateTime echoed as sent, workloads and
// resourceType echoed as sent, unknown segments as Graph's 400, a bare targetOrganizationHost, and the
// mapping $delta (per-item @odata.type, enum input in any case, unknownFutureValue refused). Gaps 5 and 6
// (a migrating job) are in fidelity.migration.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seedBasic, startServer, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, idFor, userIds } from '../jobs/util.js';
import { CONTOSO, NESTOR, spoServer, targetToken } from '../sharepoint/fixture.js';

describe('jobs', () => {
  let s: TestServer;
  const users = userIds(1);
  before(async () => {
    s = await startServer({ worker: false }, { seed: (store) => seedBasic(store, { source: [], target: Array.from({ length: 20 }, (_, i) => idFor(i + 1)) }) });
  });
  after(() => s?.stop());
  const create = async () => {
    const r = await s.api('POST', B, { body: jobBody({ resources: users(3) }) });
    assert.equal(r.status, 201, r.text);
    return r.body as { id: string; displayName: string };
  };

  it('gap 1: on beta the $ prefix is optional (top, select, count); both spellings are one option twice; v1.0 unchanged', async () => {
    for (let i = 0; i < 3; i++) await create();
    const r = await s.api('GET', `${B}?top=2&select=id,displayName&count=true`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.value.length, 2);
    assert.deepEqual(Object.keys(r.body.value[0]).sort(), ['displayName', 'id']);
    assert.equal(typeof r.body['@odata.count'], 'number');
    assert.match(r.body['@odata.context'], /crossTenantMigrationJobs\(id,displayName\)$/);
    assert.ok(r.body['@odata.nextLink']);
    const next = await s.api('GET', r.body['@odata.nextLink'].replace(s.url, ''));
    assert.equal(next.status, 200, next.text);
    assert.deepEqual(Object.keys(next.body.value[0]).sort(), ['displayName', 'id'], 'the nextLink keeps the $-less options');
    assertGraphError(await s.api('GET', `${B}?top=1&$top=2`), 400, 'BadRequest', "Query option '$top' was specified more than once.");
    const v1 = await s.api('GET', `${B.replace('/beta/', '/v1.0/')}?top=1`);
    assert.equal(v1.status, 200);
    assert.ok(v1.body.value.length > 1, 'v1.0 ignores a $-less name, as before');
  });

  it("gap 2: one job or task under $select: @odata.context is …crossTenantMigrationJobs(displayName)/$entity", async () => {
    const job = await create();
    const r = await s.api('GET', `${B}/${job.id}?$select=displayName`);
    assert.equal(r.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs(displayName)/$entity`);
    const first = (await s.api('GET', `${B}/${job.id}/users`)).body.value[0].id;
    const t = await s.api('GET', `${B}/${job.id}/users/${first}?$select=id`);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs('${job.id}')/users(id)/$entity`);
  });

  it('gap 3: instants have seven fractional digits; a 7-digit completeAfterDateTime comes back unchanged (GET, list, PATCH)', async () => {
    const SEVEN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/;
    const sent = '2027-01-15T22:00:00.1234567Z';
    const r = await s.api('POST', B, { body: jobBody({ resources: users(1), completeAfterDateTime: sent }) });
    assert.equal(r.status, 201, r.text);
    const one = await s.api('GET', `${B}/${r.body.id}`);
    const listed = (await s.api('GET', `${B}?$filter=id eq '${r.body.id}'`)).body.value[0];
    const selected = await s.api('GET', `${B}/${r.body.id}?$select=completeAfterDateTime,createdDateTime`);
    for (const j of [r.body, one.body, listed, selected.body]) {
      assert.equal(j.completeAfterDateTime, sent);
      assert.match(j.createdDateTime, SEVEN);
    }
    for (const j of [r.body, one.body, listed]) assert.match(j.lastUpdatedDateTime, SEVEN);
    assert.equal(r.body.createdDateTime, '2026-06-01T00:00:00.0000000Z', 'the test clock\'s start, as Graph writes it');
    assert.match((await s.api('GET', `${B}/${r.body.id}/users`)).body.value[0].lastUpdatedDateTime, SEVEN);
    // The instant is what the clock and $filter read: one tick past the millisecond is still after it.
    assert.equal((await s.api('GET', `${B}?$filter=completeAfterDateTime gt 2027-01-15T22:00:00.122Z and id eq '${r.body.id}'`)).body.value.length, 1);
    for (const next of ['2027-02-01T08:30:00.9999999Z', '2027-02-01T10:30:00.5+02:00']) {
      assert.equal((await s.api('PATCH', `${B}/${r.body.id}`, { body: { completeAfterDateTime: next } })).status, 204);
      assert.equal((await s.api('GET', `${B}/${r.body.id}`)).body.completeAfterDateTime, next);
    }
  });

  it('gap 7: workloads and resourceType come back as sent (any case); omitted or [] workloads come back [] and mean all four', async () => {
    const r = await s.api('POST', B, { body: jobBody({ resources: users(1), workloads: ['exchange', 'ODSP'], resourceType: 'users' }) });
    assert.equal(r.status, 201, r.text);
    const g = (await s.api('GET', `${B}/${r.body.id}`)).body;
    for (const j of [r.body, g]) assert.deepEqual([j.workloads, j.resourceType], [['exchange', 'ODSP'], 'users']);
    const body = jobBody({ resources: users(1) }) as Record<string, unknown>;
    delete body.workloads;
    const all = await s.api('POST', B, { body });
    assert.equal(all.status, 201, all.text);
    assert.deepEqual([all.body.workloads, (await s.api('GET', `${B}/${all.body.id}`)).body.workloads], [[], []]);
    const task = (await s.api('GET', `${B}/${all.body.id}/users`)).body.value[0];
    assert.deepEqual(task.currentStatus.map((c: { service: string }) => c.service), ['Exchange', 'ODSP', 'Teams', 'Meeting']);
  });

  it('gap 9: an unknown segment is 400 BadRequest "Resource not found for the segment …"', async () => {
    const job = await create();
    assertGraphError(await s.api('GET', `${B}/${job.id}/nothing`), 400, 'BadRequest', "Resource not found for the segment 'nothing'.");
    assertGraphError(await s.api('GET', '/beta/solutions/migrations/crossTenantMigrationJob'), 400, 'BadRequest', "Resource not found for the segment 'crossTenantMigrationJob'.");
  });

  it("gap 9: the users nextLink of a job addressed by display name is canonical (…crossTenantMigrationJobs('<id>')/users)", async () => {
    const job = await create();
    const r = await s.api('GET', `${B}/${encodeURIComponent(job.displayName)}/users?$top=1`);
    assert.equal(r.status, 200, r.text);
    const next = new URL(r.body['@odata.nextLink']);
    assert.equal(decodeURIComponent(next.pathname), `/beta/solutions/migrations/crossTenantMigrationJobs('${job.id}')/users`);
    const page2 = await s.api('GET', `${next.pathname}${next.search}`);
    assert.equal(page2.status, 200, page2.text);
    assert.equal(page2.body.value.length, 1);
  });
});

describe('SharePoint', () => {
  let s: TestServer;
  let tok: string;
  before(async () => {
    s = await spoServer({ worker: false });
    tok = await targetToken(s);
  });
  after(() => s?.stop());
  const U = '/beta/solutions/sharePoint/migrations/crossOrganizationUserMappings';
  const G = '/beta/solutions/sharePoint/migrations/crossOrganizationGroupMappings';
  const user = (src: string, tgt: string, userType: unknown) => ({ sourceOrganizationId: CONTOSO, userType, sourceUserIdentity: { userPrincipalName: src }, targetUserIdentity: { userPrincipalName: tgt } });

  it('gap 8: $delta items carry @odata.type; enum input in any case is the member; unknownFutureValue is refused', async () => {
    const r = await s.api('PATCH', U, { token: tok, body: { '@context': '#$delta', value: [user('d1@contoso.com', 'd1@fabrikam.com', 'RegularUser'), user('d2@contoso.com', 'd2@fabrikam.com', 'GUESTUSER')] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.value.map((v: any) => [v['@odata.type'], v.userType]), [
      ['#microsoft.graph.sharePointUserIdentityMapping', 'regularUser'], ['#microsoft.graph.sharePointUserIdentityMapping', 'guestUser'],
    ]);
    const del = await s.api('PATCH', U, { token: tok, body: { '@context': '#$delta', value: [{ '@removed': { reason: 'deleted' }, sourceUserIdentity: { userPrincipalName: 'd2@contoso.com' } }] } });
    assert.equal(del.body.value[0]['@odata.type'], '#microsoft.graph.sharePointUserIdentityMapping');
    assertGraphError(await s.api('PATCH', U, { token: tok, body: { '@context': '#$delta', value: [user('d3@contoso.com', 'd3@fabrikam.com', 'unknownFutureValue')] } }), 400, 'BadRequest', /value\[0\]\.userType/);
    const g = await s.api('PATCH', G, { token: tok, body: { '@context': '#$delta', value: [{ sourceOrganizationId: CONTOSO, groupType: 'M365GROUP', sourceGroupIdentity: { id: 'c1000000-0000-4000-8000-00000000f0aa' }, targetGroupIdentity: { id: 'f2000000-0000-4000-8000-00000000f0aa' } }] } });
    assert.equal(g.status, 200, g.text);
    assert.deepEqual([g.body.value[0]['@odata.type'], g.body.value[0].groupType], ['#microsoft.graph.sharePointGroupIdentityMapping', 'm365Group']);
  });

  it('gap 4: a bare targetOrganizationHost is the https URL of that host', async () => {
    const src = await s.token(CONTOSO, '44444444-4444-4444-8444-444444444444', 'xtm-demo-secret');
    const body = { parameters: { '@odata.type': '#microsoft.graph.sharePointUserMigrationTaskParameters', validateOnly: true, targetOrganizationHost: 'fabrikam-my.sharepoint.com', sourceUserIdentity: { userPrincipalName: NESTOR.upn }, targetUserIdentity: { userPrincipalName: NESTOR.targetUpn } } };
    const r = await s.api('POST', '/beta/solutions/sharePoint/migrations/crossOrganizationMigrationTasks', { token: src, body });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.parameters.targetOrganizationHost, 'https://fabrikam-my.sharepoint.com');
    const bad = await s.api('POST', '/beta/solutions/sharePoint/migrations/crossOrganizationMigrationTasks', { token: src, body: { parameters: { ...body.parameters, targetOrganizationHost: 'not a host' } } });
    assert.equal(bad.status, 400, bad.text);
  });
});

// Identity mappings over HTTP (graph-api-surface.md §8.5–8.6, M1–M5) and the identity-map CSV through
// the admin API: alternate keys, ids, list/$count/$select, the delta PATCH (order, deletes, ≤50, all or
// nothing, one-to-one), and a CSV round trip giving the same map back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from '../helpers.js';
import { cliCommands } from '../../src/cli/commands.js';
import { XtmClient } from '../../src/cli/api.js';
import { assertGraphError } from '../jobs/util.js';
import { CONTOSO, FABRIKAM, FALCON, spoServer, targetToken } from './fixture.js';

const U = '/beta/solutions/sharePoint/migrations/crossOrganizationUserMappings';
const G = '/beta/solutions/sharePoint/migrations/crossOrganizationGroupMappings';
let s: TestServer;
let tok: string;
before(async () => {
  s = await spoServer({ worker: false });
  tok = await targetToken(s);
});
after(() => s.stop());

const user = (src: string, tgt: string) => ({ sourceOrganizationId: CONTOSO, userType: 'regularUser', sourceUserIdentity: { userPrincipalName: src }, targetUserIdentity: { userPrincipalName: tgt }, targetUserMigrationData: { email: tgt } });
const patch = (value: unknown[], path = U) => s.api('PATCH', path, { token: tok, body: { '@context': '#$delta', value } });

test('M1/M5: get by alternate key, by id, list, $count, $select', async () => {
  const r = await s.api('GET', `${U}(sourceUserPrincipalName='nestor.wilke@contoso.com')`, { token: tok });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.id, Buffer.concat([Buffer.from([1, 0, 0, 0, 1, 0, 0, 0]), Buffer.from('nestor.wilke@contoso.com')]).toString('base64url'));
  assert.deepEqual(r.body.targetUserIdentity, { userPrincipalName: 'nestor.wilke@fabrikam.com' });
  assert.match(r.body['@odata.context'], /crossOrganizationUserMappings\/\$entity$/);
  const byId = await s.api('GET', `${U}/${r.body.id}?$select=id,userType`, { token: tok });
  assert.equal(byId.status, 200, byId.text);
  assert.deepEqual(Object.keys(byId.body).filter((k) => !k.startsWith('@')).sort(), ['id', 'userType']);
  const count = await s.api('GET', `${U}/$count`, { token: tok });
  const list = await s.api('GET', `${U}?$top=2&$count=true`, { token: tok });
  assert.equal(list.body['@odata.count'], Number(count.text));
  assert.equal(list.body.value.length, 2);
  assert.ok(list.body['@odata.nextLink']);
  const next = await s.api('GET', list.body['@odata.nextLink'].replace(s.url, ''), { token: tok });
  assert.ok(!next.body.value.some((v: any) => list.body.value.some((w: any) => w.id === v.id)));
  const g = await s.api('GET', `${G}(sourceGroupObjectId='${FALCON.source}')`, { token: tok });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.groupType, 'm365Group');
  assert.deepEqual(g.body.targetGroupIdentity, { id: FALCON.target });
  assert.equal((await s.api('GET', `${U}(sourceUserPrincipalName='nobody@contoso.com')`, { token: tok })).status, 404);
  assert.equal((await s.api('GET', `${G}(sourceGroupObjectId='not-a-guid')`, { token: tok })).status, 400);
});

test('M2: upserts and deletes in input order, deletions marked deleted', async () => {
  const r = await patch([user('new.one@contoso.com', 'new.one@fabrikam.com'), { '@removed': { reason: 'deleted' }, sourceUserIdentity: { userPrincipalName: 'megan.bowen@contoso.com' } }]);
  assert.equal(r.status, 200, r.text);
  assert.match(r.body['@odata.context'], /crossOrganizationUserMappings\/\$delta$/);
  assert.equal(r.body.value[0].sourceUserIdentity.userPrincipalName, 'new.one@contoso.com');
  assert.equal(r.body.value[0].id, 'AQAAAAEAAABuZXcub25lQGNvbnRvc28uY29t');
  assert.deepEqual(r.body.value[1].deleted, { state: 'deleted' });
  assert.equal((await s.api('GET', `${U}(sourceUserPrincipalName='megan.bowen@contoso.com')`, { token: tok })).status, 404);
  // the same map the validation and the mover read
  const row = await s.deps.store.db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', FABRIKAM).where('source_upn_key', '=', 'new.one@contoso.com').executeTakeFirst();
  assert.equal(row?.target_upn, 'new.one@fabrikam.com');
  // update in place
  const u = await patch([{ ...user('new.one@contoso.com', 'new.one@fabrikam.com'), userType: 'guestUser' }]);
  assert.equal(u.body.value[0].userType, 'guestUser');
  // M4 on groups
  const gid = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
  const g = await patch([{ sourceOrganizationId: CONTOSO, groupType: 'regularGroup', sourceGroupIdentity: { id: gid }, targetGroupIdentity: { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd' } }, { '@removed': { reason: 'deleted' }, sourceGroupIdentity: { id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee' } }], G);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.value[0].id, Buffer.concat([Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]), Buffer.from(gid)]).toString('base64url'));
  assert.deepEqual(g.body.value[1].deleted, { state: 'deleted' });
});

test('bad deltas: 400 naming the element, 409 one-to-one, nothing applied', async () => {
  const before = (await s.api('GET', `${U}/$count`, { token: tok })).text;
  const many = Array.from({ length: 51 }, (_, i) => user(`u${i}@contoso.com`, `u${i}@fabrikam.com`));
  assertGraphError(await patch(many), 400, 'invalidRequest', 'A maximum of 50 items is allowed in the value array.');
  const dup = await patch([user('a1@contoso.com', 'a1@fabrikam.com'), user('A1@contoso.com', 'a2@fabrikam.com')]);
  assertGraphError(dup, 400, 'BadRequest', /value\[1\]\.sourceUserIdentity\.userPrincipalName/);
  assertGraphError(await patch([user('a1@contoso.com', 'a1@fabrikam.com'), user('bad', 'a3@fabrikam.com')]), 400, 'BadRequest', /value\[1\]\.sourceUserIdentity\.userPrincipalName/);
  assertGraphError(await patch([{ ...user('a1@contoso.com', 'a1@fabrikam.com'), sourceOrganizationId: 'x' }]), 400, 'BadRequest', /value\[0\]\.sourceOrganizationId/);
  assertGraphError(await patch([{ ...user('a1@contoso.com', 'a1@fabrikam.com'), userType: 'boss' }]), 400, 'BadRequest', /value\[0\]\.userType/);
  assertGraphError(await patch([{ ...user('a1@contoso.com', 'a1@fabrikam.com'), extra: 1 }]), 400, 'BadRequest', /value\[0\]\.extra/);
  // one-to-one: nestor's target is already mapped from nestor; a new source for it is refused, the good element with it is not applied
  const conflict = await patch([user('a1@contoso.com', 'a1@fabrikam.com'), user('other@contoso.com', 'nestor.wilke@fabrikam.com')]);
  assertGraphError(conflict, 409, 'conflict', /value\[1\]: the target identity 'nestor.wilke@fabrikam.com' is already mapped from 'nestor.wilke@contoso.com'/);
  assert.equal((await s.api('GET', `${U}/$count`, { token: tok })).text, before);
  // but moving a target between sources inside one delta is fine (the old row is rewritten)
  const swap = await patch([user('nestor.wilke@contoso.com', 'nestor.new@fabrikam.com'), user('other@contoso.com', 'nestor.wilke@fabrikam.com')]);
  assert.equal(swap.status, 200, swap.text);
  assert.equal((await s.api('PATCH', U, { token: tok, body: { value: 'x' } })).status, 400);
});

test('permissions: the read-only job app cannot read, the migration app reads and writes', async () => {
  const reader = await s.token(FABRIKAM, '55555555-5555-4555-8555-555555555555', 'xtm-demo-secret');
  assert.equal((await s.api('GET', U, { token: reader })).status, 403);
  assert.equal((await s.api('PATCH', U, { token: reader, body: { value: [] } })).status, 403);
});

test('identity-map CSV: import replaces the map, export gives the same map back, bad rows name row and column', async () => {
  const csv = [
    `User,${CONTOSO},megan.bowen@contoso.com,megan.bowen@fabrikam.com,megan.bowen@fabrikam.com,RegularUser`,
    `User,${CONTOSO},alex.wilber@contoso.com,q@fabrikam.com,,GuestUser`,
    `Group,${CONTOSO},${FALCON.source},${FALCON.target},"Project ""Falcon"", team",O365Group`,
  ].join('\r\n') + '\r\n';
  const bad = await s.api('PUT', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null, raw: `User,${CONTOSO},a@contoso.com,b@fabrikam.com,RegularUser\nUser,${CONTOSO},a@contoso.com,c@fabrikam.com,c@fabrikam.com,RegularUser\nUser,${CONTOSO},A@contoso.com,d@fabrikam.com,d@fabrikam.com,RegularUser\n`, headers: { 'content-type': 'text/csv' } });
  assert.equal(bad.status, 400, bad.text);
  assert.match(bad.body.error.message, /row 1: expected 6 columns, found 5/);
  assert.match(bad.body.error.message, /row 3, column 3: source user 'A@contoso.com' is already mapped on row 2/);
  const enc = await fetch(`${s.url}/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { method: 'PUT', headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.admin!.key}` }, body: Buffer.from([0x55, 0x73, 0xff, 0xfe, 0x0a]) });
  assert.equal(enc.status, 400);
  assert.match(((await enc.json()) as any).error.message, /not valid UTF-8/);
  assert.ok(Number((await s.api('GET', `${U}/$count`, { token: tok })).text) > 2, 'a refused import changed nothing');

  const r = await s.api('PUT', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null, raw: csv, headers: { 'content-type': 'text/csv' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { users: 2, groups: 1 });
  assert.equal((await s.api('GET', `${U}/$count`, { token: tok })).text, '2');
  const out = await s.api('GET', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null });
  assert.match(out.headers.get('content-type')!, /^text\/csv/);
  const sorted = (t: string) => t.split(/\r?\n/).filter(Boolean).sort();
  assert.deepEqual(sorted(out.text), sorted(csv));
  // and back in: the same map
  const again = await s.api('PUT', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null, body: { csv: out.text } });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(sorted((await s.api('GET', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null })).text), sorted(csv));
  const g = await s.api('GET', `${G}(sourceGroupObjectId='${FALCON.source}')`, { token: tok });
  assert.equal(g.body.targetGroupMigrationData.mailNickname, 'Project "Falcon", team');
  // xtm identity-map export | import: the same map through the CLI
  const file = join(s.dir, 'map.csv');
  assert.equal(await cliCommands.identityMapExport(new XtmClient({ url: s.url, dataDir: s.dir }), 'fabrikam.onmicrosoft.com', file), 0);
  assert.deepEqual(sorted(readFileSync(file, 'utf8')), sorted(csv));
  assert.equal(await cliCommands.identityMapImport(new XtmClient({ url: s.url, dataDir: s.dir }), 'fabrikam.onmicrosoft.com', file), 0);
  assert.deepEqual(sorted((await s.api('GET', `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`, { token: null })).text), sorted(csv));
});

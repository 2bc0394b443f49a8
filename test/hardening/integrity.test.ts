// Issue 16 items 2, 11 and 13: every admin write goes through the tenant invariants whatever the path,
// the loader and the admin API refuse the same things, and an all-cancelled batch can't pass validation.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { T, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, userIds } from '../jobs/util.js';
import { startWorld, SRC, TGT, WORLD_YAML } from '../graph/fixtures.js';
import { startServer } from '../helpers.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { Clock } from '../../src/clock.js';

let s: TestServer;
before(async () => {
  s = await startWorld({ worker: false });
});
after(() => s.stop());
const admin = (method: string, path: string, body?: unknown) => s.api(method, `/xtm/admin${path}`, { body });

describe('admin writes keep the tenant invariants (item 2)', () => {
  it('PUT through another tenant path cannot replace Contoso and drop its domain', async () => {
    const res = await admin('PUT', '/tenants/zzz.onmicrosoft.com', { id: T.source, displayName: 'x', initialDomain: 'x.onmicrosoft.com' });
    assertGraphError(res, 400, 'BadRequest', new RegExp(`domain '${SRC}' would be removed but is still used by user`));
    const contoso = await admin('GET', `/tenants/${T.source}`);
    assert.equal(contoso.body.displayName, 'Contoso');
    assert.ok(contoso.body.domains.some((d: any) => d.name === SRC));
  });

  it('POST /changes replacing Fabrikam\'s tenant record cannot drop its domains either', async () => {
    const res = await admin('POST', '/changes', { changes: [{ tenantId: T.target, tenant: { id: T.target, displayName: 'Fabrikam', initialDomain: 'other.onmicrosoft.com' } }] });
    assertGraphError(res, 400, 'BadRequest', new RegExp(`domain '${TGT}' would be removed but is still used by user`));
    assert.ok((await admin('GET', `/tenants/${T.target}`)).body.domains.some((d: any) => d.name === TGT));
  });

  it('a replace that keeps every used domain still works', async () => {
    const t = (await admin('GET', `/tenants/${T.target}`)).body;
    const res = await admin('PUT', `/tenants/${T.target}`, { id: T.target, displayName: 'Fabrikam Renamed', initialDomain: t.initialDomain });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.displayName, 'Fabrikam Renamed');
  });
});

describe('one set of invariants for loader and admin API (item 13)', () => {
  it('the loader refuses a migration endpoint at an unknown tenant, with the admin API\'s AADSTS90002', async () => {
    const yaml = WORLD_YAML.replace(`    displayName: Fabrikam\n`, `    displayName: Fabrikam\n    migrationEndpoints:\n      - { name: Nowhere, remoteTenant: nowhere.onmicrosoft.com, applicationId: ${T.app} }\n`);
    assert.notEqual(yaml, WORLD_YAML);
    const fresh = await startServer({ worker: false }, { seed: async () => {} });
    try {
      await assert.rejects(loadScenario(fresh.deps.store, new Clock({ mode: 'manual' }), { text: yaml, name: 'w.yaml' }), (e: unknown) => {
        assert.ok(e instanceof ScenarioError);
        assert.match(e.message, /remoteTenant: AADSTS90002: Tenant 'nowhere\.onmicrosoft\.com' not found/);
        return true;
      });
    } finally {
      await fresh.stop();
    }
    const api = await admin('POST', `/tenants/${T.target}/migrationEndpoints`, { name: 'Nowhere', remoteTenant: 'nowhere.onmicrosoft.com', applicationId: T.app });
    assertGraphError(api, 400, 'BadRequest', /AADSTS90002: Tenant 'nowhere\.onmicrosoft\.com' not found/);
  });
});

describe('an empty batch (item 11)', () => {
  it('a job whose every user was cancelled cannot be validated (409), so it never becomes validatePassed', async () => {
    const j = await startServer({ worker: false });
    try {
      const users = userIds(0x16200)(2);
      const job = (await j.api('POST', B, { body: jobBody({ resources: users }) })).body;
      for (const u of users) assert.equal((await j.api('POST', `${B}/${job.id}/users/${u}/cancel`)).status, 202);
      await j.api('POST', '/xtm/admin/work/drain');
      assertGraphError(await j.api('POST', `${B}/${job.id}/validate`), 409, 'Conflict', /no users: every user was cancelled/);
      assert.equal((await j.api('GET', `${B}/${job.id}`)).body.status, 'submitted');
    } finally {
      await j.stop();
    }
  });
});

describe('deleted jobs (item 16)', () => {
  it('a deleted job stays as a tombstone: GET, the list and $count agree', async () => {
    const j = await startServer({ worker: false });
    try {
      const job = (await j.api('POST', B, { body: jobBody({ resources: userIds(0x16300)(1) }) })).body;
      assert.equal((await j.api('POST', `${B}/${job.id}/cancel`)).status, 202);
      await j.api('POST', '/xtm/admin/work/drain');
      assert.equal((await j.api('DELETE', `${B}/${job.id}`)).status, 202);
      await j.api('POST', '/xtm/admin/work/drain');
      const one = (await j.api('GET', `${B}/${job.id}`)).body;
      assert.equal(one.status, 'deleted');
      const list = (await j.api('GET', `${B}?$count=true`)).body;
      const listed = list.value.filter((x: any) => x.id === job.id);
      assert.equal(listed.length, 1);
      assert.equal(listed[0].status, 'deleted');
      assert.equal(list['@odata.count'], list.value.length);
      assert.equal(Number((await j.api('GET', `${B}/$count`)).text), list.value.length);
      assert.equal(Number((await j.api('GET', `${B}/$count?$filter=${encodeURIComponent("status ne 'deleted'")}`)).text), list.value.length - 1);
    } finally {
      await j.stop();
    }
  });
});

// Issue 24: rehearsals you can reset. POST /xtm/admin/reset puts the store back to the scenario as
// loaded; snapshots save and restore the whole store while the server runs, and the restored server
// serves the same job list byte for byte; a cancelled job leaves no timer that blocks a clock reset.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, T, type TestServer } from '../helpers.js';

const DEMO = join(import.meta.dirname, '..', '..', 'scenarios', 'demo.yaml');
const JOBS = '/beta/solutions/migrations/crossTenantMigrationJobs';
const body = (name: string, resources = ['f2000000-0000-4000-8000-000000000001', 'f2000000-0000-4000-8000-000000000002']) => ({
  displayName: name, completeAfterDateTime: '2027-01-15T22:00:00Z', sourceTenantId: '11111111-1111-4111-8111-111111111111',
  exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
  resourceType: 'Users', resources, workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'],
});

describe('reset and snapshots', () => {
  let s: TestServer;
  before(async () => {
    // The demo, loaded by the server on its first start (so reset knows the scenario), real rules.
    s = await startServer({ scenario: DEMO }, { seed: async () => {}, validate: 'rules' });
  });
  after(() => s.stop());
  // Graph calls as the demo's migration app (the demo's secret); admin calls with the admin key.
  const g = async (method: string, path: string, o: { body?: unknown } = {}) => s.api(method, path, { ...o, token: await s.token(T.target, T.app, 'xtm-demo-secret') });
  const status = async (name: string) => (await g('GET', `${JOBS}/${encodeURIComponent(name)}`)).body.status as string;
  const until = async (name: string, want: string) => {
    for (let i = 0; i < 50 && (await status(name)) !== want; i++) await s.queue.drain();
    assert.equal(await status(name), want);
  };

  it('a cancelled migrating job leaves no timer: the clock reset that answered 409 succeeds', async () => {
    assert.equal((await g('POST', JOBS, { body: body('Cancelled') })).status, 201);
    await g('POST', `${JOBS}/Cancelled/validate`);
    await until('Cancelled', 'validatePassed');
    await g('POST', `${JOBS}/Cancelled/migrate`);
    await until('Cancelled', 'inProgress');
    assert.ok((await g('POST', `${JOBS}/Cancelled/cancel`)).status < 300);
    await until('Cancelled', 'cancelled');
    const reset = await s.api('POST', '/xtm/admin/clock/reset', { body: {} });
    assert.equal(reset.status, 200, reset.text);
  });

  it('a snapshot restored while the server runs serves the same job list byte for byte', async () => {
    assert.equal((await g('POST', JOBS, { body: body('Kept', ['f2000000-0000-4000-8000-000000000003']) })).status, 201);
    const before = (await g('GET', JOBS)).text;
    const saved = await s.api('POST', '/xtm/admin/snapshots', { body: { name: 'before-wave-2' } });
    assert.equal(saved.status, 201, saved.text);
    assert.equal((await g('POST', JOBS, { body: body('Wave 2', ['f2000000-0000-4000-8000-000000000004']) })).status, 201);
    await g('POST', `${JOBS}/Kept/validate`);
    assert.notEqual((await g('GET', JOBS)).text, before);
    const restored = await s.api('POST', '/xtm/admin/snapshots/before-wave-2/restore');
    assert.equal(restored.status, 200, restored.text);
    assert.equal((await g('GET', JOBS)).text, before);
    assert.deepEqual((await s.api('GET', '/xtm/admin/snapshots')).body.value.map((x: { name: string }) => x.name), ['before-wave-2']);
  });

  it('bad names are 400s, a missing snapshot a 404', async () => {
    assert.equal((await s.api('POST', '/xtm/admin/snapshots', { body: { name: '../x' } })).status, 400);
    assert.equal((await s.api('POST', '/xtm/admin/snapshots/nope/restore')).status, 404);
    assert.equal((await s.api('DELETE', '/xtm/admin/snapshots/nope')).status, 404);
  });

  it('reset: the scenario as loaded, no jobs, the clock at real time', async () => {
    s.clock.advance(400 * 86_400_000);
    const r = await s.api('POST', '/xtm/admin/reset');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scenario, 'demo');
    assert.ok(Math.abs(Date.parse(r.body.clock.now) - Date.now()) < 60_000);
    assert.deepEqual((await g('GET', JOBS)).body.value, []);
    // The tenants are back (a token still works) and so is Megan's mailbox in Contoso.
    const megan = await s.api('GET', '/xtm/admin/tenants/contoso.onmicrosoft.com/users/megan.bowen@contoso.com');
    assert.equal(megan.status, 200, megan.text);
  });
});

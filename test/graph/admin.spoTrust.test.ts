// Verify-SPOCrossTenantRelationship: the pure state function, then the admin API across the 7-day dormancy
// with the test clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { T, startServer, type TestServer } from '../helpers.js';
import { SPO_TRUST_DORMANCY_MS, verifySpoTrust, type SpoTrustSide } from '../../src/domain/spoTrust.js';

const DAY = 24 * 3600 * 1000;
const SRC_HOST = 'https://contoso-my.sharepoint.com';
const TGT_HOST = 'https://fabrikam-my.sharepoint.com';

describe('verifySpoTrust (pure)', () => {
  const t0 = Date.parse('2026-06-01T00:00:00Z');
  const rel = (partnerHostUrl: string, partnerRole: string, at: number) => ({ partnerHostUrl, scenario: 'MnA', partnerRole, createdDateTime: new Date(at).toISOString() });
  const src = (rels: ReturnType<typeof rel>[]): SpoTrustSide => ({ mySiteHost: SRC_HOST, relationships: rels });
  const tgt = (rels: ReturnType<typeof rel>[]): SpoTrustSide => ({ mySiteHost: TGT_HOST, relationships: rels });
  const q = { scenario: 'MnA', partnerRole: 'Target' as const, partnerHostUrl: `${TGT_HOST}/` };

  test('each state', () => {
    assert.equal(verifySpoTrust(src([]), tgt([]), q, t0).state, 'NotEstablished');
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Source', t0)]), tgt([]), q, t0).state, 'NotEstablished', 'wrong role locally');
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), null, q, t0).state, 'CouldNotContactPartner');
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), tgt([]), q, t0).state, 'NotEstablishedByPartner');
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), tgt([rel(SRC_HOST, 'Target', t0)]), q, t0).state, 'NotEstablishedByPartner', 'partner gave the wrong role');
    const dormant = verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), tgt([rel(SRC_HOST.toUpperCase(), 'Source', t0)]), q, t0 + 6 * DAY);
    assert.deepEqual(dormant, { state: 'DormantByPartner', readyDateTime: new Date(t0 + SPO_TRUST_DORMANCY_MS).toISOString() });
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), tgt([rel(SRC_HOST, 'Source', t0)]), q, t0 + 7 * DAY - 1).state, 'DormantByPartner');
    assert.equal(verifySpoTrust(src([rel(TGT_HOST, 'Target', t0)]), tgt([rel(SRC_HOST, 'Source', t0)]), q, t0 + 7 * DAY).state, 'GoodToProceed');
  });
});

describe('Set- / Verify- / Remove-SPOCrossTenantRelationship over the admin API', () => {
  let s: TestServer;
  const admin = (method: string, path: string, body?: unknown) => s.api(method, `/xtm/admin${path}`, { body, token: null });
  const verify = async (tenant: string, role: string, host: string) => {
    const r = await admin('GET', `/tenants/${tenant}/spoRelationships/verify?scenario=MnA&partnerRole=${role}&partnerCrossTenantHostUrl=${encodeURIComponent(host)}`);
    assert.equal(r.status, 200, r.text);
    return r.body;
  };
  const fromSource = () => verify(T.source, 'Target', TGT_HOST);
  const fromTarget = () => verify(T.target, 'Source', SRC_HOST);

  before(async () => {
    s = await startServer();
  });
  after(() => s.stop());

  test('trust states follow the clock through the seven-day dormancy', async () => {
    assert.equal((await admin('GET', `/tenants/${T.source}/spoHostUrl`)).body.value, SRC_HOST);
    assert.equal((await fromSource()).state, 'NotEstablished');
    const t0 = s.clock.nowMs();
    const set = await admin('PUT', `/tenants/${T.source}/spoRelationships`, { partnerHostUrl: TGT_HOST, partnerRole: 'Target' });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.createdDateTime, new Date(t0).toISOString());
    assert.equal((await fromSource()).state, 'NotEstablishedByPartner');
    assert.equal((await fromTarget()).state, 'NotEstablished');

    s.clock.advance(DAY);
    assert.equal((await admin('PUT', `/tenants/${T.target}/spoRelationships`, { partnerHostUrl: `${SRC_HOST}/`, partnerRole: 'Source' })).status, 200);
    const src = await fromSource();
    assert.deepEqual([src.state, src.readyDateTime], ['DormantByPartner', new Date(t0 + 8 * DAY).toISOString()]);
    assert.equal((await fromTarget()).state, 'DormantByPartner');

    s.clock.advance(6 * DAY); // t0 + 7 days: the source's trust is old enough, the target's is not
    assert.equal((await fromTarget()).state, 'GoodToProceed');
    assert.equal((await fromSource()).state, 'DormantByPartner');
    // Running Set-SPOCrossTenantRelationship again does not restart the waiting period.
    await admin('PUT', `/tenants/${T.target}/spoRelationships`, { partnerHostUrl: SRC_HOST, partnerRole: 'Source' });
    s.clock.advance(DAY);
    assert.equal((await fromSource()).state, 'GoodToProceed');
    assert.equal((await fromTarget()).state, 'GoodToProceed');

    const list = await admin('GET', `/tenants/${T.target}/spoRelationships`);
    assert.deepEqual(list.body.value.map((r: any) => [r.partnerHostUrl, r.partnerRole]), [[SRC_HOST, 'Source']]);
    const rm = await admin('DELETE', `/tenants/${T.target}/spoRelationships?partnerHostUrl=${encodeURIComponent(SRC_HOST)}&partnerRole=Source`);
    assert.equal(rm.status, 204);
    assert.equal((await fromSource()).state, 'NotEstablishedByPartner');
    assert.equal((await fromTarget()).state, 'NotEstablished');
  });

  test('refusals: own host, bad role, missing host, unknown partner host', async () => {
    const own = await admin('PUT', `/tenants/${T.source}/spoRelationships`, { partnerHostUrl: SRC_HOST, partnerRole: 'Target' });
    assert.equal(own.status, 400);
    assert.equal(own.body.error.target, 'partnerHostUrl');
    const role = await admin('PUT', `/tenants/${T.source}/spoRelationships`, { partnerHostUrl: TGT_HOST, partnerRole: 'Owner' });
    assert.equal(role.body.error.target, 'partnerRole');
    assert.equal((await admin('GET', `/tenants/${T.source}/spoRelationships/verify?partnerRole=Target`)).status, 400);
    await admin('PUT', `/tenants/${T.source}/spoRelationships`, { partnerHostUrl: 'https://nowhere-my.sharepoint.com', partnerRole: 'Target' });
    assert.equal((await verify(T.source, 'Target', 'https://nowhere-my.sharepoint.com')).state, 'CouldNotContactPartner');
    assert.equal((await admin('DELETE', `/tenants/${T.source}/spoRelationships?partnerHostUrl=${encodeURIComponent('https://other-my.sharepoint.com')}`)).status, 404);
  });
});

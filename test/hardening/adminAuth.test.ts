// Issue 16 items 4 and 5: the admin plane needs the admin key; tokens are checked against the
// tenant's authority on this server, need exp and a known tid, and expire by an injectable wall clock.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SignJWT } from 'jose';
import { startServer, T, type TestServer } from '../helpers.js';
import { assertGraphError, B } from '../jobs/util.js';
import { createServer } from '../../src/server.js';
import { loadOrCreateSigningKey } from '../../src/graph/auth/keys.js';

let s: TestServer;
let wallOffset = 0;
before(async () => {
  s = await startServer({ worker: false }, { wallClock: () => Date.now() + wallOffset });
});
after(() => s.stop());

const noKey = (method: string, path: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}${path}`, { method, headers }).then(async (r) => ({ status: r.status, headers: r.headers, text: '', body: await r.json() as any }));

describe('admin plane (item 4)', () => {
  it('the key is generated at first start with mode 0600; the store file is 0600 too', () => {
    assert.ok(s.admin?.key.startsWith('xtm-admin-'));
    assert.equal(statSync(join(s.dir, 'admin.key')).mode & 0o777, 0o600);
    // The SQLite file holds the signing key (under test:postgres the store is a database, not a file).
    if (s.deps.store.dialect === 'sqlite') assert.equal(statSync(join(s.dir, 'xtm.db')).mode & 0o777, 0o600);
  });

  it('without the key every admin route answers 401 in the Graph envelope (whatever the URL spelling)', async () => {
    for (const [m, p] of [['GET', '/xtm/admin/clock'], ['POST', '/xtm/admin/clock/advance'], ['GET', '/XTM/Admin/clock'], ['GET', '//xtm//admin/clock'], ['GET', `/xtm/admin/tenants`], ['POST', `/xtm/admin/tenants/${T.target}/applications`], ['POST', '/xtm/admin/work/drain']] as const) {
      const res = await noKey(m, p);
      assertGraphError(res, 401, 'Unauthorized', /needs the admin key/);
      assert.match(String(res.headers.get('www-authenticate')), /Bearer/);
    }
    assertGraphError(await noKey('GET', '/xtm/admin/clock', { authorization: 'Bearer wrong' }), 401, 'Unauthorized', /not valid/);
    // a Graph token is not an admin key
    assertGraphError(await noKey('GET', '/xtm/admin/clock', { authorization: `Bearer ${await s.token()}` }), 401, 'Unauthorized', /not valid/);
    const ok = await noKey('GET', '/xtm/admin/clock', { authorization: `Bearer ${s.admin!.key}` });
    assert.equal(ok.status, 200);
  });

  it('a refused admin call changes nothing', async () => {
    const before = s.clock.iso();
    const res = await fetch(`${s.url}/xtm/admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"by":"P1D"}' });
    assert.equal(res.status, 401);
    assert.equal(s.clock.iso(), before);
  });

  it('opting out works on loopback only; a non-loopback bind without the key is refused; bound addresses are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xtm-admin-'));
    try {
      const base = { db: join(dir, 'xtm.db'), dataDir: dir, port: 0, httpsPort: null, scenario: null, worker: false, logLevel: 'silent' };
      await assert.rejects(createServer({ ...base, host: '0.0.0.0', adminAuth: false }, { log: pino({ level: 'silent' }) }), /refusing to serve the admin API without its key on 0\.0\.0\.0/);
      const open = await createServer({ ...base, host: '127.0.0.1', adminAuth: false }, { log: pino({ level: 'silent' }) });
      const { http, bound } = await open.listen();
      assert.equal(open.admin, undefined);
      assert.equal((await fetch(`${http}/xtm/admin/clock`)).status, 200);
      assert.deepEqual(bound, [http]);
      await open.close();
      const wide = await createServer({ ...base, host: '0.0.0.0' }, { log: pino({ level: 'silent' }) });
      const w = await wide.listen();
      assert.ok(w.bound.some((u) => /^http:\/\/0\.0\.0\.0:\d+$/.test(u)), JSON.stringify(w.bound));
      await wide.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tokens (item 5)', () => {
  const sign = async (claims: Record<string, unknown>, o: { exp?: boolean; iss?: string } = {}) => {
    const key = await loadOrCreateSigningKey(s.deps.store, new Date().toISOString());
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT({ ver: '1.0', idtyp: 'app', appid: T.app, roles: ['CrossTenantContentMigration.ReadWrite.All'], ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid }).setAudience('https://graph.microsoft.com').setIssuedAt(now).setNotBefore(now - 5);
    if (o.iss !== '') jwt = jwt.setIssuer(o.iss ?? `${s.url}/${String(claims.tid)}/v2.0`);
    if (o.exp !== false) jwt = jwt.setExpirationTime(now + 600);
    return jwt.sign(key.privateKey);
  };

  it('a well-formed token of this authority works (control)', async () => {
    assert.equal((await s.api('GET', B, { token: await sign({ tid: T.target }) })).status, 200);
  });

  it('an unknown tid → 401, not 200 with an empty list', async () => {
    assertGraphError(await s.api('GET', B, { token: await sign({ tid: 'abababab-abab-4bab-8bab-abababababab' }) }), 401, 'InvalidAuthenticationToken', /tenant .* does not exist/);
  });

  it('no exp → 401', async () => {
    assertGraphError(await s.api('GET', B, { token: await sign({ tid: T.target }, { exp: false }) }), 401, 'InvalidAuthenticationToken', /missing an Expiration Time/);
  });

  it("an issuer that is not the tenant's authority on this server → 401", async () => {
    for (const iss of ['https://login.microsoftonline.com/' + T.target + '/v2.0', `${s.url}/${T.source}/v2.0`, 'http://evil.example:8787/' + T.target + '/v2.0', '']) {
      assertGraphError(await s.api('GET', B, { token: await sign({ tid: T.target }, { iss }) }), 401, 'InvalidAuthenticationToken', /Issuer validation failed|claim 'iss'/);
    }
    const minted = await s.authority.appToken(T.target, T.app, 'http://evil.example:1234');
    assertGraphError(await s.api('GET', B, { token: minted }), 401, 'InvalidAuthenticationToken', /Issuer validation failed/);
    // the same server reached as localhost is the same authority
    const local = await s.authority.appToken(T.target, T.app, s.url.replace('127.0.0.1', 'localhost'));
    assert.equal((await s.api('GET', B, { token: local })).status, 200);
  });

  it('expiry follows the (injected) wall clock: no test waits for it', async () => {
    const t = await s.authority.appToken(T.target, T.app, s.url);
    assert.equal((await s.api('GET', B, { token: t })).status, 200);
    wallOffset += 3600_000;
    try {
      assertGraphError(await s.api('GET', B, { token: t }), 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    } finally {
      wallOffset = 0;
    }
  });
});

// The local identity platform (token endpoint, discovery, JWKS) and how Graph routes authenticate and
// authorize: token failures, app roles, delegated users with directory roles, and tenant isolation.
import { after, before, describe, it } from 'node:test';
import { hashSecret } from '../../src/tenants/secrets.js';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, type JWK } from 'jose';
import { startServer, T, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, userIds } from '../jobs/util.js';

let s: TestServer;
let short: TestServer; // tokenLifetimeSec 1, and a wall clock only the tests move (tokens follow wall time)
// Frozen, not Date.now() + offset: a token issued at x.9 s of a 1-second lifetime expired before its first use
// on a loaded CI machine (the expiry test's "used before expiry" answered 401).
const wallStart = Date.now();
let wallOffset = 0;
const users = userIds(1);
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

before(async () => {
  s = await startServer({ worker: false });
  short = await startServer({ worker: false, tokenLifetimeSec: 1 }, { wallClock: () => wallStart + wallOffset });
});
after(async () => {
  await s?.stop();
  await short?.stop();
});

async function tokenRequest(server: TestServer, tenant: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as any, headers: res.headers };
}
const cc = (over: Record<string, string> = {}) => ({ grant_type: 'client_credentials', client_id: T.app, client_secret: T.secret, scope: GRAPH_SCOPE, ...over });

function assertAadError(res: { status: number; body: any }, status: number, error: string, aadsts: number) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error, error);
  assert.match(res.body.error_description, new RegExp(`^AADSTS${aadsts}: `));
  assert.deepEqual(res.body.error_codes, [aadsts]);
  assert.match(res.body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  assert.ok(res.body.trace_id && res.body.correlation_id);
}

describe('token endpoint and discovery', () => {
  it('client_credentials success: {token_type, expires_in, ext_expires_in, access_token}', async () => {
    const res = await tokenRequest(s, T.target, cc());
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3599);
    assert.equal(res.body.ext_expires_in, 3599);
    assert.match(res.body.access_token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(String(res.headers.get('cache-control')), /no-store/);
  });

  it('the JWT is RS256 with a kid published in /{tenant}/discovery/v2.0/keys and verifies against it', async () => {
    const { body } = await tokenRequest(s, T.target, cc());
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.alg, 'RS256');
    assert.equal(header.typ, 'JWT');
    assert.ok(header.kid);
    const jwks = await (await fetch(`${s.url}/${T.target}/discovery/v2.0/keys`)).json() as { keys: JWK[] };
    const key = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(key, 'kid is in the JWKS');
    assert.equal(key.kty, 'RSA');
    assert.equal(key.d, undefined, 'no private material in the JWKS');
    const { payload } = await jwtVerify(body.access_token, await importJWK(key, 'RS256'));
    assert.equal(payload.aud, 'https://graph.microsoft.com');
  });

  it('claims: tid, appid, roles, iss matching the discovery issuer', async () => {
    const { body } = await tokenRequest(s, T.target, cc());
    const c = decodeJwt(body.access_token) as Record<string, unknown>;
    assert.equal(c.tid, T.target);
    assert.equal(c.appid, T.app);
    assert.deepEqual(c.roles, ['CrossTenantContentMigration.ReadWrite.All', 'User.Read.All']);
    assert.equal(c.idtyp, 'app');
    assert.equal(c.iss, `${s.url}/${T.target}/v2.0`);
    assert.equal((c.exp as number) - (c.iat as number), 3599);
    const ro = decodeJwt((await tokenRequest(s, T.target, cc({ client_id: T.readApp }))).body.access_token);
    assert.deepEqual(ro.roles, ['CrossTenantContentMigration.Read.All']);
  });

  it('openid-configuration: issuer and endpoints on the request origin, by tenant id and by domain', async () => {
    for (const ref of [T.target, 'fabrikam.onmicrosoft.com', 'FABRIKAM.onmicrosoft.com']) {
      const res = await fetch(`${s.url}/${ref}/v2.0/.well-known/openid-configuration`);
      assert.equal(res.status, 200, ref);
      const c = (await res.json()) as Record<string, string>;
      assert.equal(c.issuer, `${s.url}/${T.target}/v2.0`);
      assert.equal(c.authorization_endpoint, `${s.url}/${T.target}/oauth2/v2.0/authorize`);
      assert.equal(c.token_endpoint, `${s.url}/${T.target}/oauth2/v2.0/token`);
      assert.equal(c.jwks_uri, `${s.url}/${T.target}/discovery/v2.0/keys`);
    }
    const bad = await fetch(`${s.url}/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'invalid_tenant');
  });

  it('tokens can be requested by tenant domain too', async () => {
    const res = await tokenRequest(s, 'fabrikam.onmicrosoft.com', cc());
    assert.equal(res.status, 200);
    assert.equal(decodeJwt(res.body.access_token).tid, T.target);
  });

  it('client_secret_basic (Authorization: Basic) works', async () => {
    const basic = Buffer.from(`${T.app}:${T.secret}`).toString('base64');
    const res = await tokenRequest(s, T.target, { grant_type: 'client_credentials', scope: GRAPH_SCOPE }, { authorization: `Basic ${basic}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });

  it('wrong secret → 401 invalid_client AADSTS7000215', async () => {
    assertAadError(await tokenRequest(s, T.target, cc({ client_secret: 'nope' })), 401, 'invalid_client', 7000215);
  });

  it('AAD errors: trace_id is the request-id; correlation_id is the client-request-id sent', async () => {
    const res = await tokenRequest(s, T.target, cc({ client_secret: 'nope' }), { 'client-request-id': 'corr-123' });
    assert.equal(res.body.trace_id, res.headers.get('request-id'));
    assert.equal(res.body.correlation_id, 'corr-123');
    assert.equal(res.headers.get('client-request-id'), 'corr-123');
    assert.match(res.body.error_description, / Trace ID: [0-9a-f-]{36} Correlation ID: corr-123 Timestamp: /);
  });

  it('no secret → 401 invalid_client AADSTS7000218', async () => {
    const f = cc();
    delete (f as Record<string, string>).client_secret;
    assertAadError(await tokenRequest(s, T.target, f), 401, 'invalid_client', 7000218);
  });

  it('unknown tenant → 400 AADSTS90002', async () => {
    assertAadError(await tokenRequest(s, '12121212-1212-4212-8212-121212121212', cc()), 400, 'invalid_tenant', 90002);
    assertAadError(await tokenRequest(s, 'nowhere.onmicrosoft.com', cc()), 400, 'invalid_tenant', 90002);
  });

  it('app not consented in that tenant → 400 AADSTS700016', async () => {
    assertAadError(await tokenRequest(s, T.target, cc({ client_id: T.otherApp })), 400, 'unauthorized_client', 700016);
    assertAadError(await tokenRequest(s, T.source, cc({ client_id: T.readApp })), 400, 'unauthorized_client', 700016);
    assertAadError(await tokenRequest(s, T.target, cc({ client_id: '44444444-4444-4444-8444-444444444444' })), 400, 'unauthorized_client', 700016);
  });

  it('wrong scope → 400 invalid_scope', async () => {
    for (const scope of ['User.Read', 'https://graph.microsoft.com/User.Read', '', 'https://outlook.office.com/.default']) {
      assertAadError(await tokenRequest(s, T.target, cc({ scope })), 400, 'invalid_scope', 1002012);
    }
  });

  it('unsupported or missing grant_type → 400', async () => {
    assertAadError(await tokenRequest(s, T.target, cc({ grant_type: 'authorization_code' })), 400, 'unsupported_grant_type', 70003);
    const f = cc();
    delete (f as Record<string, string>).grant_type;
    assertAadError(await tokenRequest(s, T.target, f), 400, 'invalid_request', 900144);
  });

  it('a JSON token request → 400 invalid_request', async () => {
    const res = await fetch(`${s.url}/${T.target}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cc()) });
    assertAadError({ status: res.status, body: await res.json() }, 400, 'invalid_request', 900144);
  });
});

describe('Graph calls: token failures → 401 InvalidAuthenticationToken', () => {
  const BAD_SIG = 'IDX14100: JWT is not well formed, or its signature is invalid.';

  it('no Authorization header', async () => {
    assertGraphError(await s.api('GET', B, { token: null }), 401, 'InvalidAuthenticationToken', 'Access token is empty.');
    assertGraphError(await s.api('POST', B, { token: null, body: jobBody() }), 401, 'InvalidAuthenticationToken', 'Access token is empty.');
  });

  it('malformed Authorization header', async () => {
    const token = await s.token();
    for (const h of [`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', `Bearer ${token} extra`, token]) {
      assertGraphError(await s.api('GET', B, { token: null, headers: { authorization: h } }), 401, 'InvalidAuthenticationToken', 'Authorization header must be of the form: Bearer <token>.');
    }
    for (const t of ['not-a-jwt', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30']) {
      assertGraphError(await s.api('GET', B, { token: t }), 401, 'InvalidAuthenticationToken', BAD_SIG);
    }
  });

  it('forged token signed with another RS256 key (even with the server kid) → 401', async () => {
    const real = decodeProtectedHeader(await s.token());
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ tid: T.target, appid: T.app, idtyp: 'app', roles: ['CrossTenantContentMigration.ReadWrite.All'] })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: real.kid! })
      .setIssuer(`${s.url}/${T.target}/v2.0`).setAudience('https://graph.microsoft.com').setIssuedAt().setExpirationTime('1h')
      .sign(privateKey);
    assertGraphError(await s.api('GET', B, { token: forged }), 401, 'InvalidAuthenticationToken', BAD_SIG);
  });

  it('alg none → 401', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = { aud: 'https://graph.microsoft.com', tid: T.target, appid: T.app, idtyp: 'app', roles: ['CrossTenantContentMigration.ReadWrite.All'], iat: now, exp: now + 3600 };
    for (const tok of [`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, `${b64({ alg: 'none' })}.${b64(payload)}.x`]) {
      assertGraphError(await s.api('GET', B, { token: tok }), 401, 'InvalidAuthenticationToken', BAD_SIG);
    }
  });

  it('tampered payload (valid signature of another payload) → 401', async () => {
    const ro = await s.token(T.target, T.readApp);
    const [h, p, sig] = ro.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.roles = ['CrossTenantContentMigration.ReadWrite.All'];
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    assertGraphError(await s.api('POST', B, { token: tampered, body: jobBody({ resources: users(1) }) }), 401, 'InvalidAuthenticationToken', BAD_SIG);
    const otherTenant = JSON.parse(Buffer.from(p!, 'base64url').toString());
    otherTenant.tid = T.other;
    assertGraphError(await s.api('GET', B, { token: `${h}.${Buffer.from(JSON.stringify(otherTenant)).toString('base64url')}.${sig}` }), 401, 'InvalidAuthenticationToken', BAD_SIG);
  });

  it("a token from another xtm instance (another key) → 401", async () => {
    assertGraphError(await s.api('GET', B, { token: await short.token() }), 401, 'InvalidAuthenticationToken', BAD_SIG);
  });

  it('expired token → 401 (used before expiry, and never used)', async () => {
    const used = (await tokenRequest(short, T.target, cc())).body.access_token as string; // not short.token(): that one is cached
    assert.equal((await short.api('GET', B, { token: used })).status, 200);
    const fresh = await tokenRequest(short, T.target, cc());
    assert.equal(fresh.body.expires_in, 3599, 'expires_in is a fixed value in the response');
    wallOffset += 2100; // no waiting: the token authority reads the injected wall clock
    const expired = 'Lifetime validation failed, the token is expired.';
    assertGraphError(await short.api('GET', B, { token: used }), 401, 'InvalidAuthenticationToken', expired);
    assertGraphError(await short.api('GET', B, { token: fresh.body.access_token }), 401, 'InvalidAuthenticationToken', expired);
  });
});

describe('Graph calls: permissions → 403 Authorization_RequestDenied', () => {
  it('read-only app: GET 200, writes 403', async () => {
    const created = await s.api('POST', B, { body: jobBody({ resources: users(1) }) });
    const ro = await s.token(T.target, T.readApp);
    assert.equal((await s.api('GET', B, { token: ro })).status, 200);
    assert.equal((await s.api('GET', `${B}/${created.body.id}`, { token: ro })).status, 200);
    assert.equal((await s.api('GET', `${B}/${created.body.id}/users`, { token: ro })).status, 200);
    const denied = 'Insufficient privileges to complete the operation. The caller needs one of these application permissions: CrossTenantContentMigration.ReadWrite.All.';
    assertGraphError(await s.api('POST', B, { token: ro, body: jobBody({ resources: users(1) }) }), 403, 'Authorization_RequestDenied', denied);
    for (const [m, p] of [['POST', `${B}/${created.body.id}/validate`], ['POST', `${B}/${created.body.id}/cancel`], ['DELETE', `${B}/${created.body.id}`], ['POST', `${B}/${created.body.id}/users/${created.body.resources[0]}/cancel`]] as const) {
      assertGraphError(await s.api(m, p, { token: ro }), 403, 'Authorization_RequestDenied', denied);
    }
    assertGraphError(await s.api('PATCH', `${B}/${created.body.id}`, { token: ro, body: { completeAfterDateTime: '2026-12-24T00:00:00Z' } }), 403, 'Authorization_RequestDenied', denied);
    assert.equal((await s.api('GET', `${B}/${created.body.id}`)).body.status, 'submitted');
  });

  it('no-role app → 403 on GET', async () => {
    const nr = await s.token(T.target, T.noRoleApp);
    assertGraphError(await s.api('GET', B, { token: nr }), 403, 'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation. The caller needs one of these application permissions: CrossTenantContentMigration.Read.All, CrossTenantContentMigration.ReadWrite.All.');
    assertGraphError(await s.api('GET', '/beta/solutions/migrations', { token: nr }), 403, 'Authorization_RequestDenied', /^Insufficient privileges/);
  });
});

describe('tenant isolation', () => {
  let job: { id: string; displayName: string; resources: string[]; completeAfterDateTime: string };
  let other: string;
  before(async () => {
    const res = await s.api('POST', B, { body: jobBody({ displayName: 'Fabrikam only', resources: users(2) }) });
    assert.equal(res.status, 201);
    job = res.body;
    other = await s.token(T.other, T.otherApp);
  });

  it("another tenant's token cannot see the job: GET by id / name → 404 (not 403), list and $count exclude it", async () => {
    const nf = `The crossTenantMigrationJob '${job.id}' was not found.`;
    assertGraphError(await s.api('GET', `${B}/${job.id}`, { token: other }), 404, 'itemNotFound', nf);
    assertGraphError(await s.api('GET', `${B}(displayName='Fabrikam only')`, { token: other }), 404, 'itemNotFound', "The crossTenantMigrationJob 'Fabrikam only' was not found.");
    const list = await s.api('GET', `${B}?$top=999`, { token: other });
    assert.equal(list.status, 200);
    assert.ok(!list.body.value.some((j: { id: string }) => j.id === job.id));
    const f = await s.api('GET', `${B}?$filter=${encodeURIComponent(`id eq ${job.id}`)}`, { token: other });
    assert.deepEqual(f.body.value, []);
    assert.equal((await s.api('GET', `${B}/$count`, { token: other })).text, '0');
    assert.equal((await s.api('GET', '/beta/solutions/migrations', { token: other })).body.id, T.other);
  });

  it('validate / migrate / cancel / delete / patch / users / user cancel from another tenant → 404, and nothing changes', async () => {
    const nf = `The crossTenantMigrationJob '${job.id}' was not found.`;
    const calls: [string, string, unknown?][] = [
      ['POST', `${B}/${job.id}/validate`], ['POST', `${B}/${job.id}/migrate`], ['POST', `${B}/${job.id}/cancel`],
      ['DELETE', `${B}/${job.id}`], ['PATCH', `${B}/${job.id}`, { completeAfterDateTime: '2026-12-24T00:00:00Z' }],
      ['GET', `${B}/${job.id}/users`], ['GET', `${B}/${job.id}/users/$count`], ['GET', `${B}/${job.id}/users/${job.resources[0]}`],
      ['POST', `${B}/${job.id}/users/${job.resources[0]}/cancel`],
    ];
    for (const [m, p, body] of calls) {
      assertGraphError(await s.api(m, p, { token: other, body }), 404, 'itemNotFound', nf);
    }
    const mine = await s.api('GET', `${B}/${job.id}`);
    assert.equal(mine.body.status, 'submitted');
    assert.equal(mine.body.completeAfterDateTime, job.completeAfterDateTime);
    assert.ok((await s.api('GET', `${B}/${job.id}/users`)).body.value.every((t: any) => t.currentStatus.every((c: any) => c.status === 'notStarted')));
  });

  it('display names and users are per tenant: the other tenant may reuse both', async () => {
    const res = await s.api('POST', B, { token: other, body: jobBody({ displayName: 'Fabrikam only', sourceTenantId: T.source, resources: job.resources }) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.targetTenantId, T.other);
    assert.equal((await s.api('GET', `${B}(displayName='Fabrikam only')`)).body.id, job.id);
    assert.equal((await s.api('GET', `${B}(displayName='Fabrikam only')`, { token: other })).body.id, res.body.id);
  });
});

describe('delegated (user) tokens', () => {
  const now = '2026-01-01T00:00:00.000Z';
  async function addUser(upn: string, roles: string[], password: string | null = null) {
    await s.deps.store.db.insertInto('users').values({
      tenant_id: T.target, id: crypto.randomUUID(), user_principal_name: upn, upn_key: upn.toLowerCase(), display_name: upn, mail: null,
      account_enabled: 1, user_type: 'Member', licenses: '[]', directory_roles: JSON.stringify(roles), password: password === null ? null : hashSecret(password), created_at: now,
    }).execute();
  }
  before(async () => {
    await addUser('admin@fabrikam.onmicrosoft.com', ['Global Administrator'], 'P@ssw0rd!');
    await addUser('migrator@fabrikam.onmicrosoft.com', ['Microsoft 365 Migration Administrator']);
    await addUser('exadmin@fabrikam.onmicrosoft.com', ['Exchange Administrator']);
    await addUser('plain@fabrikam.onmicrosoft.com', []);
  });

  it('Global Administrator: 200 and createdBy = UPN on create', async () => {
    const t = await s.authority.userToken(T.target, 'admin@fabrikam.onmicrosoft.com', s.url);
    assert.equal((await s.api('GET', B, { token: t })).status, 200);
    const res = await s.api('POST', B, { token: t, body: jobBody({ resources: users(1) }) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.createdBy, 'admin@fabrikam.onmicrosoft.com');
  });

  it('Microsoft 365 Migration Administrator is enough too', async () => {
    const t = await s.authority.userToken(T.target, 'migrator@fabrikam.onmicrosoft.com', s.url);
    const res = await s.api('POST', B, { token: t, body: jobBody({ resources: users(1) }) });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.createdBy, 'migrator@fabrikam.onmicrosoft.com');
  });

  it('a user without either role → 403 naming the roles (reads too)', async () => {
    const msg = 'Insufficient privileges to complete the operation. The signed-in user must be assigned one of these roles: Global Administrator, Microsoft 365 Migration Administrator.';
    for (const upn of ['plain@fabrikam.onmicrosoft.com', 'exadmin@fabrikam.onmicrosoft.com']) {
      const t = await s.authority.userToken(T.target, upn, s.url);
      assertGraphError(await s.api('GET', B, { token: t }), 403, 'Authorization_RequestDenied', msg);
      assertGraphError(await s.api('POST', B, { token: t, body: jobBody({ resources: users(1) }) }), 403, 'Authorization_RequestDenied', msg);
    }
  });

  it('a Global Administrator without the delegated scope → 403 naming the permissions', async () => {
    const t = await s.authority.userToken(T.target, 'admin@fabrikam.onmicrosoft.com', s.url, ['User.Read.All']);
    assertGraphError(await s.api('GET', B, { token: t }), 403, 'Authorization_RequestDenied',
      'Insufficient privileges to complete the operation. The caller needs one of these delegated permissions: CrossTenantContentMigration.Read.All, CrossTenantContentMigration.ReadWrite.All.');
    const ro = await s.authority.userToken(T.target, 'admin@fabrikam.onmicrosoft.com', s.url, ['CrossTenantContentMigration.Read.All']);
    assert.equal((await s.api('GET', B, { token: ro })).status, 200);
    assertGraphError(await s.api('POST', B, { token: ro, body: jobBody({ resources: users(1) }) }), 403, 'Authorization_RequestDenied', /delegated permissions: CrossTenantContentMigration.ReadWrite.All\.$/);
  });

  it('password grant issues a delegated token (upn, scp, wids) usable on Graph', async () => {
    const res = await tokenRequest(s, T.target, { grant_type: 'password', client_id: T.app, username: 'admin@fabrikam.onmicrosoft.com', password: 'P@ssw0rd!', scope: GRAPH_SCOPE });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const c = decodeJwt(res.body.access_token) as Record<string, unknown>;
    assert.equal(c.upn, 'admin@fabrikam.onmicrosoft.com');
    assert.equal(c.idtyp, 'user');
    assert.deepEqual(c.wids, ['62e90394-69f5-4237-9190-012177145e10']);
    assert.match(String(c.scp), /CrossTenantContentMigration\.ReadWrite\.All/);
    const created = await s.api('POST', B, { token: res.body.access_token, body: jobBody({ resources: users(1) }) });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.createdBy, 'admin@fabrikam.onmicrosoft.com');
    assertAadError(await tokenRequest(s, T.target, { grant_type: 'password', client_id: T.app, username: 'admin@fabrikam.onmicrosoft.com', password: 'wrong', scope: GRAPH_SCOPE }), 400, 'invalid_grant', 50126);
  });
});

// Credentials stored and guarded like Entra: salted scrypt hashes (legacy SHA-256 digests wrapped in place,
// still accepted), and smart lockout of the password grant (AADSTS50053) per user and source.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashLegacyDigest, hashSecret, isLegacyDigest, secretMatches } from '../../src/tenants/secrets.js';
import { startServer, T, type TestServer } from '../helpers.js';

process.env.XTM_LOCKOUT_THRESHOLD = '3';
process.env.XTM_LOCKOUT_DURATION_SEC = '60';

describe('credential hashes', () => {
  it('are salted scrypt: the same secret hashes differently each time, and both verify', async () => {
    const a = hashSecret('xtm-demo-secret');
    const b = hashSecret('xtm-demo-secret');
    assert.match(a, /^scrypt\$14\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
    assert.ok(await secretMatches('xtm-demo-secret', a));
    assert.ok(await secretMatches('xtm-demo-secret', b));
    assert.equal(await secretMatches('xtm-demo-secreT', a), false);
  });

  it('a legacy SHA-256 digest is wrapped without the secret, and the secret still verifies', async () => {
    const legacy = createHash('sha256').update('P@ssw0rd!').digest('hex');
    assert.ok(isLegacyDigest(legacy));
    const wrapped = hashLegacyDigest(legacy);
    assert.ok(!isLegacyDigest(wrapped));
    assert.ok(await secretMatches('P@ssw0rd!', wrapped));
    assert.ok(await secretMatches('P@ssw0rd!', legacy), 'a digest not yet wrapped still verifies');
    assert.equal(await secretMatches('nope', wrapped), false);
  });

  it('malformed stored values never match and never throw', async () => {
    for (const bad of ['', 'scrypt$', 'scrypt$99$8$1$aa$bb', 'scrypt$14$8$1$AAAA$short', 'md5$x']) assert.equal(await secretMatches('x', bad), false);
  });
});

describe('the store after migration 0011', () => {
  let s: TestServer;
  let wall = Date.parse('2026-06-01T00:00:00Z');
  before(async () => {
    s = await startServer({}, { wallClock: () => wall });
    const now = '2026-01-01T00:00:00.000Z';
    const legacy = createHash('sha256').update('P@ssw0rd!').digest('hex');
    await s.deps.store.db.insertInto('users').values({
      tenant_id: T.target, id: crypto.randomUUID(), user_principal_name: 'admin@fabrikam.onmicrosoft.com', upn_key: 'admin@fabrikam.onmicrosoft.com', display_name: 'admin', mail: null,
      account_enabled: 1, user_type: 'Member', licenses: '[]', directory_roles: '["Global Administrator"]', password: hashLegacyDigest(legacy), created_at: now,
    }).execute();
  });
  after(() => s.stop());

  const grant = (password: string, ip?: string) => fetch(`${s.url}/${T.target}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: new URLSearchParams({ grant_type: 'password', client_id: T.app, username: 'admin@fabrikam.onmicrosoft.com', password, scope: 'https://graph.microsoft.com/.default' }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: string; error_codes?: number[]; access_token?: string } }));

  it('stores no unsalted digest: every secret and password is a scrypt hash', async () => {
    const apps = await s.deps.store.db.selectFrom('applications').select('secrets').execute();
    for (const a of apps) for (const sec of JSON.parse(a.secrets) as { sha256: string }[]) assert.match(sec.sha256, /^scrypt\$/);
    const users = await s.deps.store.db.selectFrom('users').select('password').where('password', 'is not', null).execute();
    for (const u of users) assert.match(u.password!, /^scrypt\$/);
    assert.ok(await s.token(), 'client credentials still work against the hashed secret');
  });

  it('after the threshold of wrong passwords the right one is refused with AADSTS50053 until the lockout ends', async () => {
    assert.ok((await grant('P@ssw0rd!')).body.access_token);
    for (let i = 0; i < 3; i++) {
      const r = await grant('wrong');
      assert.equal(r.status, 400);
      assert.deepEqual(r.body.error_codes, [50126]);
    }
    const locked = await grant('P@ssw0rd!');
    assert.equal(locked.status, 400);
    assert.equal(locked.body.error, 'invalid_grant');
    assert.deepEqual(locked.body.error_codes, [50053]);
    wall += 61_000;
    assert.ok((await grant('P@ssw0rd!')).body.access_token, 'unlocked after the lockout duration');
    // A success clears the counter: two more failures do not lock.
    for (let i = 0; i < 2; i++) await grant('wrong');
    assert.ok((await grant('P@ssw0rd!')).body.access_token);
  });

  it('counts concurrent failures without losing any', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => grant('wrong')));
    assert.ok(results.every((r) => r.status === 400));
    assert.deepEqual((await grant('P@ssw0rd!')).body.error_codes, [50053]);
    wall += 3_600_000 * 2;
  });
});

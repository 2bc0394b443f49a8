// The identity-map CSV made safe and large (issue 25): control characters refused with row and column,
// formula-leading cells escaped on export (OWASP CSV injection) and read back as written, an empty upload
// refused instead of wiping the map, and a text/csv upload streamed past the 1 MB JSON body limit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../helpers.js';
import { CONTOSO, FABRIKAM, spoServer, targetToken } from './fixture.js';

const U = '/beta/solutions/sharePoint/migrations/crossOrganizationUserMappings';
const MAP = `/xtm/admin/tenants/${FABRIKAM}/spoIdentityMap.csv`;
let s: TestServer;
let tok: string;
before(async () => {
  s = await spoServer({ worker: false });
  tok = await targetToken(s);
});
after(() => s.stop());

const put = (raw: string | Buffer) => fetch(`${s.url}${MAP}`, { method: 'PUT', headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.admin!.key}` }, body: raw });
const count = async () => Number((await s.api('GET', `${U}/$count`, { token: tok })).text);
const row = (src: string, tgt: string, email = tgt) => `User,${CONTOSO},${src},${tgt},${email},RegularUser`;

test('control characters (U+0001, ESC, DEL, NUL, C1) are refused with their row and column; nothing changes', async () => {
  const before = await count();
  assert.ok(before > 0);
  for (const [ch, code] of [['\u0001', 'U+0001'], ['\u001b', 'U+001B'], ['\u007f', 'U+007F'], ['\u0000', 'U+0000'], ['\u0085', 'U+0085']] as const) {
    const r = await put([row('a@contoso.com', 'a@fabrikam.com'), row(`b${ch}x@contoso.com`, 'b@fabrikam.com')].join('\n'));
    const body = (await r.json()) as any;
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(body.error.code, 'BadRequest');
    assert.match(body.error.message, new RegExp(`row 2, column 3: column 3 contains the control character ${code.replace('+', '\\+')}`));
    assert.deepEqual(body.error.details[0].target, 'row 2, column 3');
    assert.ok(body.error.innerError['request-id']);
  }
  assert.equal(await count(), before, 'a refused import changed nothing');
});

test('an empty upload is refused (it would delete the whole map)', async () => {
  const before = await count();
  for (const raw of ['', '\r\n\r\n', '   \n']) {
    const r = await put(raw);
    const body = (await r.json()) as any;
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(body.error.message, /the file has no mappings/);
  }
  const json = await s.api('PUT', MAP, { token: null, body: { csv: '' } });
  assert.equal(json.status, 400, json.text);
  assert.equal(await count(), before);
});

test('export escapes formula-leading cells (OWASP); importing the export gives the same map', async () => {
  const evil = "=cmd|'/Ccalc'!A0@evil.com";
  const r = await put([row('plain@contoso.com', 'plain@fabrikam.com'), row('f1@contoso.com', '+1-2@fabrikam.com', evil), row('f2@contoso.com', '-x@fabrikam.com', '')].join('\r\n'));
  assert.equal(r.status, 200, await r.text());
  const out = await s.api('GET', MAP, { token: null });
  const lines = out.text.split('\r\n').filter(Boolean);
  assert.ok(lines.includes(`User,${CONTOSO},f1@contoso.com,"'+1-2@fabrikam.com","'=cmd|'/Ccalc'!A0@evil.com",RegularUser`), out.text);
  assert.ok(lines.includes(`User,${CONTOSO},f2@contoso.com,"'-x@fabrikam.com",,RegularUser`), out.text);
  assert.ok(lines.includes(`User,${CONTOSO},plain@contoso.com,plain@fabrikam.com,plain@fabrikam.com,RegularUser`));
  for (const l of lines) for (const cell of l.split(',')) assert.doesNotMatch(cell, /^[=+\-@]/, `no cell starts a formula: ${l}`);
  const again = await put(out.text);
  assert.equal(again.status, 200);
  assert.equal((await s.api('GET', MAP, { token: null })).text, out.text, 'the escaped export reads back as the same map');
  const m = await s.api('GET', `${U}(sourceUserPrincipalName='f1@contoso.com')`, { token: tok });
  assert.equal(m.body.targetUserMigrationData.email, evil);
  assert.equal(m.body.targetUserIdentity.userPrincipalName, '+1-2@fabrikam.com');
});

test('a text/csv upload is streamed past the 1 MB body limit (30,000 rows, ~2.5 MB)', async () => {
  const n = 30_000;
  const csv = Array.from({ length: n }, (_, i) => row(`user${i}@contoso.com`, `user${i}@fabrikam.com`)).join('\n') + '\n';
  assert.ok(Buffer.byteLength(csv) > 2 * 1024 * 1024);
  const r = await put(csv);
  assert.equal(r.status, 200, await r.text().catch(() => ''));
  assert.equal(await count(), n);
  // JSON bodies keep the 1 MB limit.
  const json = await s.api('PUT', MAP, { token: null, body: { csv } });
  assert.equal(json.status, 413);
});

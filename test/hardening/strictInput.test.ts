// Issue 16 items 6–10 (and the form-body part of 15): strict JSON everywhere, PATCH validated as create,
// bound actions without parameters, errors before routing in Graph's envelope, no control characters.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startServer, jobBody, T, type TestServer } from '../helpers.js';
import { assertGraphError, B, storeCounts, userIds } from '../jobs/util.js';

const users = userIds(0x16100);
let s: TestServer;
before(async () => {
  s = await startServer({ worker: false });
});
after(() => s.stop());

const raw = (text: string) => JSON.stringify(jobBody({ resources: users(1) })).replace(/}$/, `,${text}}`);

describe('strict JSON bodies (item 6)', () => {
  it('a duplicate property is a 400 naming it, nothing created', async () => {
    const before = await storeCounts(s);
    assertGraphError(await s.api('POST', B, { raw: raw('"resourceType":"Groups"') }), 400, 'BadRequest', /'resourceType' is given more than once/, { target: 'resourceType' });
    const nested = JSON.stringify(jobBody({ resources: users(1) })).replace('"sourceEndpoint"', '"targetDeliveryDomain":"x.com","sourceEndpoint"');
    assertGraphError(await s.api('POST', B, { raw: nested }), 400, 'BadRequest', /'exchangeSettings.targetDeliveryDomain' is given more than once/);
    assert.deepEqual(await storeCounts(s), before);
  });

  it('__proto__, constructor and prototype keys are a 400 (also nested, also on admin routes)', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      assertGraphError(await s.api('POST', B, { raw: raw(`"${key}":{"x":1}`) }), 400, 'BadRequest', new RegExp(`'${key}' is not allowed`), { target: key });
    }
    assertGraphError(await s.api('POST', B, { raw: JSON.stringify(jobBody()).replace('"exchangeSettings":{', '"exchangeSettings":{"__proto__":{},') }), 400, 'BadRequest', /'exchangeSettings.__proto__'/);
    assertGraphError(await s.api('PATCH', `/xtm/admin/tenants/${T.target}/settings`, { token: null, raw: '{"__proto__":{"polluted":true}}' }), 400, 'BadRequest', /'__proto__' is not allowed/);
  });

  it('a wrong @odata.type on the job or on exchangeSettings is a 400 naming the field', async () => {
    for (const t of ['#microsoft.graph.user', '#contoso.job', '', 'microsoft.graph.crossTenantMigrationJobX']) {
      assertGraphError(await s.api('POST', B, { body: jobBody({ resources: users(1), '@odata.type': t }) }), 400, 'BadRequest', /^Invalid value for property '@odata.type'/, { target: '@odata.type' });
    }
    const bad = jobBody({ resources: users(1), exchangeSettings: { '@odata.type': '#microsoft.graph.user', sourceEndpoint: 'e', targetDeliveryDomain: 'd.com' } });
    assertGraphError(await s.api('POST', B, { body: bad }), 400, 'BadRequest', /^Invalid value for property 'exchangeSettings.@odata.type'/, { target: 'exchangeSettings.@odata.type' });
    const good = jobBody({ resources: users(1), '@odata.type': '#microsoft.graph.crossTenantMigrationJob', exchangeSettings: { '@odata.type': '#microsoft.graph.exchangeOnlineCrossTenantMigrationSettings', sourceEndpoint: 'e', targetDeliveryDomain: 'd.com' } });
    assert.equal((await s.api('POST', B, { body: good })).status, 201);
  });

  it('a form-encoded job POST or PATCH is a 415 (item 15)', async () => {
    const before = await storeCounts(s);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    assertGraphError(await s.api('POST', B, { raw: 'displayName=x&resourceType=Users', headers: form }), 415, 'UnsupportedMediaType', /application\/x-www-form-urlencoded/);
    const job = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { raw: 'completeAfterDateTime=2027-01-01T00:00:00Z', headers: form }), 415, 'UnsupportedMediaType', /x-www-form-urlencoded/);
    assertGraphError(await s.api('POST', `/xtm/admin/tenants`, { token: null, raw: 'id=x', headers: form }), 415, 'UnsupportedMediaType', /x-www-form-urlencoded/);
    assert.equal((await storeCounts(s)).jobs, before.jobs + 1);
  });
});

describe('PATCH validates exactly as create (item 7)', () => {
  let job: any;
  before(async () => {
    job = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
  });
  const unchanged = async () => assert.equal((await s.api('GET', `${B}/${job.id}`)).body.completeAfterDateTime, job.completeAfterDateTime);

  it('invalid dates are refused with the same message on create and PATCH', async () => {
    for (const v of ['2027-02-30T00:00:00Z', '+099999-01-01T00:00:00Z', '2027-01-01T00:00:00Z\u0000', '2027-01-01', 'Fri, 01 Jan 2027 00:00:00 GMT', '2027-01-01T25:00:00Z', '2027-01-01T00:00:00']) {
      const expected = v.includes('\u0000') ? /control character/ : `Invalid value for property 'completeAfterDateTime': '${v}' is not a valid DateTimeOffset.`;
      assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: v } }), 400, 'BadRequest', expected, { target: 'completeAfterDateTime' });
      assertGraphError(await s.api('POST', B, { body: jobBody({ resources: users(1), completeAfterDateTime: v }) }), 400, 'BadRequest', expected, { target: 'completeAfterDateTime' });
    }
    await unchanged();
  });

  it('a wrong @odata.type, __proto__ or duplicate key in a PATCH changes nothing', async () => {
    const at = '2027-03-01T00:00:00Z';
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: at, '@odata.type': '#microsoft.graph.user' } }), 400, 'BadRequest', /'@odata.type'/, { target: '@odata.type' });
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { raw: `{"completeAfterDateTime":"${at}","__proto__":{}}` }), 400, 'BadRequest', /'__proto__'/);
    assertGraphError(await s.api('PATCH', `${B}/${job.id}`, { raw: `{"completeAfterDateTime":"${at}","completeAfterDateTime":"2028-01-01T00:00:00Z"}` }), 400, 'BadRequest', /given more than once/);
    await unchanged();
    assert.equal((await s.api('PATCH', `${B}/${job.id}`, { body: { completeAfterDateTime: '2027-03-01T00:00:00.1234567+01:00', '@odata.type': 'microsoft.graph.crossTenantMigrationJob' } })).status, 204);
    // Echoed as sent, seven digits and offset included (docs/decisions.md, gap 3); its instant is 2027-02-28T23:00:00.123Z.
    assert.equal((await s.api('GET', `${B}/${job.id}`)).body.completeAfterDateTime, '2027-03-01T00:00:00.1234567+01:00');
    assert.equal((await s.api('GET', `${B}?$filter=completeAfterDateTime eq 2027-02-28T23:00:00.123Z and id eq '${job.id}'`)).body.value.length, 1);
  });
});

describe('bound actions take no parameters (item 8)', () => {
  it('validate, migrate, cancel and user cancel refuse a body other than none, empty or {}', async () => {
    const job = (await s.api('POST', B, { body: jobBody({ resources: users(2) }) })).body;
    const bodies: [string, Record<string, string>, number, RegExp][] = [
      ['{"force":true}', {}, 400, /parameter 'force'.*not a valid parameter for the operation/],
      ['[1,2,3]', {}, 400, /takes no parameters/],
      ['"go"', {}, 400, /takes no parameters/],
      ['7', {}, 400, /takes no parameters/],
      ['force=true', { 'content-type': 'application/x-www-form-urlencoded' }, 415, /x-www-form-urlencoded/],
    ];
    for (const path of [`${B}/${job.id}/validate`, `${B}/${job.id}/microsoft.graph.validate`, `${B}/${job.id}/migrate`, `${B}/${job.id}/cancel`, `${B}/${job.id}/users/${job.resources[0]}/cancel`]) {
      for (const [text, headers, status, msg] of bodies) {
        const res = await s.api('POST', path, { raw: text, headers });
        assertGraphError(res, status, status === 415 ? 'UnsupportedMediaType' : 'BadRequest', msg);
      }
    }
    const now = (await s.api('GET', `${B}/${job.id}`)).body;
    assert.equal(now.status, 'submitted', 'nothing started or cancelled');
    const tasks = (await s.api('GET', `${B}/${job.id}/users`)).body.value;
    assert.ok(tasks.every((t: any) => t.currentStatus.every((c: any) => c.status === 'notStarted')));
    // none, empty and {} are accepted
    assert.equal((await s.api('POST', `${B}/${job.id}/validate`, { raw: '{}' })).status, 200);
    const other = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    assert.equal((await s.api('POST', `${B}/${other.id}/validate`, { raw: '', headers: { 'content-type': 'application/json' } })).status, 200);
    const third = (await s.api('POST', B, { body: jobBody({ resources: users(1) }) })).body;
    assert.equal((await s.api('POST', `${B}/${third.id}/cancel`)).status, 202);
  });
});

/** A raw HTTP/1.1 exchange (for what fetch cannot send). */
function rawHttp(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let data = '';
    sock.on('data', (c) => (data += c.toString('utf8')));
    sock.on('end', () => resolve(data));
    sock.on('close', () => resolve(data));
    sock.on('error', (e) => (data ? resolve(data) : reject(e)));
    sock.write(request);
  });
}
function envelope(response: string): { status: number; body: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
  const body = JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
  return { status, body };
}

describe('errors before routing use the Graph envelope (item 9)', () => {
  const port = () => Number(new URL(s.url).port);
  const check = (r: { status: number; body: any }, status: number) => {
    assert.equal(r.status, status);
    assert.ok(r.body.error.code && r.body.error.message, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
  };

  it('an unknown HTTP method → 400 in the envelope', async () => {
    check(envelope(await rawHttp(port(), 'XTMFUZZ /beta/solutions/migrations HTTP/1.1\r\nHost: x\r\n\r\n')), 400);
  });

  it('a 20 KB client-request-id → 431; a URL over 16 KB → 414; both in the envelope', async () => {
    check(envelope(await rawHttp(port(), `GET /beta/solutions/migrations HTTP/1.1\r\nHost: x\r\nclient-request-id: ${'a'.repeat(20_000)}\r\n\r\n`)), 431);
    check(envelope(await rawHttp(port(), `GET /beta/solutions/migrations?$filter=${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)), 414);
    const viaFetch = await fetch(`${s.url}${B}?x=${'a'.repeat(17_000)}`);
    assert.equal(viaFetch.status, 414);
    assert.equal((await viaFetch.json() as any).error.code, 'RequestUriTooLong');
  });

  it('a 5 MB body: fetch receives the 413 (no EPIPE), and the server keeps serving', async () => {
    const big = JSON.stringify({ displayName: 'x'.repeat(5 * 1024 * 1024) });
    const res = await fetch(`${s.url}${B}`, { method: 'POST', headers: { authorization: `Bearer ${await s.token()}`, 'content-type': 'application/json' }, body: big });
    assert.equal(res.status, 413);
    const body = await res.json() as any;
    assert.equal(body.error.code, 'RequestEntityTooLarge');
    assert.ok(body.error.innerError);
    assert.equal((await s.api('GET', B)).status, 200);
  });
});

describe('control characters (item 10)', () => {
  it('NUL and other C0 characters in displayName or any string are a 400 naming the field', async () => {
    const before = await storeCounts(s);
    for (const name of ['Wave\u00001', 'a\u0007b', 'x\u001f', 'del\u007f']) {
      assertGraphError(await s.api('POST', B, { body: jobBody({ resources: users(1), displayName: name }) }), 400, 'BadRequest', /control character/, { target: 'displayName' });
    }
    assertGraphError(await s.api('POST', B, { body: jobBody({ resources: [users(1)[0] + '\u0000'] }) }), 400, 'BadRequest', /control character/, { target: 'resources[0]' });
    assertGraphError(await s.api('POST', `/xtm/admin/tenants/${T.target}/users`, { token: null, body: { userPrincipalName: 'nul@fabrikam.onmicrosoft.com', displayName: 'N\u0000L' } }), 400, 'BadRequest', /control character/, { target: 'displayName' });
    assert.deepEqual(await storeCounts(s), before);
    // tab and newline stay allowed in text
    assert.equal((await s.api('POST', B, { body: jobBody({ resources: users(1), displayName: 'Wave\t2' }) })).status, 201);
  });

  it('a $filter string literal with a control character is a 400, not a silent non-match', async () => {
    assertGraphError(await s.api('GET', `${B}?$filter=${encodeURIComponent("contains(displayName,'a\u0000b')")}`), 400, 'BadRequest', /control character/);
  });
});

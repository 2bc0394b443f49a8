// POST /solutions/migrations/crossTenantMigrationJobs: the 201 body (graph-api-surface §3.1, §5.2), the
// tasks it creates, and every bad input (migration-domain rule 38). A rejected create changes nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, T, jobBody, type TestServer } from '../helpers.js';
import { assertGraphError, B, exchange, GUID_RE, ODATA_JSON, storeCounts, userIds } from './util.js';

const JOB_TYPE = 'microsoft.graph.crossTenantMigrationJob';
const NOW = '2026-06-01T00:00:00.0000000Z'; // the test clock's start, as Graph writes instants (seven digits)

let s: TestServer;
let small: TestServer; // maxBatchSize 5
const users = userIds(1);

before(async () => {
  s = await startServer({ worker: false });
  small = await startServer({ worker: false, maxBatchSize: 5 });
});
after(async () => {
  await s?.stop();
  await small?.stop();
});

const body = (over: Record<string, unknown> = {}) => jobBody({ resources: users(3), ...over });

describe('create: 201 response', () => {
  it('returns every crossTenantMigrationJob property with the documented values', async () => {
    const input = body({ displayName: 'Contoso batch 1' });
    const res = await s.api('POST', B, { body: input });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('content-type'), ODATA_JSON);
    assert.equal(res.headers.get('odata-version'), '4.0');
    const j = res.body;
    assert.deepEqual(Object.keys(j).sort(), [
      '@odata.context', 'completeAfterDateTime', 'createdBy', 'createdDateTime', 'displayName', 'exchangeSettings', 'id', 'jobType',
      'lastUpdatedDateTime', 'message', 'resourceType', 'resources', 'sourceTenantId', 'status', 'targetTenantId', 'workloads',
    ]);
    assert.equal(j['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs/$entity`);
    assert.match(j.id, GUID_RE);
    assert.equal(j.displayName, 'Contoso batch 1');
    assert.equal(j.status, 'submitted');
    assert.equal(j.jobType, 'validate');
    assert.equal(j.message, '');
    assert.equal(Date.parse(j.completeAfterDateTime), Date.parse('2026-12-01T00:00:00Z'));
    assert.equal(j.sourceTenantId, T.source);
    assert.equal(j.targetTenantId, T.target);
    assert.deepEqual(j.exchangeSettings, exchange());
    assert.deepEqual(j.resources, input.resources);
    assert.equal(j.resourceType, 'Users');
    assert.deepEqual(j.workloads, ['Teams', 'Exchange', 'ODSP']);
    assert.equal(j.createdBy, T.app);
    assert.equal(j.createdDateTime, NOW);
    assert.equal(j.lastUpdatedDateTime, NOW);
    assert.equal(res.headers.get('location'), `${s.url}/beta/solutions/migrations/crossTenantMigrationJobs('${j.id}')`);
  });

  it('GET returns what the create returned', async () => {
    const c = await s.api('POST', B, { body: body() });
    const g = await s.api('GET', `${B}/${c.body.id}`);
    assert.equal(g.status, 200);
    assert.deepEqual(g.body, c.body);
  });

  it('workloads omitted, null or []: the job moves all four, and echoes [] (as Microsoft\'s GET example shows)', async () => {
    for (const workloads of [undefined, null, []]) {
      const input = body();
      if (workloads === undefined) delete (input as Record<string, unknown>).workloads;
      else (input as Record<string, unknown>).workloads = workloads;
      const res = await s.api('POST', B, { body: input });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.body.workloads, [], `workloads=${JSON.stringify(workloads)}`);
      const t = await s.api('GET', `${B}/${res.body.id}/users?$top=1`);
      assert.deepEqual(t.body.value[0].currentStatus.map((c: { service: string }) => c.service), ['Exchange', 'ODSP', 'Teams', 'Meeting']);
    }
  });

  it('echoes workloads and resourceType as sent (any case); GUIDs in canonical case', async () => {
    const [a, b] = users(2);
    const res = await s.api('POST', B, {
      body: body({ workloads: ['teams', 'EXCHANGE', 'odsp', 'mEeTiNg'], resourceType: 'users', resources: [a!.toUpperCase(), b], sourceTenantId: T.source.toUpperCase() }),
    });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.body.workloads, ['teams', 'EXCHANGE', 'odsp', 'mEeTiNg']);
    assert.equal(res.body.resourceType, 'users');
    assert.deepEqual(res.body.resources, [a, b]);
    assert.equal(res.body.sourceTenantId, T.source);
    assert.deepEqual((await s.api('GET', `${B}/${res.body.id}`)).body.workloads, ['teams', 'EXCHANGE', 'odsp', 'mEeTiNg']);
    const t = await s.api('GET', `${B}/${res.body.id}/users?$top=1`);
    assert.deepEqual(t.body.value[0].currentStatus.map((c: { service: string }) => c.service), ['Teams', 'Exchange', 'ODSP', 'Meeting'], 'the moves use the canonical names');
  });

  it('needs no exchangeSettings when Exchange is not a workload (exchangeSettings null)', async () => {
    const input = body({ workloads: ['Teams', 'ODSP'] });
    delete (input as Record<string, unknown>).exchangeSettings;
    const res = await s.api('POST', B, { body: input });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.exchangeSettings, null);
  });

  it('accepts (and ignores) read-only properties a Kiota model sends; targetTenantId may name the caller', async () => {
    const res = await s.api('POST', B, {
      body: body({ '@odata.type': '#microsoft.graph.crossTenantMigrationJob', id: 'x', status: 'completed', jobType: 'migrate', message: 'm', createdBy: 'me', createdDateTime: '2020-01-01T00:00:00Z', lastUpdatedDateTime: '2020-01-01T00:00:00Z', targetTenantId: T.target.toUpperCase() }),
    });
    assert.equal(res.status, 201, res.text);
    assert.notEqual(res.body.id, 'x');
    assert.equal(res.body.status, 'submitted');
    assert.equal(res.body.jobType, 'validate');
    assert.equal(res.body.message, '');
    assert.equal(res.body.createdBy, T.app);
    assert.equal(res.body.createdDateTime, NOW);
    assert.equal(res.body.targetTenantId, T.target);
  });

  it('creates one task per resource, each notStarted for every workload', async () => {
    const input = body({ workloads: ['Exchange', 'Teams'] });
    const c = await s.api('POST', B, { body: input });
    assert.equal(c.status, 201);
    const res = await s.api('GET', `${B}/${c.body.id}/users`);
    assert.equal(res.status, 200);
    assert.equal(res.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs('${c.body.id}')/users`);
    assert.deepEqual(res.body.value, (input.resources as string[]).map((id) => ({
      id,
      taskType: 'Users',
      lastUpdatedDateTime: NOW,
      currentStatus: [
        { service: 'Exchange', status: 'notStarted', message: '', errors: [] },
        { service: 'Teams', status: 'notStarted', message: '', errors: [] },
      ],
    })));
    assert.equal(res.body['@odata.nextLink'], undefined);
  });
});

describe('create: bad input is a Graph error naming the field, and changes nothing', () => {
  /** Posts, asserts the error, and checks the store is unchanged. */
  async function rejects(server: TestServer, send: { body?: unknown; raw?: string; headers?: Record<string, string> }, status: number, code: string, message: string | RegExp, opts: { target?: string; detailCode?: string } = {}) {
    const before = await storeCounts(server);
    const res = await server.api('POST', B, send);
    assertGraphError(res, status, code, message, opts);
    assert.deepEqual(await storeCounts(server), before, 'a rejected create must not change the store');
    return res;
  }
  const JSON_MSG = 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';
  const unknownProp = (p: string) => `The property '${p}' does not exist on type '${JOB_TYPE}'. Make sure to only use property names that are defined by the type or mark the type as open type.`;
  const without = (k: string) => {
    const b = body() as Record<string, unknown>;
    delete b[k];
    return b;
  };

  it('malformed JSON → 400', async () => {
    await rejects(s, { raw: '{"displayName": "x",' }, 400, 'BadRequest', JSON_MSG);
    await rejects(s, { raw: "{'displayName': 'x'}" }, 400, 'BadRequest', JSON_MSG);
  });

  it('body that is not an object → 400', async () => {
    for (const raw of ['[]', '"text"', '42', 'true', 'null']) {
      await rejects(s, { raw }, 400, 'BadRequest', 'Invalid request body: must be object.');
    }
  });

  it('no body at all → 400', async () => {
    await rejects(s, {}, 400, 'BadRequest', 'Invalid request body: must be object.');
  });

  it('wrong types → 400 naming the property', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ displayName: 5 }, 'displayName', 'must be string'],
      [{ completeAfterDateTime: 1796083200000 }, 'completeAfterDateTime', 'must be string'],
      [{ sourceTenantId: true }, 'sourceTenantId', 'must be string'],
      [{ resources: 'abc' }, 'resources', 'must be array'],
      [{ workloads: 'Teams' }, 'workloads', 'must be array'],
      [{ exchangeSettings: 'x' }, 'exchangeSettings', 'must be object'],
      [{ resourceType: ['Users'] }, 'resourceType', 'must be string'],
    ];
    for (const [over, prop, why] of cases) {
      await rejects(s, { body: body(over) }, 400, 'BadRequest', `Invalid value for property '${prop}': ${why}`, { target: prop });
    }
  });

  it("unknown property → 400 \"The property 'foo' does not exist on type 'microsoft.graph.crossTenantMigrationJob'…\"", async () => {
    await rejects(s, { body: body({ foo: 1 }) }, 400, 'BadRequest', unknownProp('foo'), { target: 'foo' });
    await rejects(s, { body: body({ exchangeSettings: { ...exchange(), foo: 1 } }) }, 400, 'BadRequest', unknownProp('exchangeSettings.foo'));
  });

  for (const field of ['displayName', 'completeAfterDateTime', 'sourceTenantId', 'resourceType', 'resources']) {
    it(`missing required ${field} → 400`, async () => {
      await rejects(s, { body: without(field) }, 400, 'BadRequest', `The required property '${field}' is missing.`, { target: field });
    });
  }

  it('empty or blank displayName → 400', async () => {
    await rejects(s, { body: body({ displayName: '' }) }, 400, 'BadRequest', "Invalid value for property 'displayName': must NOT have fewer than 1 characters", { target: 'displayName' });
    await rejects(s, { body: body({ displayName: '   ' }) }, 400, 'BadRequest', "Invalid value for property 'displayName': must not be empty.", { target: 'displayName' });
  });

  it('invalid GUID in sourceTenantId → 400', async () => {
    await rejects(s, { body: body({ sourceTenantId: 'contoso.onmicrosoft.com' }) }, 400, 'BadRequest', "Invalid value for property 'sourceTenantId': 'contoso.onmicrosoft.com' is not a valid GUID.", { target: 'sourceTenantId' });
  });

  it('invalid GUID in resources[i] → 400 naming the index', async () => {
    const [a, b] = users(2);
    await rejects(s, { body: body({ resources: [a, b, 'user@contoso.com'] }) }, 400, 'BadRequest',
      "Invalid value for property 'resources[2]': 'user@contoso.com' is not a valid GUID (object id of a target-tenant user).", { target: 'resources[2]' });
  });

  it('invalid date → 400', async () => {
    for (const v of ['tomorrow', '2026-13-01T00:00:00Z', '']) {
      await rejects(s, { body: body({ completeAfterDateTime: v }) }, 400, 'BadRequest', `Invalid value for property 'completeAfterDateTime': '${v}' is not a valid DateTimeOffset.`, { target: 'completeAfterDateTime' });
    }
  });

  it('completeAfterDateTime in the past or now → 422 BadArgument minThresholdFailed', async () => {
    for (const v of ['2026-05-31T23:59:59Z', NOW, '2020-01-01T00:00:00+02:00']) {
      await rejects(s, { body: body({ completeAfterDateTime: v }) }, 422, 'BadArgument', 'completeAfterDateTime must be greater than the current time.', { target: 'completeAfterDateTime', detailCode: 'minThresholdFailed' });
    }
  });

  it('duplicate displayName (also in another case) → 422 duplicateDisplayNameJob', async () => {
    const ok = await s.api('POST', B, { body: body({ displayName: 'Duplicate Me' }) });
    assert.equal(ok.status, 201);
    for (const name of ['Duplicate Me', 'DUPLICATE ME', 'duplicate me']) {
      const res = await rejects(s, { body: body({ displayName: name }) }, 422, 'BadArgument', `displayName already exists. Please provide a unique job displayName. ('${name}')`, { target: 'displayName', detailCode: 'duplicateDisplayNameJob' });
      assert.equal(res.body.error.details[0].target, 'displayName');
    }
  });

  it('unknown workload → 400', async () => {
    await rejects(s, { body: body({ workloads: ['Teams', 'Yammer'] }) }, 400, 'BadRequest', "Invalid value for property 'workloads[1]': 'Yammer' is not a supported workload. Supported: Exchange, ODSP, Teams, Meeting.", { target: 'workloads[1]' });
  });

  it('duplicate workload (any case) → 400', async () => {
    await rejects(s, { body: body({ workloads: ['Teams', 'Exchange', 'teams'] }) }, 400, 'BadRequest', "Invalid value for property 'workloads': the workload 'Teams' is listed more than once.", { target: 'workloads' });
  });

  it('resourceType other than Users → 400', async () => {
    await rejects(s, { body: body({ resourceType: 'Groups' }) }, 400, 'BadRequest', "Invalid value for property 'resourceType': 'Groups' is not supported. Only 'Users' is supported.", { target: 'resourceType' });
  });

  it('Exchange (explicit or by default) without exchangeSettings → 400', async () => {
    const msg = "The property 'exchangeSettings' is required when 'Exchange' is one of the workloads.";
    await rejects(s, { body: body({ exchangeSettings: null }) }, 400, 'BadRequest', msg, { target: 'exchangeSettings' });
    await rejects(s, { body: without('exchangeSettings') }, 400, 'BadRequest', msg, { target: 'exchangeSettings' });
    await rejects(s, { body: body({ exchangeSettings: null, workloads: [] }) }, 400, 'BadRequest', msg, { target: 'exchangeSettings' });
  });

  it('exchangeSettings with a blank member → 400', async () => {
    await rejects(s, { body: body({ exchangeSettings: { ...exchange(), sourceEndpoint: '  ' } }) }, 400, 'BadRequest', "Invalid value for property 'exchangeSettings.sourceEndpoint': must not be empty.");
    await rejects(s, { body: body({ exchangeSettings: { sourceEndpoint: 'x' } }) }, 400, 'BadRequest', "The required property 'exchangeSettings.targetDeliveryDomain' is missing.");
  });

  it('empty resources → 400', async () => {
    await rejects(s, { body: body({ resources: [] }) }, 400, 'BadRequest', "Invalid value for property 'resources': at least one resource is required.", { target: 'resources' });
  });

  it('duplicate resources (any case) → 400', async () => {
    const [a, b] = users(2);
    await rejects(s, { body: body({ resources: [a, b, a!.toUpperCase()] }) }, 400, 'BadRequest', `Invalid value for property 'resources': the resource '${a}' is listed more than once.`, { target: 'resources' });
  });

  it('more resources than maxBatchSize → 400; exactly maxBatchSize is fine', async () => {
    await rejects(small, { body: body({ resources: users(6) }) }, 400, 'BadRequest', "Invalid value for property 'resources': 6 resources were supplied; a crossTenantMigrationJob can contain at most 5.", { target: 'resources' });
    const ok = await small.api('POST', B, { body: body({ resources: users(5) }) });
    assert.equal(ok.status, 201, ok.text);
  });

  it('default limit is 2,000 resources (Graph create page): 2,001 → 400, 2,000 → 201 with 2,000 tasks', async () => {
    await rejects(s, { body: body({ resources: users(2001) }) }, 400, 'BadRequest', "Invalid value for property 'resources': 2001 resources were supplied; a crossTenantMigrationJob can contain at most 2000.", { target: 'resources' });
    const ok = await s.api('POST', B, { body: body({ resources: users(2000), workloads: ['Teams'] }) });
    assert.equal(ok.status, 201, ok.text.slice(0, 300));
    assert.equal(ok.body.resources.length, 2000);
    assert.equal((await s.api('GET', `${B}/${ok.body.id}/users/$count`)).text, '2000');
  });

  it('source tenant == target (calling) tenant → 400', async () => {
    for (const src of [T.target, T.target.toUpperCase()]) {
      await rejects(s, { body: body({ sourceTenantId: src }) }, 400, 'BadRequest', "Invalid value for property 'sourceTenantId': the source tenant and the target (calling) tenant cannot be equal.", { target: 'sourceTenantId' });
    }
  });

  it('targetTenantId naming another tenant → 400', async () => {
    await rejects(s, { body: body({ targetTenantId: T.other }) }, 400, 'BadRequest', `Invalid value for property 'targetTenantId': the job is created in the caller's tenant ${T.target}; targetTenantId can't name another tenant.`, { target: 'targetTenantId' });
  });

  it('a user already in another active job → 409; allowed again once that job is cancelled', async () => {
    const [shared, other] = users(2);
    const first = await s.api('POST', B, { body: body({ displayName: 'Holder', resources: [shared] }) });
    assert.equal(first.status, 201);
    const res = await rejects(s, { body: body({ resources: [other, shared!.toUpperCase()] }) }, 409, 'Conflict', `User migration validation failed. User ${shared} is already a part of another batch Holder.`, { target: 'resources', detailCode: 'CTM-002' });
    assert.equal(res.body.error.details[0].message, `User ${shared} is already a part of another batch Holder.`);

    // Still held while the cancellation is pending.
    assert.equal((await s.api('POST', `${B}/${first.body.id}/cancel`)).status, 202);
    await rejects(s, { body: body({ resources: [shared] }) }, 409, 'Conflict', `User migration validation failed. User ${shared} is already a part of another batch Holder.`);
    await s.queue.drain();
    assert.equal((await s.api('GET', `${B}/${first.body.id}`)).body.status, 'cancelled');

    const again = await s.api('POST', B, { body: body({ resources: [other, shared] }) });
    assert.equal(again.status, 201, again.text);
  });

  it('a user removed from a job (user cancel) may go into a new job', async () => {
    const [u1, u2] = users(2);
    const first = await s.api('POST', B, { body: body({ resources: [u1, u2] }) });
    assert.equal((await s.api('POST', `${B}/${first.body.id}/users/${u1}/cancel`)).status, 202);
    const ok = await s.api('POST', B, { body: body({ resources: [u1] }) });
    assert.equal(ok.status, 201, ok.text);
    await rejects(s, { body: body({ resources: [u2] }) }, 409, 'Conflict', new RegExp(`User ${u2} is already a part of another batch `));
  });

  it('oversized body (> 1 MiB) → 413', async () => {
    await rejects(s, { raw: JSON.stringify(body({ displayName: 'x'.repeat(1024 * 1024 + 10) })) }, 413, 'RequestEntityTooLarge', 'The request body exceeds the maximum allowed size of 1048576 bytes.');
  });

  it('wrong content type (text/plain) → 415', async () => {
    await rejects(s, { raw: JSON.stringify(body()), headers: { 'content-type': 'text/plain' } }, 415, 'UnsupportedMediaType', "Content-Type 'text/plain' is not supported. Use 'application/json'.");
  });

  it('wrong content type (application/xml) → 415', async () => {
    await rejects(s, { raw: '<job/>', headers: { 'content-type': 'application/xml' } }, 415, 'UnsupportedMediaType', "Content-Type 'application/xml' is not supported. Use 'application/json'.");
  });

  it('$filter injection attempts on list → 400 and the table is intact', async () => {
    const before = await storeCounts(s);
    const listed = (await s.api('GET', `${B}/$count`)).text;
    const attempts = [
      "displayName eq 'x'; DROP TABLE migration_jobs;--",
      "displayName eq 'x' or 1 eq 1",
      "1 eq 1",
      "status eq 'submitted') or (1=1",
      "displayName eq x' OR '1'='1",
      "startswith(displayName,'%') or tenant_id ne ''",
      "tenant_id eq '" + T.other + "'",
      "createdDateTime ge '2026-01-01' union select * from tenants",
    ];
    for (const f of attempts) {
      const res = await s.api('GET', `${B}?$filter=${encodeURIComponent(f)}`);
      assertGraphError(res, 400, 'BadRequest', /\$filter/);
      assert.equal(res.body.error.target, '$filter');
    }
    // A quote inside a well-formed literal is data, not SQL.
    const quoted = await s.api('GET', `${B}?$filter=${encodeURIComponent("displayName eq 'x'' or ''1''=''1'")}`);
    assert.equal(quoted.status, 200, quoted.text);
    assert.deepEqual(quoted.body.value, []);
    // LIKE wildcards in startswith are literal characters.
    for (const w of ['%', '_']) {
      const like = await s.api('GET', `${B}?$filter=${encodeURIComponent(`startswith(displayName,'${w}')`)}`);
      assert.equal(like.status, 200, like.text);
      assert.deepEqual(like.body.value, [], `startswith(displayName,'${w}') must match nothing`);
    }
    assert.deepEqual(await storeCounts(s), before);
    assert.equal((await s.api('GET', `${B}/$count`)).text, listed);
  });
});

describe('create: concurrency', () => {
  it('ten concurrent creates with one displayName → exactly one 201, nine 422', async () => {
    const before = await storeCounts(s);
    const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('POST', B, { body: body({ displayName: 'Race' }) })));
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
    for (const r of rs.filter((x) => x.status === 422)) assertGraphError(r, 422, 'BadArgument', "displayName already exists. Please provide a unique job displayName. ('Race')", { detailCode: 'duplicateDisplayNameJob' });
    const after = await storeCounts(s);
    assert.equal(after.jobs - before.jobs, 1);
    assert.equal(after.tasks - before.tasks, 3);
  });

  it('ten concurrent creates holding one user → exactly one 201, nine 409', async () => {
    const [u] = users(1);
    const rs = await Promise.all(Array.from({ length: 10 }, () => s.api('POST', B, { body: body({ resources: [u] }) })));
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
  });
});

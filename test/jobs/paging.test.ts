// Listing jobs and tasks: server-driven paging with absolute nextLinks followed verbatim, $top, $count,
// /$count, $filter, $orderby, $select, and the 400s for every bad query option (graph-api-surface §10.4–10.5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, T, jobBody, type TestServer } from '../helpers.js';
import { jobsRepo } from '../../src/store/jobsRepo.js';
import type { MigrationJob } from '../../src/domain/job.js';
import { assertGraphError, B, ODATA_JSON, userIds } from './util.js';

let s: TestServer;
const users = userIds(1);

interface Row { id: string; displayName: string; status: string; createdDateTime: string }
const mine: Row[] = [];

function row(tenantId: string, i: number, name: string, status: MigrationJob['status'], created: string): MigrationJob {
  return {
    id: randomUUID(), tenantId, displayName: name, jobType: 'validate', status, message: '', completeAfterDateTime: '2026-12-01T00:00:00.000Z', completeAfterAsSent: '2026-12-01T00:00:00.000Z',
    sourceTenantId: T.source, exchangeSettings: null, workloads: ['Teams'], workloadsAsSent: ['Teams'], resourceType: 'Users', resources: [], createdBy: T.app,
    createdDateTime: created, lastUpdatedDateTime: created, validatedAt: null, opSeq: 0,
  };
}

before(async () => {
  s = await startServer({ worker: false });
  // 5 through the API (created "now", 2026-06-01), 40 straight into the store (created in May 2026).
  for (let k = 0; k < 5; k++) {
    const res = await s.api('POST', B, { body: jobBody({ displayName: `api-${k}`, resources: users(1) }) });
    assert.equal(res.status, 201, res.text);
    mine.push({ id: res.body.id, displayName: res.body.displayName, status: 'submitted', createdDateTime: res.body.createdDateTime });
  }
  const db = s.deps.store.db;
  for (let i = 0; i < 40; i++) {
    const name = i % 3 === 0 ? `${i % 2 ? 'X' : 'x'}-batch-${String(i).padStart(2, '0')}` : `batch-${String(i).padStart(2, '0')}`;
    const status = i % 4 === 0 ? 'validatePassed' : i % 4 === 1 ? 'cancelled' : 'submitted';
    const created = new Date(Date.parse('2026-05-01T00:00:00Z') + i * 3600_000 * 12).toISOString();
    const j = row(T.target, i, name, status, created);
    await jobsRepo.insert(db, j, []);
    mine.push({ id: j.id, displayName: name, status, createdDateTime: created });
  }
  // Another tenant's jobs never show up.
  for (let i = 0; i < 3; i++) await jobsRepo.insert(db, row(T.other, i, `x-other-${i}`, 'validatePassed', '2026-05-15T00:00:00.000Z'), []);
});
after(async () => {
  await s?.stop();
});

/** Follows @odata.nextLink verbatim from `first` until absent; returns every page. */
async function allPages(first: string): Promise<any[]> {
  const pages: any[] = [];
  let url: string | undefined = `${s.url}${first}`;
  const token = await s.token();
  while (url) {
    assert.ok(url.startsWith(`${s.url}/`), `nextLink must be absolute on the request origin: ${url}`);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as any;
    assert.equal(res.status, 200, JSON.stringify(body));
    pages.push(body);
    url = body['@odata.nextLink'];
    assert.ok(pages.length <= 100, 'runaway paging');
  }
  return pages;
}
const ids = (pages: any[]) => pages.flatMap((p) => p.value.map((j: { id: string }) => j.id));

describe('jobs list paging', () => {
  it('default page is 20 with an absolute @odata.nextLink carrying $skiptoken; following it yields all 45 exactly once', async () => {
    const first = await s.api('GET', B);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), ODATA_JSON);
    assert.equal(first.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs`);
    assert.equal(first.body.value.length, 20);
    const next = new URL(first.body['@odata.nextLink']);
    assert.equal(next.origin, s.url);
    assert.equal(next.pathname, B);
    assert.ok(next.searchParams.get('$skiptoken'), 'has $skiptoken');
    assert.equal(first.body['@odata.count'], undefined);

    const pages = await allPages(B);
    assert.deepEqual(pages.map((p) => p.value.length), [20, 20, 5]);
    const all = ids(pages);
    assert.equal(all.length, 45);
    assert.equal(new Set(all).size, 45);
    // Default order: createdDateTime desc (the tiebreak among equal times is the server's choice).
    const created = new Map(mine.map((r) => [r.id, r.createdDateTime]));
    const times = all.map((id) => created.get(id)!);
    assert.deepEqual(times, [...times].sort().reverse(), 'default order: createdDateTime desc');
    assert.equal(pages.at(-1)['@odata.nextLink'], undefined);
  });

  it('$top=7 gives pages of 7 and keeps $top in the nextLink', async () => {
    const pages = await allPages(`${B}?$top=7`);
    assert.deepEqual(pages.map((p) => p.value.length), [7, 7, 7, 7, 7, 7, 3]);
    assert.equal(new Set(ids(pages)).size, 45);
    for (const p of pages.slice(0, -1)) assert.equal(new URL(p['@odata.nextLink']).searchParams.get('$top'), '7');
  });

  it('$count=true → @odata.count 45 on the first page; /$count → text/plain 45', async () => {
    const res = await s.api('GET', `${B}?$count=true&$top=5`);
    assert.equal(res.body['@odata.count'], 45);
    assert.equal(res.body.value.length, 5);
    const count = await s.api('GET', `${B}/$count`);
    assert.equal(count.status, 200);
    assert.match(String(count.headers.get('content-type')), /^text\/plain/);
    assert.equal(count.text, '45');
    const filtered = await s.api('GET', `${B}/$count?$filter=${encodeURIComponent("status eq 'cancelled'")}`);
    assert.equal(filtered.text, String(mine.filter((r) => r.status === 'cancelled').length));
  });

  it("$filter=status eq 'validatePassed'", async () => {
    const pages = await allPages(`${B}?$filter=${encodeURIComponent("status eq 'validatePassed'")}`);
    const want = mine.filter((r) => r.status === 'validatePassed').map((r) => r.id).sort();
    assert.ok(want.length > 0);
    assert.deepEqual(ids(pages).sort(), want);
  });

  it("$filter=startswith(displayName,'x') (case-insensitive)", async () => {
    const res = await s.api('GET', `${B}?$filter=${encodeURIComponent("startswith(displayName,'x')")}&$top=100`);
    assert.equal(res.status, 200, res.text);
    const want = mine.filter((r) => r.displayName.toLowerCase().startsWith('x')).map((r) => r.id).sort();
    assert.ok(want.length > 0 && mine.some((r) => r.displayName.startsWith('X')));
    assert.deepEqual(res.body.value.map((j: { id: string }) => j.id).sort(), want);
  });

  it('$filter=createdDateTime ge 2026-05-15T00:00:00Z', async () => {
    const res = await s.api('GET', `${B}?$filter=${encodeURIComponent('createdDateTime ge 2026-05-15T00:00:00Z')}&$count=true&$top=100`);
    assert.equal(res.status, 200, res.text);
    const want = mine.filter((r) => r.createdDateTime >= '2026-05-15T00:00:00.000Z');
    assert.ok(want.length > 0 && want.length < 45);
    assert.equal(res.body['@odata.count'], want.length);
    assert.deepEqual(res.body.value.map((j: { id: string }) => j.id).sort(), want.map((r) => r.id).sort());
  });

  for (const dir of ['asc', 'desc'] as const) {
    it(`$orderby=displayName ${dir}`, async () => {
      const pages = await allPages(`${B}?$orderby=${encodeURIComponent(`displayName ${dir}`)}`);
      const names = pages.flatMap((p) => p.value.map((j: { displayName: string }) => j.displayName));
      const want = mine.map((r) => r.displayName).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
      if (dir === 'desc') want.reverse();
      assert.deepEqual(names, want);
    });
  }

  it('$select=id,status: context has (id,status) and entities only those keys', async () => {
    const res = await s.api('GET', `${B}?$select=id,status`);
    assert.equal(res.status, 200);
    assert.equal(res.body['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs(id,status)`);
    for (const j of res.body.value) assert.deepEqual(Object.keys(j), ['id', 'status']);
    const pages = await allPages(`${B}?$select=status`);
    for (const p of pages) for (const j of p.value) assert.deepEqual(Object.keys(j).sort(), ['id', 'status']);
    assert.equal(ids(pages).length, 45);
  });

  it('filter + $orderby + $top: the nextLink keeps them and every page honours them', async () => {
    const f = "status eq 'submitted' or status eq 'cancelled'";
    const pages = await allPages(`${B}?$filter=${encodeURIComponent(f)}&$top=4&$orderby=displayName&$count=true`);
    const want = mine.filter((r) => r.status !== 'validatePassed');
    assert.equal(pages[0]['@odata.count'], want.length);
    for (const p of pages.slice(0, -1)) {
      const u = new URL(p['@odata.nextLink']);
      assert.equal(u.searchParams.get('$filter'), f);
      assert.equal(u.searchParams.get('$top'), '4');
      assert.equal(u.searchParams.get('$orderby'), 'displayName');
      assert.equal(u.searchParams.getAll('$skiptoken').length, 1);
    }
    assert.ok(pages.slice(0, -1).every((p) => p.value.length === 4));
    const names = pages.flatMap((p) => p.value.map((j: { displayName: string }) => j.displayName));
    assert.deepEqual(names, want.map((r) => r.displayName).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  });

  it('$skip is honoured and folded into the nextLink', async () => {
    const pages = await allPages(`${B}?$skip=40&$top=3`);
    assert.deepEqual(pages.map((p) => p.value.length), [3, 2]);
    assert.equal(new URL(pages[0]['@odata.nextLink']).searchParams.get('$skip'), null);
  });

  it('another tenant\'s jobs are excluded from list, $count and filters', async () => {
    const res = await s.api('GET', `${B}?$filter=${encodeURIComponent("startswith(displayName,'x-other')")}`);
    assert.deepEqual(res.body.value, []);
    const other = await s.api('GET', `${B}/$count`, { token: await s.token(T.other, T.otherApp) });
    assert.equal(other.text, '3');
  });
});

describe('jobs list: bad query options → 400 Graph errors', () => {
  const cases: [string, string, string][] = [
    ['$top=0', "Invalid $top value '0': must be an integer between 1 and 999.", '$top'],
    ['$top=abc', "Invalid $top value 'abc': must be an integer between 1 and 999.", '$top'],
    ['$top=5000', "Invalid $top value '5000': must be an integer between 1 and 999.", '$top'],
    ['$top=-1', "Invalid $top value '-1': must be an integer between 1 and 999.", '$top'],
    ['$skip=-3', "Invalid $skip value '-3': must be a non-negative integer.", '$skip'],
    ['$skiptoken=garbage', 'Invalid $skiptoken.', '$skiptoken'],
    ['$skiptoken=', 'Invalid $skiptoken.', '$skiptoken'],
    ['$count=yes', "Invalid $count value 'yes': must be true or false.", '$count'],
    [`$filter=${encodeURIComponent("foo eq 'x'")}`, "Invalid $filter: property 'foo' is not filterable on this resource. Filterable: id, displayName, status, jobType, createdDateTime, lastUpdatedDateTime, completeAfterDateTime, sourceTenantId, targetTenantId, createdBy, resourceType.", '$filter'],
    [`$filter=${encodeURIComponent("status eq 'bogus'")}`, "Invalid $filter: 'bogus' is not a valid value for status. Valid values: submitted, approved, processing, cuttingOver, inProgress, completed, completedWithErrors, failed, cancelled, pendingCancel, adminActionRequired, validateSubmitted, validateProcessing, validateInProgress, validatePassed, validateFailed, pendingDelete, deleted, unknownFutureValue.", '$filter'],
    [`$orderby=${encodeURIComponent('resources asc')}`, 'Invalid $orderby: property \'resources\' is not sortable on this resource. Sortable: id, displayName, status, jobType, createdDateTime, lastUpdatedDateTime, completeAfterDateTime, sourceTenantId, targetTenantId, createdBy, resourceType.', '$orderby'],
    ['$expand=users', "Query option '$expand' is not supported on this resource.", '$expand'],
    ['$search=x', "Query option '$search' is not supported on this resource.", '$search'],
    ['$foo=1', "Query option '$foo' is not supported on this resource.", '$foo'],
    ['$select=nope', "Could not find a property named 'nope' on type 'microsoft.graph.crossTenantMigrationJob'.", '$select'],
    ['$top=1&$top=2', "Query option '$top' was specified more than once.", '$top'],
    [`$filter=${encodeURIComponent("createdDateTime ge '2026-05-15'")}`, "Invalid $filter: createdDateTime is a DateTimeOffset property; expected an unquoted DateTimeOffset literal such as 2026-01-01T00:00:00Z but found '2026-05-15'.", '$filter'],
  ];
  for (const [q, message, target] of cases) {
    it(`?${decodeURIComponent(q)} → 400`, async () => {
      assertGraphError(await s.api('GET', `${B}?${q}`), 400, 'BadRequest', message, { target });
    });
  }

  it('/$count validates its query options too', async () => {
    const res = await s.api('GET', `${B}/$count?$top=abc`);
    assertGraphError(res, 400, 'BadRequest', "Invalid $top value 'abc': must be an integer between 1 and 999.");
  });
});

describe('tasks list paging', () => {
  let jobId: string;
  let resources: string[];
  before(async () => {
    resources = users(45);
    const res = await s.api('POST', B, { body: jobBody({ resources, workloads: ['Teams'] }) });
    assert.equal(res.status, 201, res.text);
    jobId = res.body.id;
  });

  it('default page 20; nextLinks followed verbatim give all 45 tasks in resource order', async () => {
    const pages = await allPages(`${B}/${jobId}/users`);
    assert.deepEqual(pages.map((p) => p.value.length), [20, 20, 5]);
    assert.deepEqual(ids(pages), resources);
    for (const p of pages) assert.equal(p['@odata.context'], `${s.url}/beta/$metadata#solutions/migrations/crossTenantMigrationJobs('${jobId}')/users`);
    // The nextLink names the job canonically, by key, however the request addressed it (decisions.md, gap 9).
    const next = decodeURIComponent(new URL(pages[0]['@odata.nextLink']).pathname);
    assert.ok(next.endsWith(`/crossTenantMigrationJobs('${jobId}')/users`), next);
  });

  it('$top=10, $count=true, /users/$count', async () => {
    const pages = await allPages(`${B}/${jobId}/users?$top=10&$count=true`);
    assert.deepEqual(pages.map((p) => p.value.length), [10, 10, 10, 10, 5]);
    assert.equal(pages[0]['@odata.count'], 45);
    assert.deepEqual(ids(pages), resources);
    assert.equal((await s.api('GET', `${B}/${jobId}/users/$count`)).text, '45');
  });

  it('$filter and $orderby on tasks', async () => {
    const one = await s.api('GET', `${B}/${jobId}/users?$filter=${encodeURIComponent(`id eq ${resources[7]}`)}`);
    assert.deepEqual(one.body.value.map((t: { id: string }) => t.id), [resources[7]]);
    const desc = await allPages(`${B}/${jobId}/users?$orderby=${encodeURIComponent('id desc')}&$top=15`);
    assert.deepEqual(ids(desc), [...resources].sort().reverse());
    const cnt = await s.api('GET', `${B}/${jobId}/users/$count?$filter=${encodeURIComponent("taskType eq 'users'")}`);
    assert.equal(cnt.text, '45');
  });

  it('bad options on tasks → 400', async () => {
    assertGraphError(await s.api('GET', `${B}/${jobId}/users?$top=0`), 400, 'BadRequest', "Invalid $top value '0': must be an integer between 1 and 999.");
    assertGraphError(await s.api('GET', `${B}/${jobId}/users?$select=displayName`), 400, 'BadRequest', "Could not find a property named 'displayName' on type 'microsoft.graph.crossTenantMigrationTask'.");
    assertGraphError(await s.api('GET', `${B}/${jobId}/users?$skiptoken=garbage`), 400, 'BadRequest', 'Invalid $skiptoken.');
  });
});

// Runs last: it adds a job, which changes the totals the tests above rely on.
describe('paging stability', () => {
  it('a job created between two pages causes neither a duplicate nor a skip', async () => {
    const first = await s.api('GET', `${B}?$top=10`);
    assert.equal(first.status, 200);
    const seen = first.body.value.map((j: { id: string }) => j.id);
    s.clock.advance(1000); // the new job is the newest: it sorts before every existing one
    const created = await s.api('POST', B, { body: jobBody({ displayName: 'late arrival', resources: users(1) }) });
    assert.equal(created.status, 201);
    const rest = await allPages(new URL(first.body['@odata.nextLink']).href.slice(s.url.length));
    const later = ids(rest);
    const dup = later.filter((id: string) => seen.includes(id));
    assert.deepEqual(dup, [], 'an item of page 1 came back on page 2');
    const missing = mine.map((r) => r.id).filter((id) => !seen.includes(id) && !later.includes(id));
    assert.deepEqual(missing, [], 'an existing job was skipped');
  });
});

/**
 * End-to-end: query string -> CollectionQuery -> Kysely -> real in-memory SQLite.
 * Expected results are computed in JS from the same seed data.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { ODataQueryError } from '../../src/graph/odata/errors.js';
import { resolveFilter, type FieldMap } from '../../src/graph/odata/fields.js';
import { applyListFilter, applyListQuery, filterToKysely } from '../../src/store/listQuery.js';
import { parseFilter } from '../../src/graph/odata/filter.js';
import { listQueryOf, parseCollectionQuery, type CollectionOptions } from '../../src/graph/odata/query.js';
import { takePage } from '../../src/graph/odata/paging.js';

interface JobRow {
  id: string;
  display_name: string | null;
  status: string;
  created_date_time: string;
  last_updated: string | null;
  priority: number;
  is_active: number;
  tenant_id: string;
  target_domain: string | null;
}
interface DB { jobs: JobRow }

const STATUSES = ['submitted', 'inProgress', 'completed', 'failed'] as const;
const BASE = Date.UTC(2026, 0, 1);
const guid = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

function displayName(i: number): string | null {
  if (i === 49) return null;
  if (i % 10 === 0) return `Job ${i}% done`; // LIKE wildcard characters in data
  if (i % 10 === 1) return `job_${i}`;
  if (i % 10 === 2) return `Jobx${i}`; // would match 'job_' if '_' were a wildcard
  if (i % 10 === 3) return `O'Brien ${i}`;
  return `Job ${i}`;
}

const ROWS: JobRow[] = Array.from({ length: 50 }, (_, i) => ({
  id: guid(i),
  display_name: displayName(i),
  status: STATUSES[i % 4]!,
  created_date_time: new Date(BASE + i * 3_600_000).toISOString(),
  last_updated: i % 2 === 0 ? null : new Date(BASE + i * 7_200_000).toISOString(),
  priority: i % 5,
  is_active: i % 3 === 0 ? 1 : 0,
  tenant_id: guid(1000 + (i % 3)),
  target_domain: i % 7 === 0 ? null : `tenant${i % 4}.example.com`,
}));

const FIELDS: FieldMap = {
  id: { column: 'id', type: 'guid' },
  displayName: { column: 'display_name', type: 'string', caseInsensitive: true },
  status: { column: 'status', type: 'enum', enumValues: STATUSES },
  createdDateTime: { column: 'created_date_time', type: 'datetime' },
  lastUpdatedDateTime: { column: 'last_updated', type: 'datetime' },
  priority: { column: 'priority', type: 'int' },
  isActive: { column: 'is_active', type: 'bool' },
  tenantId: { column: 'tenant_id', type: 'guid' },
  'exchangeSettings/targetDeliveryDomain': { column: 'target_domain', type: 'string' },
  notes: { column: 'notes', type: 'string', filterable: false, sortable: false },
};

const OPTS: CollectionOptions = {
  typeName: 'microsoft.graph.crossTenantMigrationJob',
  fields: FIELDS,
  selectable: ['id', 'displayName', 'status', 'createdDateTime'],
  defaultPageSize: 20,
  maxPageSize: 999,
  defaultOrderBy: [{ field: 'createdDateTime', direction: 'asc' }],
  keyColumn: 'id',
};

let db: Kysely<DB>;

before(async () => {
  db = new Kysely<DB>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await sql`create table jobs (id text primary key, display_name text, status text not null,
    created_date_time text not null, last_updated text, priority integer not null, is_active integer not null,
    tenant_id text not null, target_domain text)`.execute(db);
  await db.insertInto('jobs').values(ROWS).execute();
});
after(async () => { await db.destroy(); });

async function ids(query: Record<string, string>): Promise<string[]> {
  const q = parseCollectionQuery({ $top: '999', ...query }, OPTS);
  const rows = await applyListQuery(db.selectFrom('jobs').select('id'), listQueryOf(q)).execute();
  return rows.map((r) => r.id);
}
async function filterIds(filter: string): Promise<string[]> {
  return (await ids({ $filter: filter, $orderby: 'id' }));
}
const expectIds = (pred: (r: JobRow) => boolean): string[] => ROWS.filter(pred).map((r) => r.id).sort();
async function tableCount(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from jobs`.execute(db);
  return r.rows[0]!.n;
}

describe('filters against SQLite', () => {
  const cases: [string, (r: JobRow) => boolean][] = [
    ["status eq 'completed'", (r) => r.status === 'completed'],
    ["status eq 'COMPLETED'", (r) => r.status === 'completed'], // enum members match case-insensitively
    ["status ne 'completed'", (r) => r.status !== 'completed'],
    ["status in ('failed','submitted')", (r) => r.status === 'failed' || r.status === 'submitted'],
    ['priority gt 2', (r) => r.priority > 2],
    ['priority le 1 and isActive eq true', (r) => r.priority <= 1 && r.is_active === 1],
    ['isActive eq false', (r) => r.is_active === 0],
    ["displayName eq 'JOB 5'", (r) => r.display_name === 'Job 5'], // caseInsensitive field
    ["displayName eq 'O''Brien 13'", (r) => r.display_name === "O'Brien 13"],
    ["startswith(displayName,'job_')", (r) => r.display_name?.toLowerCase().startsWith('job_') === true],
    ["contains(displayName,'% done')", (r) => r.display_name?.includes('% done') === true],
    ["endswith(displayName,'0% done')", (r) => r.display_name?.endsWith('0% done') === true],
    ["contains(displayName,'_')", (r) => r.display_name?.includes('_') === true],
    ["contains(displayName,'\\')", () => false],
    ["startswith(displayName,'a') eq false", (r) => !(r.display_name?.toLowerCase().startsWith('a') === true)],
    ['displayName eq null', (r) => r.display_name === null],
    ['displayName ne null', (r) => r.display_name !== null],
    ['lastUpdatedDateTime eq null', (r) => r.last_updated === null],
    ["not (displayName eq 'job 5')", (r) => r.display_name !== 'Job 5'], // includes the null row
    ["displayName ne 'job 5'", (r) => r.display_name !== 'Job 5'],
    ["not startswith(displayName,'job')", (r) => !(r.display_name?.toLowerCase().startsWith('job') === true)],
    ['createdDateTime ge 2026-01-02T00:00:00Z', (r) => r.created_date_time >= '2026-01-02T00:00:00.000Z'],
    ['createdDateTime lt 2026-01-01T05:00:00+00:00', (r) => r.created_date_time < '2026-01-01T05:00:00.000Z'],
    // 03:00-02:00 == 05:00Z
    ['createdDateTime lt 2026-01-01T03:00:00-02:00', (r) => r.created_date_time < '2026-01-01T05:00:00.000Z'],
    ['lastUpdatedDateTime gt 2026-01-03T00:00:00Z', (r) => r.last_updated !== null && r.last_updated > '2026-01-03T00:00:00.000Z'],
    ['not (lastUpdatedDateTime gt 2026-01-03T00:00:00Z)', (r) => !(r.last_updated !== null && r.last_updated > '2026-01-03T00:00:00.000Z')],
    [`id eq ${guid(7).toUpperCase()}`, (r) => r.id === guid(7)],
    [`id eq '${guid(8).toUpperCase()}'`, (r) => r.id === guid(8)],
    [`tenantId in (${guid(1000)}, '${guid(1002)}')`, (r) => r.tenant_id !== guid(1001)],
    ["exchangeSettings/targetDeliveryDomain eq 'tenant1.example.com'", (r) => r.target_domain === 'tenant1.example.com'],
    ["ExchangeSettings/TargetDeliveryDomain ne 'tenant1.example.com'", (r) => r.target_domain !== 'tenant1.example.com'],
    ["(status eq 'failed' or status eq 'completed') and not (priority in (0, 1))",
      (r) => (r.status === 'failed' || r.status === 'completed') && !(r.priority === 0 || r.priority === 1)],
    ["status eq 'failed' or status eq 'completed' and priority eq 0",
      (r) => r.status === 'failed' || (r.status === 'completed' && r.priority === 0)],
  ];
  for (const [filter, pred] of cases) {
    it(filter, async () => assert.deepEqual(await filterIds(filter), expectIds(pred)));
  }

  it('escapes LIKE metacharacters: _ is literal', async () => {
    const got = await filterIds("startswith(displayName,'job_')");
    assert.equal(got.length, 5); // job_1, job_11, ... not Jobx2
  });
});

describe('type checking against the field map', () => {
  const cases: [string, string][] = [
    ["status eq 'bogus'", "Invalid $filter: 'bogus' is not a valid value for status. Valid values: submitted, inProgress, completed, failed."],
    ["foo eq 'x'", "Invalid $filter: property 'foo' is not filterable on this resource. Filterable: id, displayName, status, createdDateTime, lastUpdatedDateTime, priority, isActive, tenantId, exchangeSettings/targetDeliveryDomain."],
    ["notes eq 'x'", /* filterable: false */ "Invalid $filter: property 'notes' is not filterable on this resource. Filterable: id, displayName, status, createdDateTime, lastUpdatedDateTime, priority, isActive, tenantId, exchangeSettings/targetDeliveryDomain."],
    ["exchangeSettings/other eq 'x'", "Invalid $filter: property 'exchangeSettings/other' is not filterable on this resource. Filterable: id, displayName, status, createdDateTime, lastUpdatedDateTime, priority, isActive, tenantId, exchangeSettings/targetDeliveryDomain."],
    ["createdDateTime gt '2026-01-01T00:00:00Z'", "Invalid $filter: createdDateTime is a DateTimeOffset property; expected an unquoted DateTimeOffset literal such as 2026-01-01T00:00:00Z but found '2026-01-01T00:00:00Z'."],
    ['displayName eq 5', 'Invalid $filter: displayName is a string property; expected a quoted string literal but found 5.'],
    ['status eq 1', 'Invalid $filter: status is an enum property; expected a quoted enum member but found 1.'],
    ["priority eq '1'", "Invalid $filter: priority is an integer property; expected an integer literal but found '1'."],
    ["isActive eq 'true'", "Invalid $filter: isActive is a boolean property; expected true or false but found 'true'."],
    ["id eq 'nope'", "Invalid $filter: id is a GUID property; expected a GUID but found 'nope'."],
    ["status gt 'failed'", "Invalid $filter: operator 'gt' is not supported for an enum property status; use eq, ne or in."],
    ['priority gt null', "Invalid $filter: null can only be compared with eq or ne (found 'priority gt null')."],
    ["status in ('failed', null)", "Invalid $filter: null is not allowed in an 'in' list; use 'status eq null'."],
    ["startswith(status,'f')", "Invalid $filter: function 'startswith' is only supported on string properties; status is an enum property."],
    ["status in ('failed','nope')", "Invalid $filter: 'nope' is not a valid value for status. Valid values: submitted, inProgress, completed, failed."],
  ];
  for (const [filter, message] of cases) {
    it(`rejects ${filter}`, () => {
      assert.throws(() => parseCollectionQuery({ $filter: filter }, OPTS), (err: unknown) =>
        err instanceof ODataQueryError && err.option === '$filter' && err.message === message);
      // resolveFilter validates on its own too (it may be used without parseCollectionQuery).
      assert.throws(() => resolveFilter(parseFilter(filter), FIELDS), ODataQueryError);
    });
  }
});

describe('SQL injection attempts are bound parameters', () => {
  const attempts = [
    "displayName eq 'x'' or 1=1 --'",
    "displayName eq 'a''); drop table jobs; --'",
    "startswith(displayName,'''; drop table jobs; --')",
    "displayName in ('x'') or (''1''=''1', 'y')",
    "exchangeSettings/targetDeliveryDomain eq '\" or \"\"=\"'",
  ];
  for (const filter of attempts) {
    it(filter, async () => {
      assert.deepEqual(await filterIds(filter), []);
      const node = parseFilter(filter);
      const compiled = db.selectFrom('jobs').select('id').where(filterToKysely(resolveFilter(node, FIELDS))).compile();
      assert.doesNotMatch(compiled.sql, /drop|1=1|''/i);
      assert.ok(compiled.parameters.some((p) => typeof p === 'string' && /['"]/.test(p)));
      assert.equal(await tableCount(), 50);
    });
  }

  it("status eq 'a'); drop table jobs; --' is rejected as an invalid enum value", async () => {
    assert.throws(() => parseCollectionQuery({ $filter: "status eq 'a''); drop table jobs; --'" }, OPTS),
      /is not a valid value for status/);
    assert.throws(() => parseCollectionQuery({ $filter: "status eq 'a'); drop table jobs; --'" }, OPTS), ODataQueryError);
    assert.equal(await tableCount(), 50);
  });
});

describe('orderby and paging against SQLite', () => {
  it('default order is createdDateTime asc then id', async () => {
    assert.deepEqual(await ids({}), ROWS.map((r) => r.id));
  });

  it('orderby priority desc, id tiebreaker in the direction of the last term (desc)', async () => {
    const expected = [...ROWS].sort((a, b) => b.priority - a.priority || b.id.localeCompare(a.id)).map((r) => r.id);
    assert.deepEqual(await ids({ $orderby: 'priority desc' }), expected);
  });

  it('nulls first ascending, last descending (OData), case-insensitive sort', async () => {
    const asc = await ids({ $orderby: 'lastUpdatedDateTime asc, id desc' });
    assert.equal(asc.slice(0, 25).every((id) => ROWS.find((r) => r.id === id)!.last_updated === null), true);
    assert.equal(asc[0], guid(48)); // nulls tie-broken by id desc
    const desc = await ids({ $orderby: 'displayName desc' });
    assert.equal(desc.at(-1), guid(49)); // the null name sorts last
    const names = desc.slice(0, -1).map((id) => ROWS.find((r) => r.id === id)!.display_name!.toLowerCase());
    assert.deepEqual(names, [...names].sort().reverse());
  });

  it('walks all pages with top + offset (legacy v1 / $skip form) and no overlap', async () => {
    const seen: string[] = [];
    let skip = 0;
    for (let page = 0; page < 10; page++) {
      const q = parseCollectionQuery({ $top: '7', $filter: "status ne 'failed'" }, { ...OPTS });
      q.skip = skip;
      const rows = await applyListQuery(db.selectFrom('jobs').select('id'), listQueryOf(q)).execute();
      const { items, nextOffset } = takePage(rows, q);
      seen.push(...items.map((r) => r.id));
      if (nextOffset === undefined) break;
      skip = nextOffset;
    }
    assert.deepEqual(seen, ROWS.filter((r) => r.status !== 'failed').map((r) => r.id));
  });

  it('count query uses only the filter', async () => {
    const q = parseCollectionQuery({ $filter: 'priority eq 0', $count: 'true' }, OPTS);
    const r = await applyListFilter(db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')), q.resolvedFilter)
      .executeTakeFirstOrThrow();
    assert.equal(r.n, 10);
    assert.equal(q.count, true);
  });
});

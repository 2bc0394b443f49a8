import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataQueryError } from '../../src/graph/odata/errors.js';
import type { FieldMap } from '../../src/graph/odata/fields.js';
import { parseCollectionQuery, parseEntityQuery, type CollectionOptions, type RawQuery } from '../../src/graph/odata/query.js';
import { encodeSkipToken, queryShape } from '../../src/graph/odata/paging.js';

const FIELDS: FieldMap = {
  id: { column: 'id', type: 'guid' },
  status: { column: 'status', type: 'enum', enumValues: ['submitted', 'completed'] },
  displayName: { column: 'display_name', type: 'string', caseInsensitive: true },
  createdDateTime: { column: 'created_at', type: 'datetime' },
  lastUpdatedDateTime: { column: 'updated_at', type: 'datetime', sortable: false },
  secret: { column: 'secret', type: 'string', sortable: false, filterable: false },
};
const OPTS: CollectionOptions = {
  typeName: 'microsoft.graph.crossTenantMigrationJob',
  fields: FIELDS,
  selectable: ['id', 'displayName', 'status', 'createdDateTime'],
  defaultPageSize: 20,
  maxPageSize: 999,
  defaultOrderBy: [{ field: 'createdDateTime', direction: 'desc' }],
  keyColumn: 'id',
};

function rejects(query: RawQuery, option: string, message: string, opts: CollectionOptions = OPTS): void {
  assert.throws(() => parseCollectionQuery(query, opts), (err: unknown) => {
    assert.ok(err instanceof ODataQueryError, String(err));
    assert.equal(err.message, message);
    assert.equal(err.option, option);
    return true;
  });
}

describe('parseCollectionQuery', () => {
  it('defaults', () => {
    const orderBy = [
      { field: 'createdDateTime', column: 'created_at', direction: 'desc' as const },
      // The tiebreaker takes the direction of the last term.
      { field: 'id', column: 'id', direction: 'desc' as const },
    ];
    assert.deepEqual(parseCollectionQuery({}, OPTS), {
      top: 20,
      skip: 0,
      orderBy,
      shape: queryShape(undefined, orderBy),
      count: false,
    });
  });

  it('parses every supported option, names case-insensitive', () => {
    const q = parseCollectionQuery({
      $TOP: '5', $Skip: '3', $COUNT: 'TRUE', $OrderBy: 'DisplayName desc,  status', $SELECT: 'status, DISPLAYNAME,status',
      $filter: "status eq 'completed'", plain: 'ignored', top: 'x', filter: 'not an option',
    }, OPTS);
    assert.equal(q.top, 5);
    assert.equal(q.skip, 3);
    assert.equal(q.count, true);
    assert.deepEqual(q.select, ['status', 'displayName']);
    assert.deepEqual(q.orderBy, [
      { field: 'displayName', column: 'display_name', direction: 'desc', caseInsensitive: true },
      { field: 'status', column: 'status', direction: 'asc' },
      { field: 'id', column: 'id', direction: 'asc' },
    ]);
    assert.equal(q.filter?.type, 'compare');
  });

  it('does not duplicate the key tiebreaker when ordering by id', () => {
    const q = parseCollectionQuery({ $orderby: 'id desc' }, OPTS);
    assert.deepEqual(q.orderBy, [{ field: 'id', column: 'id', direction: 'desc' }]);
  });

  it('$select=* means all properties', () => {
    assert.equal(parseCollectionQuery({ $select: '*' }, OPTS).select, undefined);
  });

  it('$skiptoken combines with $skip', () => {
    assert.equal(parseCollectionQuery({ $skiptoken: encodeSkipToken(40) }, OPTS).skip, 40);
    assert.equal(parseCollectionQuery({ $skiptoken: encodeSkipToken(40), $skip: '2' }, OPTS).skip, 42);
  });

  it('single-element arrays are accepted; max page size is respected', () => {
    assert.equal(parseCollectionQuery({ $top: ['999'] }, OPTS).top, 999);
    assert.equal(parseCollectionQuery({}, { ...OPTS, defaultPageSize: 50, maxPageSize: 10 }).top, 10);
  });

  describe('errors', () => {
    const top = (v: string): string => `Invalid $top value '${v}': must be an integer between 1 and 999.`;
    it('$top', () => {
      for (const v of ['0', '1000', '-1', 'abc', '1.5', '', '1e2', '99999999999']) rejects({ $top: v }, '$top', top(v));
      rejects({ $top: '11' }, '$top', "Invalid $top value '11': must be an integer between 1 and 10.", { ...OPTS, maxPageSize: 10 });
    });
    it('$skip', () => {
      for (const v of ['-1', 'x', '1.0', '']) {
        rejects({ $skip: v }, '$skip', `Invalid $skip value '${v}': must be a non-negative integer.`);
      }
    });
    it('$count', () => rejects({ $count: 'yes' }, '$count', "Invalid $count value 'yes': must be true or false."));
    it('$skiptoken', () => {
      for (const v of ['', 'garbage!', 'eyJ2IjoyLCJvIjoxfQ', Buffer.from('{"v":1,"o":-4}').toString('base64url'), 'bnVsbA']) {
        rejects({ $skiptoken: v }, '$skiptoken', 'Invalid $skiptoken.');
      }
    });
    it('$orderby', () => {
      rejects({ $orderby: 'foo' }, '$orderby',
        "Invalid $orderby: property 'foo' is not sortable on this resource. Sortable: id, status, displayName, createdDateTime.");
      rejects({ $orderby: 'lastUpdatedDateTime desc' }, '$orderby',
        "Invalid $orderby: property 'lastUpdatedDateTime' is not sortable on this resource. Sortable: id, status, displayName, createdDateTime.");
      rejects({ $orderby: 'status sideways' }, '$orderby',
        "Invalid $orderby: 'status sideways' is not a valid sort item; expected 'property [asc|desc]'.");
      rejects({ $orderby: 'status,' }, '$orderby', 'Invalid $orderby: empty sort item in the list.');
      rejects({ $orderby: 'status, STATUS desc' }, '$orderby', "Invalid $orderby: property 'status' appears more than once.");
    });
    it('$select', () => {
      rejects({ $select: 'id,foo' }, '$select', "Could not find a property named 'foo' on type 'microsoft.graph.crossTenantMigrationJob'.");
      rejects({ $select: 'id,,status' }, '$select', 'Invalid $select: empty property name in the list.');
      rejects({ $select: 'x' }, '$select', "Could not find a property named 'x' on type 'microsoft.graph.job'.", { ...OPTS, typeName: 'job' });
    });
    it('$filter errors surface at parse time, including field type errors', () => {
      rejects({ $filter: "status eq 'x'" }, '$filter', "Invalid $filter: 'x' is not a valid value for status. Valid values: submitted, completed.");
      rejects({ $filter: "secret eq 'x'" }, '$filter',
        "Invalid $filter: property 'secret' is not filterable on this resource. Filterable: id, status, displayName, createdDateTime, lastUpdatedDateTime.");
      rejects({ $filter: '' }, '$filter', 'Invalid $filter: the expression is empty.');
    });
    it('unsupported options', () => {
      for (const name of ['$expand', '$search', '$format', '$apply', '$compute', '$levels', '$whatever']) {
        rejects({ [name]: 'x' }, name, `Query option '${name}' is not supported on this resource.`);
      }
      rejects({ $EXPAND: 'x' }, '$expand', "Query option '$expand' is not supported on this resource.");
      rejects({ $expand: 'x' }, '$expand', "Query option '$expand' is not supported on this resource.",
        { ...OPTS, allowed: { expand: false, search: false } });
    });
    it('duplicates', () => {
      rejects({ $top: ['1', '2'] }, '$top', "Query option '$top' was specified more than once.");
      rejects({ $top: '1', $TOP: '2' }, '$top', "Query option '$top' was specified more than once.");
      rejects({ $filter: ["status eq 'completed'", "status eq 'completed'"] }, '$filter',
        "Query option '$filter' was specified more than once.");
    });
  });
});

describe('parseEntityQuery', () => {
  const opts = { typeName: 'microsoft.graph.crossTenantMigrationJob', selectable: OPTS.selectable };
  it('accepts $select only', () => {
    assert.deepEqual(parseEntityQuery({}, opts), {});
    assert.deepEqual(parseEntityQuery({ $Select: 'STATUS,id', other: 'x' }, opts), { select: ['status', 'id'] });
  });
  it('rejects other options and bad names', () => {
    assert.throws(() => parseEntityQuery({ $top: '1' }, opts), {
      name: 'ODataQueryError', message: "Query option '$top' is not supported on this resource.",
    });
    assert.throws(() => parseEntityQuery({ $filter: "status eq 'x'" }, opts), {
      message: "Query option '$filter' is not supported on this resource.",
    });
    assert.throws(() => parseEntityQuery({ $select: 'nope' }, opts), {
      message: "Could not find a property named 'nope' on type 'microsoft.graph.crossTenantMigrationJob'.",
    });
    assert.throws(() => parseEntityQuery({ $select: ['id', 'status'] }, opts), {
      message: "Query option '$select' was specified more than once.",
    });
  });
});

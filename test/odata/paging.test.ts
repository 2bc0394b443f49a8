import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataQueryError } from '../../src/graph/odata/errors.js';
import {
  applySelect, buildNextLink, contextSuffixForSelect, decodeSkipToken, encodeKeysetToken, encodeSkipToken,
  MAX_SKIPTOKEN_LENGTH, nextSkipToken, parseSkipToken, queryShape, readSortValue, sortValuesOf, takePage,
} from '../../src/graph/odata/paging.js';
import type { OrderByItem } from '../../src/graph/odata/query.js';

const isInvalidToken = (e: unknown): boolean =>
  e instanceof ODataQueryError && e.message === 'Invalid $skiptoken.' && e.option === '$skiptoken';
const b64 = (json: string): string => Buffer.from(json).toString('base64url');

describe('skiptoken v1 (legacy offset, still accepted)', () => {
  it('round-trips and is opaque base64url', () => {
    for (const n of [0, 1, 20, 999, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const t = encodeSkipToken(n);
      assert.match(t, /^[A-Za-z0-9_-]+$/);
      assert.equal(decodeSkipToken(t), n);
    }
    assert.equal(Buffer.from(encodeSkipToken(20), 'base64url').toString(), '{"v":1,"o":20}');
  });

  it('rejects garbage with ODataQueryError', () => {
    const bad = ['', '!!', 'a b', 'x'.repeat(300), 'x'.repeat(MAX_SKIPTOKEN_LENGTH + 4), Buffer.from('{"v":1}').toString('base64url'),
      Buffer.from('{"v":1,"o":1.5}').toString('base64url'), Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"v":1,"o":"3"}').toString('base64url'), Buffer.from('not json').toString('base64url'),
      Buffer.from('{"o":20,"v":1}').toString('base64url'), Buffer.from('{"v":1, "o":20}').toString('base64url')];
    for (const t of bad) {
      assert.throws(() => decodeSkipToken(t), isInvalidToken);
      assert.throws(() => parseSkipToken(t), isInvalidToken);
    }
  });

  it('parseSkipToken reports the offset; decodeSkipToken refuses v2 tokens', () => {
    assert.deepEqual(parseSkipToken(encodeSkipToken(40)), { v: 1, offset: 40 });
    assert.throws(() => decodeSkipToken(encodeKeysetToken({ shape: 'abc', size: 5, after: [1] })), isInvalidToken);
  });

  it('refuses to encode invalid offsets (programming error)', () => {
    assert.throws(() => encodeSkipToken(-1), RangeError);
  });
});

describe('skiptoken v2 (keyset)', () => {
  it('round-trips anchor values (incl. null, numbers, non-ASCII) and the offset fallback', () => {
    const cases = [
      { shape: 'k3j9x', size: 20, after: ['2026-05-01T00:00:00.000Z', 'Émile "Zoë" \\ ünïcödé ✓', null, 7, -1.5] },
      { shape: '0', size: 1, after: [''], offset: 0 },
      { shape: 'zzzzzzzzzzzz', size: 999, offset: 40 },
      { shape: 'a1', size: 3, after: [null], offset: 12 },
    ];
    for (const c of cases) {
      const t = encodeKeysetToken(c);
      assert.match(t, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(parseSkipToken(t), { v: 2, shape: c.shape, size: c.size, offset: c.offset ?? 0, ...(c.after ? { after: c.after } : {}) });
    }
    assert.equal(Buffer.from(encodeKeysetToken({ shape: 'ab', size: 20, after: ['é', 3] }), 'base64url').toString(),
      '{"v":2,"h":"ab","n":20,"k":["\\u00e9",3]}');
  });

  it('rejects malformed and non-canonical v2 payloads', () => {
    const bad = [
      '{"v":2,"n":20,"k":[1]}', '{"v":2,"h":"ab","k":[1]}', '{"v":2,"h":"AB","n":20,"k":[1]}', '{"v":2,"h":"ab","n":0,"k":[1]}',
      '{"v":2,"h":"ab","n":20,"k":[]}', '{"v":2,"h":"ab","n":20,"k":[{}]}', '{"v":2,"h":"ab","n":20,"k":[true]}',
      '{"v":2,"h":"ab","n":20,"k":[[1]]}', '{"v":2,"h":"ab","n":20,"k":1}', '{"v":2,"h":"ab","n":20,"o":0}',
      '{"v":2,"h":"ab","n":20,"o":-1}', '{"v":2,"h":"ab","n":20,"o":1.5}', '{"v":3,"h":"ab","n":20}',
      '{"h":"ab","v":2,"n":20,"k":[1]}', '{"v":2,"h":"ab","n":20,"k":[1],"x":1}', '{"v":2,"h":"ab","n":20,"k":["é"]}',
      '{"v":2, "h":"ab","n":20,"k":[1]}',
    ];
    for (const json of bad) assert.throws(() => parseSkipToken(b64(json)), isInvalidToken, json);
    // ... while the canonical spellings of the same content are fine.
    assert.equal(parseSkipToken(b64('{"v":2,"h":"ab","n":20,"k":[1]}')).v, 2);
    assert.equal(parseSkipToken(b64('{"v":2,"h":"ab","n":20,"k":["\\u00e9"]}')).v, 2);
  });

  it('refuses to encode invalid tokens (programming error)', () => {
    assert.throws(() => encodeKeysetToken({ shape: 'AB', size: 1 }), RangeError);
    assert.throws(() => encodeKeysetToken({ shape: 'ab', size: 0 }), RangeError);
    assert.throws(() => encodeKeysetToken({ shape: 'ab', size: 1, after: [] }), RangeError);
    assert.throws(() => encodeKeysetToken({ shape: 'ab', size: 1, after: [Number.NaN] }), RangeError);
  });

  it('queryShape: normalized filter + full order, short', () => {
    const order: OrderByItem[] = [{ field: 'name', column: 'name', direction: 'asc', caseInsensitive: true }, { field: 'id', column: 'id', direction: 'asc' }];
    const f = { type: 'compare', op: 'eq', column: 'status', lower: false, value: 'x' };
    assert.match(queryShape(f, order), /^[0-9a-z]{1,12}$/);
    assert.equal(queryShape(f, order), queryShape({ ...f }, order.map((o) => ({ ...o }))));
    assert.notEqual(queryShape(f, order), queryShape(undefined, order));
    assert.notEqual(queryShape(f, order), queryShape({ ...f, value: 'y' }, order));
    assert.notEqual(queryShape(f, order), queryShape(f, [order[0]!, { ...order[1]!, direction: 'desc' }]));
    assert.notEqual(queryShape(undefined, order), queryShape(undefined, [{ ...order[0]!, caseInsensitive: false }, order[1]!]));
  });
});

describe('sort values of a row / nextSkipToken', () => {
  const order: OrderByItem[] = [
    { field: 'displayName', column: 'u.display_name', direction: 'desc', caseInsensitive: true },
    { field: 'size', column: 'size', direction: 'desc' },
    { field: 'id', column: 'u.id', direction: 'desc' },
  ];
  const fields = {
    displayName: { column: 'u.display_name', type: 'string' as const, caseInsensitive: true },
    size: { column: 'size', type: 'int' as const },
    id: { column: 'u.id', type: 'string' as const },
  };

  it('reads row[column], else the bare name of a qualified column', () => {
    assert.equal(readSortValue({ 'u.id': 'q', id: 'bare' }, 'u.id'), 'q');
    assert.equal(readSortValue({ id: 'bare' }, 'u.id'), 'bare');
    assert.equal(readSortValue({ id: 'bare' }, 'x'), undefined);
    assert.equal(readSortValue(null, 'x'), undefined);
    assert.deepEqual(sortValuesOf({ display_name: 'Émile', size: 10, id: 'a' }, order, fields), ['Émile', 10, 'a']);
    assert.deepEqual(sortValuesOf({ display_name: null, size: '9007199254740993', id: 'a' }, order, fields), [null, '9007199254740993', 'a']);
    assert.deepEqual(sortValuesOf({ display_name: 'x', size: 10n, id: 'a' }, order, fields), ['x', 10, 'a']);
    assert.deepEqual(sortValuesOf({ display_name: new Date(0), size: 1, id: 'a' }, order, fields), ['1970-01-01T00:00:00.000Z', 1, 'a']);
    // Not carriable: missing column, wrong kind for the field, booleans/objects.
    assert.equal(sortValuesOf({ display_name: 'x', id: 'a' }, order, fields), undefined);
    assert.equal(sortValuesOf({ display_name: 'x', size: 'ten', id: 'a' }, order, fields), undefined);
    assert.equal(sortValuesOf({ display_name: 5, size: 1, id: 'a' }, order, fields), undefined);
    assert.equal(sortValuesOf({ display_name: 'x', size: true, id: 'a' }, order, fields), undefined);
    // A custom reader.
    assert.deepEqual(sortValuesOf({ n: 'x' }, order, fields, (_r, c) => (c === 'size' ? 1 : c)), ['u.display_name', 1, 'u.id']);
  });

  it('keyset token from the last row; offset fallback (keeping the anchor) when a value cannot be carried', () => {
    const q = { top: 5, skip: 0, orderBy: order, shape: 'abc' };
    const t = parseSkipToken(nextSkipToken(q, { display_name: 'Zoë', size: 3, id: 'k' }, fields));
    assert.deepEqual(t, { v: 2, shape: 'abc', size: 5, offset: 0, after: ['Zoë', 3, 'k'] });
    // The first page's last row has no readable `size`: offset from the start.
    assert.deepEqual(parseSkipToken(nextSkipToken({ ...q, skip: 2 }, { display_name: 'Zoë', id: 'k' }, fields)),
      { v: 2, shape: 'abc', size: 5, offset: 7 });
    // A later page (anchored): same anchor, offset advanced by a page.
    assert.deepEqual(parseSkipToken(nextSkipToken({ ...q, skip: 5, after: ['a', 1, 'b'] }, { display_name: 'Zoë', id: 'k' }, fields)),
      { v: 2, shape: 'abc', size: 5, offset: 10, after: ['a', 1, 'b'] });
    // A value too long for a URL-sized token.
    const long = 'é'.repeat(MAX_SKIPTOKEN_LENGTH);
    const fallback = nextSkipToken(q, { display_name: long, size: 1, id: 'k' }, fields);
    assert.ok(fallback.length <= MAX_SKIPTOKEN_LENGTH);
    assert.deepEqual(parseSkipToken(fallback), { v: 2, shape: 'abc', size: 5, offset: 5 });
  });
});

describe('buildNextLink', () => {
  it('appends a keyset token verbatim', () => {
    const t = encodeKeysetToken({ shape: 'ab', size: 2, after: ['x', 1] });
    assert.equal(buildNextLink(new URL('http://localhost/beta/x?$top=2&$skip=4&$skiptoken=old'), t),
      `http://localhost/beta/x?$top=2&$skiptoken=${t}`);
    assert.throws(() => buildNextLink(new URL('http://localhost/beta/x'), 'a&b=c'), RangeError);
  });

  it('keeps $filter/$orderby/$select verbatim and replaces $skip/$skiptoken', () => {
    const url = new URL(
      "https://graph.test:8443/beta/solutions/migrations/jobs?$filter=status%20eq%20'completed'&$orderby=displayName+desc" +
      `&$select=id,status&$SKIP=5&$top=10&$skiptoken=${encodeSkipToken(40)}&custom=a%26b`);
    const link = buildNextLink(url, 55);
    // (WHATWG URL itself percent-encodes the quote in special-scheme queries.)
    assert.equal(link,
      'https://graph.test:8443/beta/solutions/migrations/jobs?$filter=status%20eq%20%27completed%27&$orderby=displayName+desc' +
      `&$select=id,status&$top=10&custom=a%26b&$skiptoken=${encodeSkipToken(55)}`);
    const next = new URL(link);
    assert.equal(next.searchParams.get('$filter'), "status eq 'completed'");
    assert.equal(next.searchParams.get('$orderby'), 'displayName desc');
    assert.equal(next.searchParams.getAll('$skiptoken').length, 1);
    assert.equal(decodeSkipToken(next.searchParams.get('$skiptoken')!), 55);
  });

  it('drops percent-encoded $skip names too and works without a query', () => {
    assert.equal(buildNextLink(new URL('http://localhost/beta/x?%24skip=3&%24skiptoken=abc'), 3),
      `http://localhost/beta/x?$skiptoken=${encodeSkipToken(3)}`);
    assert.equal(buildNextLink(new URL('http://localhost/beta/x'), 20),
      `http://localhost/beta/x?$skiptoken=${encodeSkipToken(20)}`);
  });
});

describe('takePage', () => {
  it('detects a next page from the extra row', () => {
    assert.deepEqual(takePage([1, 2, 3], { top: 2, skip: 10 }), { items: [1, 2], nextOffset: 12 });
    assert.deepEqual(takePage([1, 2], { top: 2, skip: 10 }), { items: [1, 2] });
  });
});

describe('applySelect / contextSuffixForSelect', () => {
  const entity = { '@odata.type': '#microsoft.graph.job', id: '1', displayName: 'a', status: 'x', extra: null };
  it('projects selected + always properties, keeping annotations and entity order', () => {
    assert.deepEqual(applySelect(entity, ['status', 'displayName']),
      { '@odata.type': '#microsoft.graph.job', id: '1', displayName: 'a', status: 'x' });
    assert.deepEqual(Object.keys(applySelect(entity, ['status'], [])), ['@odata.type', 'status']);
    assert.equal(applySelect(entity, undefined), entity);
  });
  it('context suffix', () => {
    assert.equal(contextSuffixForSelect(['id', 'status']), '(id,status)');
    assert.equal(contextSuffixForSelect(undefined), '');
    assert.equal(contextSuffixForSelect([]), '');
  });
});

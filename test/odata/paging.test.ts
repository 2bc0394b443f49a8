import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ODataQueryError } from '../../src/graph/odata/errors.js';
import {
  applySelect, buildNextLink, contextSuffixForSelect, decodeSkipToken, encodeSkipToken, takePage,
} from '../../src/graph/odata/paging.js';

describe('skiptoken', () => {
  it('round-trips and is opaque base64url', () => {
    for (const n of [0, 1, 20, 999, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const t = encodeSkipToken(n);
      assert.match(t, /^[A-Za-z0-9_-]+$/);
      assert.equal(decodeSkipToken(t), n);
    }
    assert.equal(Buffer.from(encodeSkipToken(20), 'base64url').toString(), '{"v":1,"o":20}');
  });

  it('rejects garbage with ODataQueryError', () => {
    const bad = ['', '!!', 'a b', 'x'.repeat(300), Buffer.from('{"v":1}').toString('base64url'),
      Buffer.from('{"v":1,"o":1.5}').toString('base64url'), Buffer.from('[1]').toString('base64url'),
      Buffer.from('{"v":1,"o":"3"}').toString('base64url'), Buffer.from('not json').toString('base64url'),
      Buffer.from('{"o":20,"v":1}').toString('base64url'), Buffer.from('{"v":1, "o":20}').toString('base64url')];
    for (const t of bad) {
      assert.throws(() => decodeSkipToken(t), (e: unknown) =>
        e instanceof ODataQueryError && e.message === 'Invalid $skiptoken.' && e.option === '$skiptoken');
    }
  });

  it('refuses to encode invalid offsets (programming error)', () => {
    assert.throws(() => encodeSkipToken(-1), RangeError);
  });
});

describe('buildNextLink', () => {
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

// PostgreSQL timestamptz text → the ISO-8601 `Z` text (ms) SQLite stores; no server needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoFromPg } from '../../src/store/pgTypes.js';

test('timestamptz text in a UTC session becomes ISO-8601 with ms and Z', () => {
  assert.equal(isoFromPg('2026-06-01 00:00:00+00'), '2026-06-01T00:00:00.000Z');
  assert.equal(isoFromPg('2026-06-01 00:00:00.5+00'), '2026-06-01T00:00:00.500Z');
  assert.equal(isoFromPg('2026-06-01 00:00:00.123456+00'), '2026-06-01T00:00:00.123Z');
  assert.equal(isoFromPg('9999-12-31 23:59:59.999+00'), '9999-12-31T23:59:59.999Z');
});

test('another session time zone is converted, not misread', () => {
  assert.equal(isoFromPg('2026-06-01 02:00:00.1+02'), '2026-06-01T00:00:00.100Z');
  assert.equal(isoFromPg('2026-06-01 00:00:00-05:30'), '2026-06-01T05:30:00.000Z');
});

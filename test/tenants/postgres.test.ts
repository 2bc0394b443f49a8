// The scenario loader's PostgreSQL path (Kysely inserts in one transaction): same rows as SQLite,
// idempotent, and a refused file leaves the database untouched. Uses a throwaway database on
// XTM_TEST_PG (default postgres://postgres@127.0.0.1:5432/test).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/db.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { frozenClock, rowCounts, snapshot } from './helpers.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';

const clock = frozenClock();
let store: Store;
let pgdb: TempDatabase;

// PostgreSQL-only: skipped with the reason when no server answers (npm test says so once).
const skip = (await pgUnreachable()) ?? false;

before(async () => {
  if (skip) return;
  pgdb = await createTempDatabase('tenants');
  store = await openStore(pgdb.url);
});

after(async () => {
  await store?.close();
  await pgdb?.drop();
});

test('postgres: the demo loads with the same rows as on SQLite, twice, and a bad file changes nothing', { skip }, async () => {
  assert.equal(store.dialect, 'postgres');
  const report = await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
  const sqlite = await openStore(':memory:'); // SQLite, also under test:postgres
  try {
    await loadScenario(sqlite, clock, { path: 'scenarios/demo.yaml' });
    assert.deepEqual(await rowCounts(store), await rowCounts(sqlite));
  } finally {
    await sqlite.close();
  }
  // Each load hashes the scenario's secrets and passwords with a fresh salt: the reload is compared
  // with the hashes masked, the refused file below against the exact rows.
  const masked = (snap: Record<string, unknown[]>) => JSON.parse(JSON.stringify(snap).replace(/scrypt\$[^"\\]+/g, 'scrypt$<salted>'));
  const first = await snapshot(store);
  await loadScenario(store, clock, { path: 'scenarios/demo.yaml' });
  const second = await snapshot(store);
  assert.deepEqual(masked(second), masked(first));
  assert.ok(report.items.total > 3000);

  const bad = `name: bad\ntenants:\n  - { id: 11111111-1111-4111-8111-111111111111, displayName: Contoso, initialDomain: contoso.onmicrosoft.com,\n      users: [{ userPrincipalName: x@northwind.com }] }\n`;
  await assert.rejects(loadScenario(store, clock, { text: bad, name: 'bad.yaml' }), (e: unknown) => e instanceof ScenarioError && e.issues[0]?.line === 4);
  assert.deepEqual(await snapshot(store), second);
});

// The throttle budget set in a scenario file (issue 25: "configurable in the scenario"): the server
// applies it, keeps it with the store, a rehearsal reset puts it back after an admin change, and a bad
// budget is refused by the scenario loader and the admin API alike (one schema).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers.js';
import { demoToken, demoPair } from '../migration/http.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { readThrottleBudget } from '../../src/store/settingsRepo.js';
import { CONTOSO, frozenClock, memoryStore } from '../tenants/helpers.js';
import type { Store } from '../../src/store/db.js';

const DEMO = join(import.meta.dirname, '..', '..', 'scenarios', 'demo.yaml');
const withBudget = (text: string, budget: string) => `${text.trimEnd()}\nthrottling:\n  budget: ${budget}\n`;

describe('a scenario with a throttle budget', () => {
  let s: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-throttle-'));
  before(async () => {
    const file = join(dir, 'demo-throttled.yaml');
    writeFileSync(file, withBudget(readFileSync(DEMO, 'utf8'), '{ requests: 3, windowSeconds: 60 }'));
    s = await startServer({ scenario: file }, { seed: async () => {}, validate: 'rules' });
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is the budget every app has per tenant (429 past it), and a reset restores it after an admin change', async () => {
    assert.deepEqual((await s.api('GET', '/xtm/admin/throttling')).body.budget, { requests: 3, windowSeconds: 60 });
    const tok = await demoToken(s, 'source');
    const read = () => s.api('GET', `/beta/users/${demoPair(1).src}`, { token: tok });
    for (let i = 0; i < 3; i++) assert.equal((await read()).status, 200);
    const over = await read();
    assert.equal(over.status, 429, over.text);
    assert.equal(over.body.error.code, 'TooManyRequests');
    assert.equal((await s.api('PUT', '/xtm/admin/throttling', { body: { budget: { requests: 0, windowSeconds: 1 } } })).status, 200);
    assert.equal((await read()).status, 200, 'the admin API overrides it');
    assert.equal((await s.api('POST', '/xtm/admin/reset')).status, 200);
    assert.deepEqual((await s.api('GET', '/xtm/admin/throttling')).body.budget, { requests: 3, windowSeconds: 60 }, 'the scenario\'s again');
  });

  it('a bad budget is refused by the admin API as by the scenario loader', async () => {
    for (const budget of [{ requests: -1, windowSeconds: 60 }, { requests: 5, windowSeconds: 0 }, { requests: 5, windowSeconds: 60, burst: 2 }, { requests: 1.5, windowSeconds: 60 }]) {
      const r = await s.api('PUT', '/xtm/admin/throttling', { body: { budget } });
      assert.equal(r.status, 400, `${JSON.stringify(budget)}: ${r.text}`);
    }
  });
});

describe('loading a scenario', () => {
  let store: Store;
  before(async () => { store = await memoryStore(); });
  after(() => store.close());
  const tenant = `name: t\ntenants:\n  - { id: ${CONTOSO}, displayName: Contoso, initialDomain: contoso.onmicrosoft.com }\n`;

  it('keeps the file\'s budget with the store, and a file without one removes it', async () => {
    await loadScenario(store, frozenClock(), { text: withBudget(tenant, '{ requests: 100, windowSeconds: 10 }'), name: 'a.yaml' });
    assert.deepEqual(await readThrottleBudget(store.db), { requests: 100, windowSeconds: 10 });
    await loadScenario(store, frozenClock(), { text: tenant, name: 'b.yaml' });
    assert.equal(await readThrottleBudget(store.db), undefined);
  });

  it('refuses what the admin API refuses, each error with its path', async () => {
    const refused = async (budget: string) => {
      const err = await loadScenario(store, frozenClock(), { text: withBudget(tenant, budget), name: 'bad.yaml' }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ScenarioError, String(err));
      return err.issues.map((i) => i.path);
    };
    assert.deepEqual(await refused('{ requests: -1, windowSeconds: 60 }'), ['throttling.budget.requests']);
    assert.deepEqual(await refused('{ requests: 5, windowSeconds: 0 }'), ['throttling.budget.windowSeconds']);
    assert.deepEqual(await refused('{ requests: 5, windowSeconds: 60, burst: 2 }'), ['throttling.budget.burst']);
    assert.deepEqual(await refused('{ requests: 1.5, windowSeconds: 60 }'), ['throttling.budget.requests']);
    assert.equal(await readThrottleBudget(store.db), undefined, 'nothing kept from a refused file');
  });
});

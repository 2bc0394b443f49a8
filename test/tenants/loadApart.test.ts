// `xtm serve --scenario`'s first load in a thread of its own (tenants/scenario/loadApart.ts): the same
// rows as a load in place (the thread follows the server's clock), a refused file refused the same way
// with nothing written, and a ':memory:' store loaded in place.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { loadScenarioFileApart } from '../../src/tenants/scenario/loadApart.js';
import { CONTOSO, FABRIKAM, frozenClock, snapshot } from './helpers.js';

const text = `name: apart
tenants:
  - { id: ${CONTOSO}, displayName: Contoso, initialDomain: contoso.onmicrosoft.com, defaultDomain: contoso.com, domains: [contoso.com] }
  - { id: ${FABRIKAM}, displayName: Fabrikam, initialDomain: fabrikam.onmicrosoft.com, defaultDomain: fabrikam.com, domains: [fabrikam.com] }
generate: { source: contoso.com, target: ${FABRIKAM}, seed: 7, users: 12, mailItemsPerUser: 5, filesPerUser: 3, chatsPerUser: 2, chatMessagesPerUser: 4, meetingsPerUser: 1 }
`;

describe('scenario load apart from the server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-load-apart-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it('writes what a load in place writes, stamped by the server clock', async () => {
    const clock = frozenClock();
    clock.advance(62 * 86_400_000 + 5_000); // the thread must read this time, not its own
    const store = await openStore(join(dir, 'a.db'));
    const inPlace = await openStore(join(dir, 'in-place.db')); // the same backend on both sides (the suite may run on PostgreSQL)
    try {
      const report = await loadScenarioFileApart(store, clock, file('apart.yaml', text));
      assert.equal(report.users, 24); // a source mailbox and a target MailUser each
      await loadScenario(inPlace, clock, { path: join(dir, 'apart.yaml') });
      assert.deepEqual(await snapshot(store), await snapshot(inPlace));
    } finally {
      await store.close();
      await inPlace.close();
    }
  });

  it('refuses a bad file with its issues, and writes nothing', async () => {
    const store = await openStore(join(dir, 'b.db'));
    try {
      const before = await snapshot(store);
      const err = await loadScenarioFileApart(store, frozenClock(), file('bad.yaml', text.replace('seed: 7', 'seed: seven'))).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
      assert.deepEqual(err.issues.map((i) => `${i.line} ${i.path}: ${i.message}`), ['5 generate.seed: must be integer, not string']);
      assert.deepEqual(await snapshot(store), before);
    } finally {
      await store.close();
    }
  });

  it('loads a :memory: store in place', async () => {
    const store = await openStore(':memory:');
    try {
      assert.equal((await loadScenarioFileApart(store, frozenClock(), file('mem.yaml', text))).users, 24);
    } finally {
      await store.close();
    }
  });
});

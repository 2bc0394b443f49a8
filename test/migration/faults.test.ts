// Migration faults: the same checks from a scenario file and from the admin API, the engine's consult
// API (loadFaults), a transient countdown that goes down exactly once per attempt (also across a
// SIGKILL), and mid-move faults that change the source tenant once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse, stringify } from 'yaml';
import { consumeTransient, fireMidMoveFaults, loadFaults, AUX_ARCHIVE_CODE } from '../../src/engine/migration/faults.js';
import { changesSince, currentSeq } from '../../src/store/changesRepo.js';
import { openStore, type Store } from '../../src/store/db.js';
import { loadScenario, ScenarioError } from '../../src/tenants/scenario/index.js';
import { applyTenantChanges } from '../../src/tenants/writers.js';
import { CONTOSO, frozenClock } from '../tenants/helpers.js';
import { startServer, type TestServer } from '../helpers.js';
import { withPostgres } from '../pg.js';

const clock = frozenClock();
const MEGAN = 'c1000000-0000-4000-8000-000000000001';
const ALEX = 'c1000000-0000-4000-8000-000000000002';
const LYNNE = 'c1000000-0000-4000-8000-000000000003';

/** The demo scenario with migration faults on the Contoso tenant. */
function demoWith(faults: unknown[]): string {
  const doc = parse(readFileSync('scenarios/demo.yaml', 'utf8'));
  doc.tenants[0].migrationFaults = faults;
  return stringify(doc);
}

const FAULTS = [
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'transientError', count: 2 },
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'corruptItems', count: 3 },
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'oversizedItems' },
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'slowThroughput', throughputPercent: 25 },
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'holdDuringMove', afterPass: 2 },
  { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'sourceChangesBetweenPasses', added: 2, changed: 1, deleted: 1 },
  { user: ALEX, workload: 'Teams', kind: 'permanentError' },
  { user: 'lynne.robbins@contoso.com', workload: 'Exchange', kind: 'auxArchiveDuringMove' },
];

let store: Store;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xtm-faults-'));
  store = await openStore(join(dir, 'xtm.db'));
  await loadScenario(store, clock, { text: demoWith(FAULTS), name: 'faults.yaml' });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('scenario faults reach the consult API with their defaults', async () => {
  const megan = await loadFaults(store.db, { tenantId: CONTOSO, userId: MEGAN, workload: 'Exchange' });
  assert.deepEqual(megan, {
    transientRemaining: 2, permanent: null, throughputFactor: 0.25, skip: { corrupt: 3, oversized: 1 },
    pending: [{ kind: 'holdDuringMove', afterPass: 2 }, { kind: 'sourceChangesBetweenPasses', afterPass: 1 }],
  });
  assert.deepEqual(await loadFaults(store.db, { tenantId: CONTOSO, userId: MEGAN, workload: 'ODSP' }),
    { transientRemaining: 0, permanent: null, throughputFactor: 1, skip: { corrupt: 0, oversized: 0 }, pending: [] });
  const alex = await loadFaults(store.db, { tenantId: CONTOSO, userId: ALEX, workload: 'Teams' });
  assert.deepEqual(alex.permanent, { code: 'MIGR-003', message: 'User alex.wilber@contoso.com migration failed. Please retry user migration.' });
});

const BAD = [
  { user: 'nobody@contoso.com', workload: 'Exchange', kind: 'transientError' },
  { user: MEGAN, workload: 'ODSP', kind: 'holdDuringMove' },
  { user: MEGAN, workload: 'Teams', kind: 'permanentError', count: 2 },
  { user: MEGAN, workload: 'Exchange', kind: 'sourceChangesBetweenPasses', added: 0, changed: 0, deleted: 0 },
];
const BAD_MESSAGES = [
  "user 'nobody@contoso.com' is not a user of tenant 'Contoso'",
  'holdDuringMove happens between sync passes, which only the Exchange workload has (not ODSP)',
  'count does not apply to a permanentError fault',
  'sourceChangesBetweenPasses needs at least one of added, changed, deleted above 0',
];

test('a scenario file with bad faults is refused whole, naming each one', async () => {
  const other = await openStore(':memory:');
  try {
    await assert.rejects(loadScenario(other, clock, { text: demoWith([...FAULTS, ...BAD]), name: 'bad.yaml' }), (e: unknown) => {
      assert.ok(e instanceof ScenarioError);
      const msgs = e.issues.map((i) => `${i.path}: ${i.message}`);
      BAD_MESSAGES.forEach((m, i) => assert.ok(msgs.some((x) => x.startsWith(`tenants[0].migrationFaults[${FAULTS.length + i}]`) && x.endsWith(m)), `${m} in ${msgs.join('\n')}`));
      return true;
    });
    assert.equal((await other.db.selectFrom('migration_faults').selectAll().execute()).length, 0);
  } finally {
    await other.close();
  }
  const dup = await openStore(':memory:');
  try {
    await assert.rejects(loadScenario(dup, clock, { text: demoWith([FAULTS[0], { ...FAULTS[0], user: MEGAN }]), name: 'dup.yaml' }), /twice/);
  } finally {
    await dup.close();
  }
});

test('transient errors: down exactly once per attempt, never below zero', async () => {
  const t = { tenantId: CONTOSO, userId: MEGAN, workload: 'Exchange' as const };
  const a1 = await consumeTransient(store.db, clock, { ...t, attemptKey: 'item-1:1' });
  assert.ok(a1.fail && a1.remaining === 1 && /Transient error/.test(a1.error.message));
  const again = await consumeTransient(store.db, clock, { ...t, attemptKey: 'item-1:1' });
  assert.ok(again.fail && again.remaining === 1, 'the same attempt re-run takes nothing more');
  const results = await Promise.all(['item-1:2', 'item-1:3', 'item-1:4'].map((k) => consumeTransient(store.db, clock, { ...t, attemptKey: k })));
  assert.equal(results.filter((r) => r.fail).length, 1);
  assert.equal((await loadFaults(store.db, t)).transientRemaining, 0);
  assert.deepEqual(await consumeTransient(store.db, clock, { ...t, attemptKey: 'item-1:5' }), { fail: false });
  assert.deepEqual(await consumeTransient(store.db, clock, { ...t, userId: LYNNE, attemptKey: 'x' }), { fail: false });
});

/** Runs consumeTransient in a child process on the same store file; `hang` keeps it alive after answering so it can be SIGKILLed. */
function child(db: string, attemptKey: string, hang: boolean): Promise<string> {
  const code = `
    import { openStore } from './src/store/db.js';
    import { Clock } from './src/clock.js';
    import { consumeTransient } from './src/engine/migration/faults.js';
    const store = await openStore(${JSON.stringify(db)});
    const r = await consumeTransient(store.db, new Clock(), { tenantId: '${CONTOSO}', userId: '${LYNNE}', workload: 'ODSP', attemptKey: '${attemptKey}' });
    process.stdout.write(JSON.stringify({ fail: r.fail, remaining: r.fail ? r.remaining : null }) + '\\n');
    ${hang ? 'setInterval(() => {}, 1000);' : 'await store.close();'}
  `;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (hang && out.includes('\n')) p.kill('SIGKILL');
    });
    p.on('exit', () => resolve(out.trim()));
    p.on('error', reject);
  });
}

test('transient countdown survives a SIGKILL: the re-run attempt takes nothing more', async () => {
  const res = await applyTenantChanges(store, clock, [{ tenantId: CONTOSO, migrationFaults: [{ user: LYNNE, workload: 'ODSP', kind: 'transientError', count: 2 }] }]);
  assert.ok(res.ok);
  const db = join(dir, 'xtm.db');
  assert.equal(await child(db, 'odsp:1', true), '{"fail":true,"remaining":1}');
  assert.equal(await child(db, 'odsp:1', false), '{"fail":true,"remaining":1}', 'after the kill, attempt 1 re-runs and still counts once');
  assert.equal(await child(db, 'odsp:2', false), '{"fail":true,"remaining":0}');
  assert.equal(await child(db, 'odsp:3', false), '{"fail":false,"remaining":null}');
});

test('mid-move faults change the source once, when due', async () => {
  const t = { tenantId: CONTOSO, userId: MEGAN, workload: 'Exchange' as const };
  const seq = await currentSeq(store.db);
  const first = await fireMidMoveFaults(store, clock, { ...t, completedPasses: 1 });
  assert.deepEqual(first, [{ kind: 'sourceChangesBetweenPasses', error: null, changes: { added: 2, changed: 1, deleted: 1 } }]);
  const log = await changesSince(store.db, { tenantId: CONTOSO, ownerId: MEGAN, kinds: ['mailItem'], afterSeq: seq, limit: 100 });
  assert.deepEqual(log.changes.map((c) => c.op).sort(), ['add', 'add', 'change', 'delete'], 'the next incremental pass reads them from the change log');
  assert.deepEqual(await fireMidMoveFaults(store, clock, { ...t, completedPasses: 1 }), [], 'fired once');

  const second = await fireMidMoveFaults(store, clock, { ...t, completedPasses: 2 });
  assert.deepEqual(second, [{ kind: 'holdDuringMove', error: { code: 'EXCH-08', message: 'SOURCE mailbox is under Litigation Hold. This move is not supported as it would lead into data loss' } }]);
  const holds = JSON.parse((await store.db.selectFrom('recipients').select('holds').where('tenant_id', '=', CONTOSO).where('id', '=', MEGAN).executeTakeFirstOrThrow()).holds);
  assert.equal(holds.litigationHoldEnabled, true);
  assert.deepEqual((await loadFaults(store.db, t)).pending, []);

  const aux = await fireMidMoveFaults(store, clock, { tenantId: CONTOSO, userId: LYNNE, workload: 'Exchange', completedPasses: 5 });
  assert.equal(aux[0]!.error!.code, AUX_ARCHIVE_CODE);
  const r = await store.db.selectFrom('recipients').select('aux_archive_count').where('tenant_id', '=', CONTOSO).where('id', '=', LYNNE).executeTakeFirstOrThrow();
  assert.equal(Number(r.aux_archive_count), 1);
});

test('admin API: the same checks as the scenario file, and list / delete', async () => {
  let s: TestServer | undefined;
  try {
    s = await startServer({}, { seed: async (st) => { await loadScenario(st, clock, { path: 'scenarios/demo.yaml' }); } });
    const F = '/xtm/admin/tenants/contoso.com/migrationFaults';
    const api = (method: string, path: string, body?: unknown) => s!.api(method, path, { body, token: null });
    for (const [i, bad] of BAD.entries()) {
      const r = await api('POST', F, bad);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.ok(r.body.error.innerError, 'Graph envelope');
      assert.ok(JSON.stringify(r.body).includes(BAD_MESSAGES[i]!), `${BAD_MESSAGES[i]} in ${JSON.stringify(r.body)}`);
    }
    const schemaBad = await api('POST', F, { user: MEGAN, workload: 'Exchange', kind: 'meteorStrike' });
    assert.equal(schemaBad.status, 400);
    const ok = await api('POST', F, { user: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'transientError', count: 3 });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.deepEqual(ok.body, { user: MEGAN, userPrincipalName: 'megan.bowen@contoso.com', workload: 'Exchange', kind: 'transientError', count: 3, remaining: 3, firedDateTime: null });
    const replaced = await api('POST', F, { user: MEGAN, workload: 'Exchange', kind: 'transientError', count: 1 });
    assert.equal(replaced.body.remaining, 1, 'posting the same user, workload and kind replaces it');
    await api('POST', F, { user: ALEX, workload: 'Meeting', kind: 'slowThroughput' });
    const listAll = await api('GET', F);
    assert.deepEqual(listAll.body.value.map((f: { kind: string; throughputPercent?: number }) => [f.kind, f.throughputPercent]), [['transientError', undefined], ['slowThroughput', 10]]);
    const listMegan = await api('GET', `${F}?user=megan.bowen@contoso.com`);
    assert.equal(listMegan.body.value.length, 1);
    assert.equal((await api('GET', `${F}?user=nobody@contoso.com`)).status, 404);
    assert.equal((await api('DELETE', `${F}?user=${MEGAN}`)).status, 204);
    assert.deepEqual((await api('GET', F)).body.value.map((f: { user: string }) => f.user), [ALEX]);
  } finally {
    await s?.stop();
  }
});

test('postgres: scenario faults, the countdown and a mid-move fault', (t) => withPostgres(t, 'faults', async (pg) => {
  await loadScenario(pg, clock, { text: demoWith(FAULTS), name: 'faults.yaml' });
  const target = { tenantId: CONTOSO, userId: MEGAN, workload: 'Exchange' as const };
  assert.deepEqual(await loadFaults(pg.db, target), {
    transientRemaining: 2, permanent: null, throughputFactor: 0.25, skip: { corrupt: 3, oversized: 1 },
    pending: [{ kind: 'holdDuringMove', afterPass: 2 }, { kind: 'sourceChangesBetweenPasses', afterPass: 1 }],
  });
  const keys = ['a', 'b', 'c', 'd', 'a'];
  const results = await Promise.all(keys.map((k) => consumeTransient(pg.db, clock, { ...target, attemptKey: k })));
  assert.equal(new Set(keys.filter((_, i) => results[i]!.fail)).size, 2, 'concurrent attempts: exactly two of them fail');
  assert.equal((await loadFaults(pg.db, target)).transientRemaining, 0, 'concurrent attempts take exactly the count');
  const fired = await fireMidMoveFaults(pg, clock, { ...target, completedPasses: 2 });
  assert.deepEqual(fired.map((f) => f.kind).sort(), ['holdDuringMove', 'sourceChangesBetweenPasses']);
  assert.deepEqual(await fireMidMoveFaults(pg, clock, { ...target, completedPasses: 3 }), []);
}));

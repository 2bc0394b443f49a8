// Validation of a 2,000-user job (all four workloads) on the embedded store: scenarios/demo.yaml with
// its generator scaled to 2,000 migration users (named fault users included), loaded into a temp
// SQLite file. Compared with the time to merely read the same users' rows with plain selects, both
// measured in this run. Target: validation < 2 s.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Clock } from '../src/clock.js';
import { openStore, type Store } from '../src/store/db.js';
import { loadScenario } from '../src/tenants/scenario/index.js';
import { runValidation } from '../src/engine/validation/runValidation.js';
import { chunks } from '../src/engine/validation/rows.js';
import type { MigrationJob } from '../src/domain/job.js';
import { job as makeJob } from '../test/validation/fixture.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const DEMO = new URL('../scenarios/demo.yaml', import.meta.url);

export interface ValidateBenchResult {
  users: number;
  scenarioLoadMs: number;
  readRowsMs: number;
  readRows: number;
  validateMs: number;
  ratio: number;
  invalidUsers: number;
  targetMs: number;
  withinTarget: boolean;
}

/**
 * demo.yaml with as many generated users as make `users` together with its named pairs. The
 * generated users take the initial (.onmicrosoft.com) domains: at this size the generator's name
 * list reaches the named pairs' aliases (megan.bowen, …) and the UPNs would clash.
 */
function scenarioText(users: number): string {
  const demo = readFileSync(DEMO, 'utf8');
  const pairs = demo.split('\n').filter((l) => l.trimStart().startsWith('- { sourceUserPrincipalName')).length;
  return demo
    .replace(/^ {2}users: \d+$/m, `  users: ${Math.max(0, users - pairs)}`)
    .replace(/^( {2}scopeGroup: .*)$/m, '$1\n  sourceDomain: contoso.onmicrosoft.com\n  targetDomain: fabrikam.onmicrosoft.com')
    .replace(/sourceUserPrincipalName: ([^@\s]+)@contoso\.com,/g, 'sourceUserPrincipalName: $1@contoso.com, targetUserPrincipalName: $1@fabrikam.com,');
}

/** Plain selects of every row validation reads for these users (no joins, no aggregation). */
async function readRows(store: Store, targetIds: string[]): Promise<number> {
  let rows = 0;
  for (const t of chunks(targetIds)) {
    const [users, recipients, maps, sites] = await Promise.all([
      store.db.selectFrom('users').selectAll().where('tenant_id', '=', TGT).where('id', 'in', t).execute(),
      store.db.selectFrom('recipients').selectAll().where('tenant_id', '=', TGT).where('id', 'in', t).execute(),
      store.db.selectFrom('identity_mappings').selectAll().where('target_tenant_id', '=', TGT).where('target_user_id', 'in', t).execute(),
      store.db.selectFrom('sites').selectAll().where('tenant_id', '=', TGT).where('owner_user_id', 'in', t).execute(),
    ]);
    const s = maps.map((m) => m.source_user_id);
    const sets = await Promise.all([
      store.db.selectFrom('users').selectAll().where('tenant_id', '=', SRC).where('id', 'in', s).execute(),
      store.db.selectFrom('recipients').selectAll().where('tenant_id', '=', SRC).where('id', 'in', s).execute(),
      store.db.selectFrom('group_members').selectAll().where('tenant_id', '=', SRC).where('member_id', 'in', s).execute(),
      store.db.selectFrom('sites').selectAll().where('tenant_id', '=', SRC).where('owner_user_id', 'in', s).execute(),
    ]);
    const siteIds = sets[3].map((x) => x.id);
    const upns = sets[0].map((u) => u.upn_key);
    const [items, spoMaps] = await Promise.all([
      store.db.selectFrom('drive_items').select(['site_id', 'path', 'size_bytes', 'versions']).where('tenant_id', '=', SRC).where('site_id', 'in', siteIds).execute(),
      store.db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', TGT).where('source_upn_key', 'in', upns).execute(),
    ]);
    rows += users.length + recipients.length + maps.length + sites.length + sets.reduce((n, x) => n + x.length, 0) + items.length + spoMaps.length;
  }
  return rows;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

export async function run(opts: { users?: number } = {}): Promise<ValidateBenchResult> {
  const users = opts.users ?? 2000;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-validate-'));
  const store = await openStore(join(dir, 'bench.db'));
  try {
    const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
    const [scenarioLoadMs, report] = await time(() => loadScenario(store, clock, { text: scenarioText(users), name: 'demo-2000.yaml' }));
    const mapped = await store.db.selectFrom('identity_mappings').select('target_user_id').where('target_tenant_id', '=', TGT).execute();
    const targetIds = [...new Set([...mapped.map((m) => m.target_user_id!).filter(Boolean), ...report.faults.map((f) => f.targetId)])];
    const job: MigrationJob = {
      ...makeJob([]), tenantId: TGT, sourceTenantId: SRC, resources: targetIds,
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    };
    const validate = () => runValidation(store, job, targetIds, { nowMs: clock.nowMs(), mode: 'all' });
    // Warm the page cache and statement paths once, then measure both in the same state.
    await readRows(store, targetIds);
    await validate();
    const [readRowsMs, rowCount] = await time(() => readRows(store, targetIds));
    const [validateMs, result] = await time(validate);
    const invalidUsers = [...result.values()].filter((s) => s.some((x) => x.status !== 'valid')).length;
    const r = (x: number) => Math.round(x * 10) / 10;
    return {
      users: targetIds.length, scenarioLoadMs: r(scenarioLoadMs), readRowsMs: r(readRowsMs), readRows: rowCount, validateMs: r(validateMs),
      ratio: r(validateMs / readRowsMs), invalidUsers, targetMs: 2000, withinTarget: validateMs < 2000,
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('validate.ts')) console.log(JSON.stringify(await run(), null, 2));

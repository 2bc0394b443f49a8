// Validation of a 2,000-user job (all four workloads), end to end as a client sees it: demo.yaml with
// its generator scaled to 2,000 migration users (named fault users included) is loaded into a fresh
// store (SQLite file, or a PostgreSQL database), the job is created and validated over HTTP, and the
// runner takes it to validatePassed/validateFailed with every task status stored. Baseline, in the
// same run on the same store: the same work done the simplest fast way — plain selects of every row
// validation reads for these users, then the 2,000 users' statuses written in one transaction of
// multi-row upserts. Target: validation < 2 s; PostgreSQL within 2x of SQLite.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Clock } from '../src/clock.js';
import type { Store } from '../src/store/db.js';
import { createServer } from '../src/server.js';
import { chunks } from '../src/engine/validation/rows.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../test/pg.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const DEMO = new URL('../scenarios/demo.yaml', import.meta.url);

export interface ValidateBenchResult {
  backend: 'sqlite' | 'postgres';
  users: number;
  scenarioLoadMs: number;
  /** POST validate → job final, through the API, the queue and the runner (median of runs) */
  validateMs: number;
  validateRuns: number[];
  status: string;
  invalidUsers: number;
  /** plain selects of the same rows + one transaction writing the same statuses (median of runs) */
  baselineMs: number;
  baselineRows: number;
  ratio: number;
  targetMs: number;
  withinTarget: boolean;
}

/**
 * demo.yaml with as many generated users as make `users` together with its named pairs. The
 * generated users take the initial (.onmicrosoft.com) domains: at this size the generator's name
 * list reaches the named pairs' aliases (megan.bowen, …) and the UPNs would clash.
 */
export function scenarioText(users: number): string {
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
  // Chunks at once, as the validation engine reads them (their round trips overlap on PostgreSQL).
  await Promise.all(chunks(targetIds).map(async (t) => {
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
  }));
  return rows;
}

/** The 2,000 users' results stored the simplest fast way: one transaction of 500-row upserts. */
async function writeStatuses(store: Store, jobId: string, tenantId: string, ids: string[], nowIso: string): Promise<void> {
  const status = JSON.stringify(['Exchange', 'ODSP', 'Teams', 'Meeting'].map((service) => ({ service, status: 'valid', message: '', errors: [] })));
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < ids.length; i += 500) {
      await trx.insertInto('migration_tasks')
        .values(ids.slice(i, i + 500).map((id, k) => ({ tenant_id: tenantId, job_id: jobId, id, position: i + k, task_type: 'Users', current_status: status, cancelled: 0, updated_at: nowIso })))
        .onConflict((oc) => oc.columns(['job_id', 'id']).doUpdateSet((eb) => ({ current_status: eb.ref('excluded.current_status'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

export async function run(opts: { users?: number; backend?: 'sqlite' | 'postgres'; runs?: number } = {}): Promise<ValidateBenchResult> {
  const users = opts.users ?? 2000;
  const backend = opts.backend ?? 'sqlite';
  const runs = opts.runs ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-validate-'));
  let pgdb: TempDatabase | undefined;
  if (backend === 'postgres') {
    const why = await pgUnreachable();
    if (why) throw new Error(why);
    pgdb = await createTempDatabase('benchvalidate');
  }
  const scenarioFile = join(dir, 'demo-2000.yaml');
  writeFileSync(scenarioFile, scenarioText(users));
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-01-01T00:00:00Z') });
  const t0 = performance.now();
  const server = await createServer({ db: pgdb?.url ?? join(dir, 'bench.db'), dataDir: dir, port: 0, httpsPort: null, scenario: scenarioFile, logLevel: 'silent' }, { clock, log: pino({ level: 'silent' }) });
  const scenarioLoadMs = performance.now() - t0;
  try {
    const store = server.deps.store;
    const { http } = await server.listen();
    const token = await server.authority.appToken(TGT, '33333333-3333-4333-8333-333333333333', http);
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${http}/beta/solutions/migrations/crossTenantMigrationJobs${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const mapped = await store.db.selectFrom('identity_mappings').select('target_user_id').where('target_tenant_id', '=', TGT).execute();
    const targetIds = [...new Set(mapped.map((m) => m.target_user_id!).filter(Boolean))].slice(0, users);
    const job = await api('POST', '', {
      displayName: 'bench 2000', completeAfterDateTime: '2026-12-01T00:00:00Z', sourceTenantId: SRC, resourceType: 'Users', resources: targetIds,
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    });
    // Each run: validate → the runner stores every user's statuses → final status; then the baseline.
    const validateRuns: number[] = [];
    const baselineRuns: number[] = [];
    let final: any;
    let baselineRows = 0;
    let invalidUsers = 0;
    for (let i = 0; i <= runs; i++) { // the first run warms caches and code paths and is not counted
      if (final?.status === 'validatePassed') clock.advance(8 * 86_400_000); // a pass may be validated again once expired
      const [ms] = await time(async () => {
        await api('POST', `/${job.id}/validate`);
        await server.queue.drain();
        final = await api('GET', `/${job.id}`);
      });
      if (!/^validate(Passed|Failed)$/.test(final.status)) throw new Error(`job ended ${final.status}`);
      const tasks = await store.db.selectFrom('migration_tasks').select('current_status').where('job_id', '=', job.id).execute();
      invalidUsers = tasks.filter((t) => (JSON.parse(t.current_status) as { status: string }[]).some((x) => x.status !== 'valid')).length;
      const [bms, rows] = await time(async () => {
        const n = await readRows(store, targetIds);
        await writeStatuses(store, job.id, TGT, targetIds, clock.iso());
        return n;
      });
      baselineRows = rows;
      if (i > 0) {
        validateRuns.push(ms);
        baselineRuns.push(bms);
      }
    }
    const r = (x: number) => Math.round(x * 10) / 10;
    const validateMs = median(validateRuns);
    const baselineMs = median(baselineRuns);
    return {
      backend, users: targetIds.length, scenarioLoadMs: r(scenarioLoadMs), validateMs: r(validateMs), validateRuns: validateRuns.map(r), status: final.status, invalidUsers,
      baselineMs: r(baselineMs), baselineRows, ratio: r(validateMs / baselineMs), targetMs: 2000, withinTarget: validateMs < 2000,
    };
  } finally {
    await server.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('validate.ts')) {
  for (const backend of ['sqlite', 'postgres'] as const) {
    if (process.argv.includes(`--${backend === 'sqlite' ? 'postgres' : 'sqlite'}`)) continue;
    console.log(JSON.stringify(await run({ backend }).catch((e: Error) => ({ backend, notRun: e.message })), null, 2));
  }
}

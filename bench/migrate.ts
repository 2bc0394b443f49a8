// Migration of a whole job end to end (issues 14, 22): demo.yaml's generator scaled to N users with ~200
// mail items, 50 files and 100 chat messages each, a manual clock, the real server (worker thread) driven
// over HTTP: migrate → initial syncs → clock past completeAfterDateTime → cutover → ODSP → completed.
// Items/s of the whole migration against the store's raw INSERT…SELECT of the same rows (ids rewritten in
// SQL) measured in the same run; peak RSS of the process (API and worker thread); CPU of the process and, on
// PostgreSQL, of the database's backends (on a shared machine wall time swings with other load). `runSizes`
// runs several batch sizes on each backend and adds time per user at the largest ÷ time per user at the smallest.
// Targets: 2,000 users < 2 min on SQLite, ratio ≥ 0.3, per-user ratio ≤ 1.2, RSS < 512 MB.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql } from 'kysely';
import { Clock } from '../src/clock.js';
import { scaledDemo } from '../test/migration/scaledDemo.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../test/pg.js';
import { createServer } from '../src/server.js';
import { sampleBackendCpu } from './pgBackendCpu.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';

/** The bench's batch: demo.yaml scaled to `users` users with ~200 mail items, 50 files and 100 chat messages each (bench/workers.ts too). */
export const scenarioText = (users: number): string => scaledDemo({ users, mailItemsPerUser: 200, filesPerUser: 50, chatMessagesPerUser: 100 });

export async function run(opts: { users?: number; backend?: 'sqlite' | 'postgres' } = {}) {
  const users = opts.users ?? 200;
  const backend = opts.backend ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-migrate-'));
  let pgdb: TempDatabase | undefined;
  if (backend === 'postgres') {
    const why = await pgUnreachable();
    if (why) throw new Error(why);
    pgdb = await createTempDatabase('benchmigrate');
  }
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, scenarioText(users));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const server = await createServer({ db: pgdb?.url ?? join(dir, 'xtm.db'), dataDir: dir, port: 0, httpsPort: null, scenario, logLevel: 'silent', clock: 'manual', adminAuth: false }, { clock, log: pino({ level: 'silent' }) }); // loopback only
  try {
    const { http } = await server.listen();
    const db = server.deps.store.db;
    const api = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${http}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const tok = await fetch(`${http}/${TGT}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: '33333333-3333-4333-8333-333333333333', client_secret: 'xtm-demo-secret', scope: 'https://graph.microsoft.com/.default' }) });
    const token = ((await tok.json()) as { access_token: string }).access_token;
    // The generated users whose identities are mapped and who carry no fault.
    const maps = await db.selectFrom('identity_mappings').select(['target_user_id', 'source_user_id']).where('target_tenant_id', '=', TGT).where('state', '=', 'Completed').execute();
    const pairs = maps.filter((m) => m.target_user_id && !m.target_user_id.startsWith('f2000000-')).slice(0, users);
    const resources = pairs.map((m) => m.target_user_id!);
    const sources = pairs.map((m) => m.source_user_id);

    // Baseline: the same rows copied by one raw INSERT…SELECT per table, ids rewritten in SQL, into a scratch tenant.
    const t0 = performance.now();
    let baselineRows = 0;
    await db.transaction().execute(async (trx) => {
      const m = await sql`insert into mail_items (tenant_id, user_id, id, folder_id, item_class, subject, from_address, received_at, size_bytes, body_preview, content_hash, is_read, last_modified_at)
        select 'baseline', user_id, 'AAMk' || id, 'AAMk' || folder_id, item_class, subject, from_address, received_at, size_bytes, body_preview, content_hash, is_read, last_modified_at
        from mail_items where tenant_id = ${SRC} and user_id in (${sql.join(sources)})`.execute(trx);
      const sites = await trx.selectFrom('sites').select('id').where('tenant_id', '=', SRC).where('owner_user_id', 'in', sources).execute();
      const d = await sql`insert into drive_items (tenant_id, site_id, id, parent_id, name, path, is_folder, size_bytes, content_hash, versions, created_by, modified_at)
        select 'baseline', site_id, 'b' || id, parent_id, name, path, is_folder, size_bytes, content_hash, versions, created_by, modified_at
        from drive_items where tenant_id = ${SRC} and site_id in (${sql.join(sites.map((s) => s.id))})`.execute(trx);
      baselineRows = Number(m.numAffectedRows ?? 0) + Number(d.numAffectedRows ?? 0);
    });
    const baselineMs = performance.now() - t0;
    await db.deleteFrom('mail_items').where('tenant_id', '=', 'baseline').execute();
    await db.deleteFrom('drive_items').where('tenant_id', '=', 'baseline').execute();

    const created = await api('POST', B, token, {
      displayName: 'bench wave', completeAfterDateTime: '2026-06-02T00:00:00Z', sourceTenantId: SRC, resourceType: 'Users', resources,
      workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    });
    if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    await api('POST', `${B}/${id}/validate`, token);
    await server.queue.drain();
    const v = (await api('GET', `${B}/${id}`, token)).body;
    if (v.status !== 'validatePassed') throw new Error(`validation: ${v.status} ${v.message}`);

    const m0 = performance.now();
    const cpu0 = process.cpuUsage();
    const load0 = loadavg()[0]!;
    const dbCpu = pgdb ? sampleBackendCpu(new URL(pgdb.url).pathname.slice(1)) : undefined;
    await api('POST', `${B}/${id}/migrate`, token);
    await server.queue.drain();
    const syncMs = performance.now() - m0;
    const adv = await api('POST', '/xtm/admin/clock/advance', undefined, { by: 'P1D' });
    if (adv.status !== 200) throw new Error(`clock advance: ${JSON.stringify(adv.body)}`);
    let job = (await api('GET', `${B}/${id}`, token)).body;
    for (let i = 0; i < 600 && !['completed', 'completedWithErrors', 'failed'].includes(job.status); i++) {
      await server.queue.drain();
      job = (await api('GET', `${B}/${id}`, token)).body;
      if (!['completed', 'completedWithErrors', 'failed'].includes(job.status)) await new Promise((r) => setTimeout(r, 100));
    }
    const migrateMs = performance.now() - m0;
    // CPU of the whole process (API and worker threads): on a shared machine wall time swings with other load.
    const cpu = process.cpuUsage(cpu0);
    const migrateCpuMs = (cpu.user + cpu.system) / 1000;
    // PostgreSQL does part of the work in its own processes: their CPU too (null when /proc can't show it).
    const dbCpuMs = dbCpu?.stop() ?? null;
    const progress = (await api('GET', `${B}/${id}/xtm.progress`, token)).body;
    const totals = progress.totals as Record<string, { itemsDone: number }>;
    const moved = Object.values(totals).reduce((n, t) => n + t.itemsDone, 0);
    const failedByWorkload: Record<string, number> = {};
    for (const u of progress.users) for (const w of u.workloads) if (w.status === 'failed') failedByWorkload[w.workload] = (failedByWorkload[w.workload] ?? 0) + 1;
    const r = (x: number) => Math.round(x * 10) / 10;
    const itemsPerSec = moved / (migrateMs / 1000);
    const baselinePerSec = baselineRows / (baselineMs / 1000);
    return {
      backend, users: resources.length, jobStatus: job.status, itemsMovedByWorkload: Object.fromEntries(Object.entries(totals).map(([k, t]) => [k, t.itemsDone])), failedByWorkload,
      initialSyncMs: r(syncMs), migrateMs: r(migrateMs), migrateCpuMs: r(migrateCpuMs), ...(pgdb ? { dbCpuMs, totalCpuMs: dbCpuMs === null ? null : r(migrateCpuMs + dbCpuMs) } : { totalCpuMs: r(migrateCpuMs) }),
      loadAverage1m: { start: r(load0), end: r(loadavg()[0]!) }, itemsPerSec: r(itemsPerSec),
      baseline: { rows: baselineRows, ms: r(baselineMs), rowsPerSec: r(baselinePerSec) }, ratio: Math.round((itemsPerSec / baselinePerSec) * 1000) / 1000, targetRatio: 0.3,
      peakRssMb: r(peakRss / 1048576), rssTargetMb: 512,
    };
  } finally {
    clearInterval(sampler);
    await server.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Each size on each backend (a backend that does not answer is reported, not run), and how time per user grows. */
export async function runSizes(opts: { sizes?: number[]; backends?: ('sqlite' | 'postgres')[] } = {}) {
  const sizes = opts.sizes ?? [200, 2000];
  const out: Record<string, unknown> = {};
  for (const backend of opts.backends ?? ['sqlite', 'postgres']) {
    const runs: Awaited<ReturnType<typeof run>>[] = [];
    try {
      for (const users of sizes) runs.push(await run({ users, backend }));
    } catch (e) {
      out[backend] = { runs, notRun: e instanceof Error ? e.message : String(e) };
      continue;
    }
    const perUser = (r: (typeof runs)[number], f: 'migrateMs' | 'migrateCpuMs') => r[f] / r.users;
    const ratio = (f: 'migrateMs' | 'migrateCpuMs') => Math.round((perUser(runs.at(-1)!, f) / perUser(runs[0]!, f)) * 100) / 100;
    out[backend] = {
      runs,
      perUserRatio: ratio('migrateMs'), perUserCpuRatio: ratio('migrateCpuMs'), perUserRatioTarget: 1.2,
      largestTargetMs: 120_000,
    };
  }
  return out;
}

if (process.argv[1]?.endsWith('migrate.ts')) console.log(JSON.stringify(await run({ users: Number(process.argv[2] ?? 200), backend: process.argv[3] === 'postgres' ? 'postgres' : 'sqlite' }), null, 2));

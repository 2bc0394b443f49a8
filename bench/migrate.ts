// Migration of a whole batch end to end (issues 14, 22): demo.yaml's generator scaled to N users with ~200
// mail items, 50 files and 100 chat messages each, a manual clock, `xtm serve` as shipped (bin/xtm.js on
// dist/, its own process with its worker thread) driven over HTTP: migrate → initial syncs → clock past
// completeAfterDateTime → cutover → ODSP → completed. Items/s of the whole migration against the store's
// raw INSERT…SELECT of the same rows (ids rewritten in SQL) measured in the same run; the server process's
// peak RSS (VmHWM) and CPU time from /proc, so the bench's own memory is not counted; on PostgreSQL the CPU
// of the database's backends too (on a shared machine wall time swings with other load).
// Above 2,000 users (a job's limit) the batch is several jobs created, validated and migrated at once.
// GET-by-id latency of the (first) job (200/s) idle and while it migrates (issue 22: p99 ≤ 25 ms and ≤ 3× idle).
// XTM_BENCH_SERVER_NODE_ARGS passes node flags to the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). `runSizes` runs several
// batch sizes on each backend and adds time per user at the largest ÷ time per user at the smallest.
// Targets: 2,000 users < 2 min on SQLite, ratio ≥ 0.3, per-user ratio ≤ 1.2, RSS < 512 MB; 10,000 users
// (`npm run bench -- migration --users 10000`) within 1.2 × five times the 2,000-user job's time.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { scaledDemo } from '../test/migration/scaledDemo.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../test/pg.js';
import { openStore } from '../src/store/db.js';
import { workRepo } from '../src/store/workRepo.js';
import { REPO_ROOT, XTM_BIN, staleBuild } from '../test/service/xtmCommand.js';
import { percentiles, probe } from './latency.js';
import { sampleBackendCpu } from './pgBackendCpu.js';
import { endWithBench } from './children.js';

const PROBE_RATE = 200;
/** A job holds up to 2,000 users (the API's limit): larger bench batches are several jobs migrating at once. */
const JOB_MAX_USERS = 2000;

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';

/** The bench's batch: demo.yaml scaled to `users` users with ~200 mail items, 50 files and 100 chat messages each (bench/workers.ts too). */
export const scenarioText = (users: number): string => scaledDemo({ users, mailItemsPerUser: 200, filesPerUser: 50, chatMessagesPerUser: 100 });

/** Peak resident set (VmHWM) and CPU time of a process, from /proc (Linux). */
function procFigures(pid: number): { peakRssMb: number; rssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime, every thread of the process
  return { peakRssMb: Math.round(kb('VmHWM') / 102.4) / 10, rssMb: Math.round(kb('VmRSS') / 102.4) / 10, cpuMs: ticks * 10 };
}

/** `xtm serve` as shipped (bin/xtm.js runs dist/), on its own store; resolves with its URL once it answers. */
async function startServe(dir: string, db: string, scenario: string): Promise<{ child: ChildProcess; http: string }> {
  if (staleBuild(join(REPO_ROOT, 'dist', 'server.js'), join(REPO_ROOT, 'src'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: 'inherit' }); // the bench measures the compiled server
  }
  const child = endWithBench(spawn(process.execPath, [...(process.env.XTM_BENCH_SERVER_NODE_ARGS?.split(' ') ?? []), XTM_BIN, 'serve', '--data-dir', dir, '--db', db, '--scenario', scenario, '--port', '0', '--https-port', 'off', '--clock', 'manual', '--no-admin-auth', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, XTM_THROTTLE_BUDGET: '0/600' }, // the latency probe alone would exceed Graph's per-app budget
  }));
  for (let i = 0; i < 6000; i++) {
    if (child.exitCode !== null) throw new Error(`xtm serve exited (${child.exitCode})`);
    const info = existsSync(join(dir, 'server.json')) ? readFileSync(join(dir, 'server.json'), 'utf8') : '';
    if (info.endsWith('\n')) return { child, http: (JSON.parse(info) as { http: string }).http }; // written whole
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('xtm serve did not start in 10 minutes');
}

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
  const location = pgdb?.url ?? join(dir, 'xtm.db');
  const { child, http } = await startServe(dir, location, scenario);
  // The bench's own connection: the baseline, the users to pick, and whether work is still due.
  const store = await openStore(location);
  try {
    const db = store.db;
    const api = async (method: string, path: string, token?: string, body?: unknown) => {
      const res = await fetch(`${http}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const now = async () => (await api('GET', '/xtm/admin/clock')).body.now as string;
    /** No work due or running (seen twice, 100 ms apart: a follow-up commits before its parent completes). */
    const settled = async () => {
      for (let quiet = 0; quiet < 2;) {
        await new Promise((r) => setTimeout(r, 100));
        quiet = (await workRepo.pendingNow(db, await now())) === 0 ? quiet + 1 : 0;
      }
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

    // A job holds up to 2,000 users: a larger batch is that many jobs at once (issue 22's 10,000-user run).
    const groups = Array.from({ length: Math.ceil(resources.length / JOB_MAX_USERS) }, (_, i) => resources.slice(i * JOB_MAX_USERS, (i + 1) * JOB_MAX_USERS));
    const completeAfter = new Date(Date.parse(await now()) + 86_400_000).toISOString();
    const ids: string[] = [];
    for (const [i, group] of groups.entries()) {
      const created = await api('POST', B, token, {
        displayName: `bench wave ${i + 1}`, completeAfterDateTime: completeAfter, sourceTenantId: SRC, resourceType: 'Users', resources: group,
        workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
      });
      if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
      ids.push(created.body.id as string);
    }
    for (const id of ids) await api('POST', `${B}/${id}/validate`, token);
    await settled();
    for (const id of ids) {
      const v = (await api('GET', `${B}/${id}`, token)).body;
      if (v.status !== 'validatePassed') throw new Error(`validation: ${v.status} ${v.message}`);
    }
    const id = ids[0]!;

    // Peak RSS by phase: loading the scenario and validating are not the migration's memory (VmHWM is
    // the process's peak so far; the migration's own peak is sampled).
    // GET by id latency of the job, a fleet of pollers (200 requests/s over 4 connections): idle now, then
    // in 2-second windows for as long as the migration runs.
    const jobUrl = `${http}${B}/${id}`;
    await probe(jobUrl, token, 1, 4, PROBE_RATE);
    const idle = await probe(jobUrl, token, 3, 4, PROBE_RATE);
    let probing = true;
    const loadedTimes: number[] = [];
    let probeError: unknown;
    const prober = (async () => {
      while (probing) loadedTimes.push(...(await probe(jobUrl, token, 2, 4, PROBE_RATE, true)).times!);
    })().catch((e) => { probeError = e; });
    const before = procFigures(child.pid!);
    let migratePeak = before.rssMb;
    const sampler = setInterval(() => { migratePeak = Math.max(migratePeak, procFigures(child.pid!).rssMb); }, 100);
    const m0 = performance.now();
    const load0 = loadavg()[0]!;
    const dbCpu = pgdb ? sampleBackendCpu(new URL(pgdb.url).pathname.slice(1)) : undefined;
    // What a watcher sees move (the jobs' statuses, and what xtm.progressSummary and `xtm jobs watch` aggregate:
    // users by workload and phase, items done): the longest real time in which none of it changed, and when (issue 22: every phase
    // moves a visible counter at least every few seconds, cutover and the post-cutover moves included).
    // Read on the bench's own connection every 250 ms, so the watcher adds nothing to the API's latency.
    const stall = { longestMs: 0, atMs: 0, phase: '' };
    let watching = true;
    const watcher = (async () => {
      let last = '';
      let lastAt = performance.now();
      let phase = '';
      while (watching) {
        const rows = await db.selectFrom('migration_moves').select((eb) => ['workload', 'phase', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('items_done').as('done')])
          .where('job_id', 'in', ids).groupBy(['workload', 'phase']).orderBy('workload').orderBy('phase').execute();
        const jobs = await db.selectFrom('migration_jobs').select(['id', 'status']).where('id', 'in', ids).orderBy('id').execute();
        const seen = JSON.stringify([jobs, rows]);
        const t = performance.now();
        if (process.env.XTM_BENCH_TRACE) process.stderr.write(`${((t - m0) / 1000).toFixed(1)}s ${Math.floor(Date.now() / 1000)} ${jobs.map((j) => j.status).join(',')} ${rows.map((r) => `${r.workload}:${r.phase}=${r.n}/${r.done}`).join(' ')}\n`);
        if (seen !== last) {
          if (t - lastAt > stall.longestMs) Object.assign(stall, { longestMs: Math.round(t - lastAt), atMs: Math.round(lastAt - m0), phase });
          last = seen;
          lastAt = t;
          phase = [...new Set(jobs.map((j) => `job:${j.status}`)), ...rows.filter((r) => !['completed', 'failed', 'cancelled'].includes(r.phase)).map((r) => `${r.workload}:${r.phase}`)].join(' ');
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    for (const j of ids) await api('POST', `${B}/${j}/migrate`, token);
    await settled();
    const syncMs = performance.now() - m0;
    const adv = await api('POST', '/xtm/admin/clock/advance', undefined, { by: 'P2D' });
    if (adv.status !== 200) throw new Error(`clock advance: ${JSON.stringify(adv.body)}`);
    const statuses = async () => Promise.all(ids.map(async (j) => (await api('GET', `${B}/${j}`, token)).body.status as string));
    let ended = await statuses();
    while (!ended.every((s) => ['completed', 'completedWithErrors', 'failed'].includes(s))) {
      await settled();
      ended = await statuses();
    }
    const migrateMs = performance.now() - m0;
    watching = false;
    await watcher;
    clearInterval(sampler);
    probing = false;
    await prober;
    if (probeError) throw probeError;
    const loaded = percentiles(loadedTimes);
    const p99Ratio = Math.round((loaded.p99 / Math.max(idle.p99, 0.001)) * 100) / 100;
    // CPU of the server process (API and worker threads): on a shared machine wall time swings with other load.
    const after = procFigures(child.pid!);
    const migrateCpuMs = after.cpuMs - before.cpuMs;
    // The compact summary (the full per-user xtm.progress of 2,000 users would add to what is measured).
    type Summary = { workloads: { workload: string; users: Record<string, number>; itemsDone: number; itemsTotal: number }[] };
    const summaries = await Promise.all(ids.map(async (j) => (await api('GET', `${B}/${j}/xtm.progressSummary`, token)).body as Summary));
    const workloads = summaries.flatMap((x) => x.workloads);
    const byWorkload = new Map<string, { itemsDone: number; failed: number }>(); // summed over the jobs
    for (const w of workloads) {
      const t = byWorkload.get(w.workload) ?? { itemsDone: 0, failed: 0 };
      t.itemsDone += w.itemsDone;
      t.failed += w.users.failed ?? 0;
      byWorkload.set(w.workload, t);
    }
    const moved = workloads.reduce((n, w) => n + w.itemsDone, 0);
    const failedByWorkload = Object.fromEntries([...byWorkload].filter(([, t]) => t.failed).map(([n, t]) => [n, t.failed]));
    const countersTrue = workloads.every((w) => w.itemsDone === w.itemsTotal);
    // PostgreSQL does part of the work in its own processes: their CPU too (null when /proc can't show it).
    const dbCpuMs = dbCpu?.stop() ?? null;
    const r = (x: number) => Math.round(x * 10) / 10;
    const itemsPerSec = moved / (migrateMs / 1000);
    const baselinePerSec = baselineRows / (baselineMs / 1000);
    return {
      backend, users: resources.length, jobs: ids.length, jobStatus: ids.length === 1 ? ended[0] : ended, itemsMovedByWorkload: Object.fromEntries([...byWorkload].map(([n, t]) => [n, t.itemsDone])), failedByWorkload, countersTrue,
      initialSyncMs: r(syncMs), migrateMs: r(migrateMs), migrateCpuMs: r(migrateCpuMs), ...(pgdb ? { dbCpuMs, totalCpuMs: dbCpuMs === null ? null : r(migrateCpuMs + dbCpuMs) } : { totalCpuMs: r(migrateCpuMs) }),
      loadAverage1m: { start: r(load0), end: r(loadavg()[0]!) }, itemsPerSec: r(itemsPerSec),
      baseline: { rows: baselineRows, ms: r(baselineMs), rowsPerSec: r(baselinePerSec) }, ratio: Math.round((itemsPerSec / baselinePerSec) * 1000) / 1000, targetRatio: 0.3,
      longestCounterStall: { ...stall, target: 'a visible counter moves at least every few seconds while work runs' },
      getByIdLatencyMs: { requestsPerSecond: PROBE_RATE, idle: { p50: idle.p50, p99: idle.p99 }, duringMigration: loaded, p99Ratio, target: 'p99 <= 25 ms and <= 3 x idle' },
      serverPeakRssMb: after.peakRssMb, serverPeakRssLoadAndValidateMb: before.peakRssMb, serverPeakRssMigrateMb: r(migratePeak), rssTargetMb: 512,
    };
  } finally {
    await store.close();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
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

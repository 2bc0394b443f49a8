// Workers that add speed (issues 22, 23): one migration job (bench/migrate.ts's scenario: ~200 mail
// items, 50 files × 2 versions, 100 chat messages per user) driven over HTTP against an API process
// without a runner (`--no-worker`), its work run by 1, 2 and 4 `xtm worker` processes on PostgreSQL,
// and the same job on SQLite beside it (a SQLite store has one owning process: `xtm serve`'s worker
// thread runs its work, and `xtm worker` processes cannot join it). Items/s of the whole migration (migrate → initial syncs →
// clock past completeAfterDateTime → cutover → ODSP → completed); each PostgreSQL figure is compared
// with the one-worker run of the same bench (speed-up), and with SQLite's.
// Nothing here drains the queue (a drain in the API process would run work there): the bench waits
// until the store says no work is due or running. XTM_BENCH_WORKER_NODE_ARGS passes node flags to the
// workers (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { Clock } from '../src/clock.js';
import { createServer, type XtmServer } from '../src/server.js';
import { workRepo } from '../src/store/workRepo.js';
import { createTempDatabase, pgUnreachable } from '../test/pg.js';
import { XTM_SOURCE } from '../test/service/xtmCommand.js';
import { scenarioText } from './migrate.js';
import { endWithBench } from './children.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const APP = '33333333-3333-4333-8333-333333333333';
const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const ENDED = ['completed', 'completedWithErrors', 'failed'];

export interface WorkersFigure { backend: 'sqlite' | 'postgres'; runner: string; workers: number; users: number; jobStatus: string; itemsMoved: number; initialSyncMs: number; migrateMs: number; itemsPerSec: number; speedUpVsOneWorker?: number }

/** `xtm worker` processes on the store; resolves once each says it runs. */
async function startWorkers(n: number, db: string): Promise<ChildProcess[]> {
  const children = Array.from({ length: n }, () => endWithBench(spawn(process.execPath, [...(process.env.XTM_BENCH_WORKER_NODE_ARGS?.split(' ') ?? []), ...XTM_SOURCE, 'worker', '--db', db, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] })));
  await Promise.all(children.map((c) => new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (seen.includes('xtm worker running')) {
        c.stdout!.off('data', onData);
        c.stdout!.resume(); // keep reading (and dropping) its log
        resolve();
      }
    };
    c.stdout!.on('data', onData);
    c.once('exit', (code) => reject(new Error(`xtm worker exited (${code}) before it ran: ${seen.slice(-500)}`)));
  })));
  return children;
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
  })));
}

/** Waits until no work is due or running (seen twice, 100 ms apart: a follow-up commits before its parent completes). */
async function settled(server: XtmServer, clock: Clock): Promise<void> {
  for (let quiet = 0; quiet < 2;) {
    await new Promise((r) => setTimeout(r, 100));
    quiet = (await workRepo.pendingNow(server.deps.store.db, clock.iso())) === 0 ? quiet + 1 : 0;
  }
}

async function migrateOnce(backend: 'sqlite' | 'postgres', workers: number, users: number): Promise<WorkersFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-workers-'));
  const pgdb = backend === 'postgres' ? await createTempDatabase('benchworkers') : undefined;
  const db = pgdb?.url ?? join(dir, 'xtm.db');
  const scenario = join(dir, 'scenario.yaml');
  writeFileSync(scenario, scenarioText(users));
  const clock = new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const external = backend === 'postgres';
  const server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario, logLevel: 'silent', clock: 'manual', adminAuth: false, worker: !external }, { clock, log: pino({ level: 'silent' }) }); // loopback only
  let children: ChildProcess[] = [];
  try {
    const { http } = await server.listen();
    const token = await server.authority.appToken(TGT, APP, http);
    const api = async (method: string, path: string, body?: unknown, auth = true) => {
      const res = await fetch(`${http}${path}`, { method, headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const until = async (id: string, done: (status: string) => boolean): Promise<string> => {
      for (;;) {
        const status = (await api('GET', `${B}/${id}`)).body.status as string;
        if (done(status)) return status;
        await settled(server, clock);
      }
    };
    // The generated users whose identities are mapped and who carry no fault (as bench/migrate.ts picks them).
    const maps = await server.deps.store.db.selectFrom('identity_mappings').select(['target_user_id']).where('target_tenant_id', '=', TGT).where('state', '=', 'Completed').execute();
    const resources = maps.map((m) => m.target_user_id).filter((u): u is string => !!u && !u.startsWith('f2000000-')).slice(0, users);
    if (external) children = await startWorkers(workers, db); // SQLite: createServer started its worker thread

    const created = await api('POST', B, {
      displayName: 'bench workers', completeAfterDateTime: '2026-06-02T00:00:00Z', sourceTenantId: SRC, resourceType: 'Users', resources,
      workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
    });
    if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    await api('POST', `${B}/${id}/validate`);
    const validated = await until(id, (s) => s === 'validatePassed' || s === 'validateFailed');
    if (validated !== 'validatePassed') throw new Error(`validation: ${validated}`);

    const m0 = performance.now();
    await api('POST', `${B}/${id}/migrate`);
    await settled(server, clock);
    const initialSyncMs = performance.now() - m0;
    const adv = await api('POST', '/xtm/admin/clock/advance', { by: 'P1D' }, false);
    if (adv.status !== 200) throw new Error(`clock advance: ${JSON.stringify(adv.body)}`);
    const jobStatus = await until(id, (s) => ENDED.includes(s));
    const migrateMs = performance.now() - m0;
    const totals = (await api('GET', `${B}/${id}/xtm.progress`)).body.totals as Record<string, { itemsDone: number }>;
    const itemsMoved = Object.values(totals).reduce((n, t) => n + t.itemsDone, 0);
    const r = (x: number) => Math.round(x);
    return { backend, runner: external ? `${workers} xtm worker process(es)` : 'xtm serve worker thread', workers, users: resources.length, jobStatus, itemsMoved, initialSyncMs: r(initialSyncMs), migrateMs: r(migrateMs), itemsPerSec: r(itemsMoved / (migrateMs / 1000)) };
  } finally {
    await stopWorkers(children);
    await server.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(opts: { users?: number; workers?: number[] } = {}) {
  const users = opts.users ?? 100;
  const machine = { cpus: availableParallelism(), loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 };
  const figures: WorkersFigure[] = [];
  figures.push(await migrateOnce('sqlite', 1, users));
  const why = await pgUnreachable();
  if (!why) {
    for (const n of opts.workers ?? [1, 2, 4]) figures.push(await migrateOnce('postgres', n, users));
  }
  for (const f of figures) {
    const one = figures.find((g) => g.backend === 'postgres' && g.workers === 1);
    if (one && f.backend === 'postgres' && f !== one) f.speedUpVsOneWorker = Math.round((f.itemsPerSec / one.itemsPerSec) * 100) / 100;
  }
  return { machine, figures, ...(why ? { postgres: `not run: ${why}` } : {}) };
}

if (process.argv[1]?.endsWith('workers.ts')) {
  const [users, ...workers] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await run({ users: users || undefined, workers: workers.length ? workers : undefined }), null, 2));
}

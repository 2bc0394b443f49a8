// Issue 23's chaos test, from outside with real processes on one PostgreSQL database: two API replicas
// (`xtm serve --no-worker` with compose.yaml's environment) and three `xtm worker`s migrate a
// generated batch with all four workloads while a client polls the job and its users through both
// replicas in turn. During the migration one worker is SIGKILLed inside a copy transaction (mail rows
// written, not committed: XTM_KILL_AT, engine/migration/killPoint.ts), one API replica is SIGKILLed and
// started again on its port, and another worker gets SIGTERM and must exit within its bound. Then: the
// job completed; per user and workload the target gained exactly what the source had and the id map holds
// no source or target id twice; no reading, on either replica, went backwards (statusOrder.ts).
//
// Size: the issue's 500 users × (4 mail items, 2 files, 2 chat messages, 1 meeting) with 2-item Exchange
// chunks, so every worker holds work when the kills land: about a minute on an idle 2-core machine, with
// five processes, PostgreSQL and the poller sharing the cores (XTM_CHAOS_USERS to change it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/db.js';
import type { JobStatus, Workload } from '../../src/domain/enums.js';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';
import { scaledDemo } from '../migration/scaledDemo.js';
import { JOBS as B, SRC } from '../migration/http.js';
import { countMismatches, generatedPairs, mapDuplicates, mappedItems, sourceCounts, targetCounts, type Counts, type Pair } from '../migration/exactlyOnce.js';
import { call, demoAppToken, freePort, kill, serve, sleep, worker, type XtmProc } from './xtmProcess.js';
import { jobStatusForward, workloadStatusForward } from './statusOrder.js';
import { workState } from './workState.js';

const skip = (await pgUnreachable()) ?? false;
const USERS = Number(process.env.XTM_CHAOS_USERS ?? 500);
const WORKER_BOUND_MS = 10_000;
// Mail is copied two items per transaction, so a batch is many commits; the first worker dies inside its 5th.
const env = { XTM_MIGRATION_THROUGHPUT: JSON.stringify({ Exchange: { chunkItems: 2 } }) };
const PUBLIC_URL = 'http://xtm.chaos.test';
const ADMIN_KEY = 'chaos-test-admin-key-0123456789abcdef';

/** What the client saw: every reading in order, through which replica, and the answers that were not 200. */
class Poller {
  readonly violations: string[] = [];
  readonly failures: string[] = [];
  readonly seen = new Set<string>();
  readings = 0;
  private job: JobStatus | undefined;
  private readonly users = new Map<string, string>(); // `${user} ${workload}` → status
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly replicas: () => string[], private readonly token: string, private readonly jobId: string) {}

  start(): void {
    this.loop = (async () => {
      for (let i = 0; !this.stopped; i++) {
        const names = this.replicas();
        const url = names[i % names.length]!;
        await this.once(url, i % names.length === 0 ? 'A' : 'B');
        await sleep(20);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  get status(): JobStatus | undefined {
    return this.job;
  }

  private async once(url: string, replica: string): Promise<void> {
    let job: { status: number; body: any; text: string };
    let users: { status: number; body: any; text: string };
    try {
      job = await call(url, 'GET', `${B}/${this.jobId}`, { token: this.token });
      users = await call(url, 'GET', `${B}/${this.jobId}/users?$top=999`, { token: this.token });
    } catch {
      return; // the replica is down (killed, restarting): a load balancer would send the poll elsewhere
    }
    for (const r of [job, users]) if (r.status !== 200) this.failures.push(`${replica}: ${r.status} ${r.text.slice(0, 300)}`);
    if (job.status !== 200 || users.status !== 200) return;
    this.readings++;
    const status = job.body.status as JobStatus;
    this.seen.add(status);
    if (this.job && !jobStatusForward(this.job, status)) this.violations.push(`job: ${this.job} then ${status} (replica ${replica})`);
    this.job = status;
    for (const u of users.body.value as { id: string; currentStatus: { service: Workload; status: string }[] }[]) {
      for (const s of u.currentStatus) {
        const k = `${u.id} ${s.service}`;
        const was = this.users.get(k);
        if (was && !workloadStatusForward(s.service, was, s.status)) this.violations.push(`${k}: ${was} then ${s.status} (replica ${replica})`);
        this.users.set(k, s.status);
      }
    }
  }
}

async function until(what: string, ms: number, ok: () => boolean | Promise<boolean>, state?: () => Promise<string>): Promise<void> {
  for (const deadline = Date.now() + ms; !(await ok()); await sleep(200)) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${state ? `; ${await state()}` : ''}`);
}

describe(`chaos: 2 API replicas and 3 workers on PostgreSQL, a ${USERS}-user batch, kills mid-migration`, { skip, timeout: 480_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'xtm-chaos-'));
  let pg: TempDatabase;
  let store: Store;
  const procs: XtmProc[] = [];
  after(async () => {
    for (const p of procs) await kill(p);
    await store?.close();
    await pg?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  let replicaA: XtmProc & { url: string };
  let replicaB: XtmProc & { url: string };
  let portA: number;
  // compose.yaml's commands and environment (the database, the public URL, one admin key, no https, and the image's MALLOC_ARENA_MAX), plus
  // what a test needs: a port each, a manual clock, the generated scenario, quiet logs.
  const composeEnv = () => ({ ...env, XTM_DATABASE_URL: pg.url, XTM_PUBLIC_URL: PUBLIC_URL, XTM_ADMIN_KEY: ADMIN_KEY, XTM_HTTPS_PORT: 'off', MALLOC_ARENA_MAX: '2' });
  const apiArgs = (port: number, scenario: string) => ['--no-worker', '--port', String(port), '--clock', 'manual', '--scenario', scenario, '--log-level', 'warn'];
  const serveA = (scenario: string) => serve(join(root, 'a'), apiArgs(portA, scenario), { env: composeEnv() });
  const startA = async (scenario: string) => {
    replicaA = await serveA(scenario);
    procs.push(replicaA);
  };

  let workers: (XtmProc & { workerId: string })[];
  let pairs: Pair[];
  let token: string;
  let source: Counts;
  let targetBefore: Counts;
  let jobId: string;

  before(async () => {
    pg = await createTempDatabase('chaos');
    const scenario = join(root, 'scenario.yaml');
    writeFileSync(scenario, scaledDemo({ users: USERS, mailItemsPerUser: 4, filesPerUser: 2, chatMessagesPerUser: 2, chatsPerUser: 1, meetingsPerUser: 1 }));
    portA = await freePort();
    // All five start at once on the empty database, as compose starts them; A loads the scenario.
    const starting = [
      serveA(scenario),
      serve(join(root, 'b'), apiArgs(0, 'none'), { env: composeEnv() }),
      ...([{ XTM_KILL_AT: 'inChunk:5' }, {}, {}] as Record<string, string>[]).map((extra) => worker(['--shutdown-timeout', String(WORKER_BOUND_MS)], { env: { ...composeEnv(), ...extra } })),
    ];
    const started = await Promise.allSettled(starting);
    for (const r of started) if (r.status === 'fulfilled') procs.push(r.value);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    [replicaA, replicaB] = started.slice(0, 2).map((r) => (r as PromiseFulfilledResult<XtmProc & { url: string }>).value) as [XtmProc & { url: string }, XtmProc & { url: string }];
    workers = started.slice(2).map((r) => (r as PromiseFulfilledResult<XtmProc & { workerId: string }>).value);
    store = await openStore(pg.url);
    pairs = await generatedPairs(store, USERS);
    assert.equal(pairs.length, USERS);
    source = await sourceCounts(store, pairs);
    targetBefore = await targetCounts(store, pairs, null);
    token = await demoAppToken(replicaA.url);
  });

  it('replica B accepts replica A\'s token; the job validates on the workers', async () => {
    const now = Date.parse((await call(replicaB.url, 'GET', '/xtm/admin/clock', { token: ADMIN_KEY })).body.now);
    const created = await call(replicaB.url, 'POST', B, {
      token,
      body: {
        displayName: 'chaos', completeAfterDateTime: new Date(now + 86_400_000).toISOString(), sourceTenantId: SRC, resourceType: 'Users', resources: pairs.map((p) => p.tgt),
        workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'], exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' },
      },
    });
    assert.equal(created.status, 201, created.text);
    jobId = created.body.id;
    assert.equal((await call(replicaA.url, 'POST', `${B}/${jobId}/validate`, { token })).status, 200);
    let status = '';
    await until('validation', 120_000, async () => ['validatePassed', 'validateFailed'].includes(status = (await call(replicaB.url, 'GET', `${B}/${jobId}`, { token })).body.status));
    assert.equal(status, 'validatePassed');
  });

  it('migrates to completed through a worker SIGKILL mid-copy, an API replica SIGKILL and restart, and a worker SIGTERM, and no client reading goes backwards', async () => {
    const poller = new Poller(() => [replicaA.url, replicaB.url], token, jobId);
    assert.equal((await call(replicaB.url, 'POST', `${B}/${jobId}/migrate`, { token })).status, 200);
    poller.start();
    try {
      // 1. The first worker dies by SIGKILL inside a copy transaction (its 5th mail chunk).
      let timer: NodeJS.Timeout | undefined;
      const killed = await Promise.race([workers[0]!.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 90_000)))]).finally(() => clearTimeout(timer));
      assert.equal(killed?.signal, 'SIGKILL', `the first worker was not SIGKILLed mid-copy: ${workers[0]!.out().slice(-1500)}`);
      // 2. Replica A is SIGKILLed while the client polls it, and is started again on its port (it comes
      //    back while the migration goes on; polls meanwhile find it down, as a load balancer would).
      replicaA.child.kill('SIGKILL');
      assert.equal((await replicaA.exited).signal, 'SIGKILL');
      const restartA = startA('none').then(() => undefined, (err: Error) => err);

      // 3. The clock moves past completeAfterDateTime (admin API, on replica B): cutover, then the other workloads.
      assert.equal((await call(replicaB.url, 'POST', '/xtm/admin/clock/advance', { token: ADMIN_KEY, body: { by: 'P1D' } })).status, 200);

      // 4. While work runs, the second worker gets SIGTERM and exits within its bound.
      await until('the job to be past its initial syncs', 180_000, () => ['cuttingOver', 'completed', 'completedWithErrors', 'failed'].includes(poller.status ?? ''), () => workState(pg.url));
      const t1 = Date.now();
      workers[1]!.child.kill('SIGTERM');
      const stopped = await workers[1]!.exited;
      const took = Date.now() - t1;
      assert.ok(took < WORKER_BOUND_MS + 3000, `SIGTERM to exit took ${took} ms (bound ${WORKER_BOUND_MS} ms)`);
      assert.ok(stopped.code === 0 || stopped.code === 1, `worker exit: ${JSON.stringify(stopped)}\n${workers[1]!.out().slice(-1500)}`);
      assert.match(workers[1]!.out(), /stopping: signal received/);

      const restartErr = await restartA;
      if (restartErr) throw restartErr;
      // 5. The last worker finishes the job.
      await until('the job to end', 240_000, () => ['completed', 'completedWithErrors', 'failed'].includes(poller.status ?? ''), () => workState(pg.url));
    } finally {
      await poller.stop();
    }
    assert.equal(poller.status, 'completed', `job ended ${poller.status}`);
    assert.deepEqual(poller.failures, [], 'every answer of a running replica was 200');
    assert.deepEqual(poller.violations, [], 'a reading went backwards');
    assert.ok(poller.readings > 20, `only ${poller.readings} readings`);
    assert.ok(poller.seen.has('inProgress'), `the client saw ${[...poller.seen]}`);
    for (const url of [replicaA.url, replicaB.url]) {
      const users = (await call(url, 'GET', `${B}/${jobId}/users?$top=999`, { token })).body.value as { id: string; currentStatus: { service: string; status: string }[] }[];
      const open = users.flatMap((u) => u.currentStatus.filter((s) => s.status !== 'completed').map((s) => `${u.id} ${s.service}: ${s.status}`));
      assert.deepEqual(open, [], `${url}: every user's every workload reads completed`);
    }
    // The killed worker's locks were released by a live one once its heartbeat stopped.
    const sweeps = workers.slice(1).flatMap((w) => w.out().split('\n')).filter((l) => l.includes('released the locks of stopped workers'));
    assert.ok(sweeps.some((l) => l.includes(workers[0]!.workerId)), `no sweep named the killed worker: ${sweeps.join('\n')}`);
  });

  it('every source item is in the target exactly once, per user and workload; no id mapped twice', async () => {
    const after = await targetCounts(store, pairs, jobId);
    assert.deepEqual(countMismatches(source, targetBefore, after), []);
    assert.deepEqual(await mapDuplicates(store, jobId), []);
    const mapped = await mappedItems(store, jobId);
    for (const p of pairs) {
      const m = mapped.get(p.tgt) ?? { Exchange: 0, Meeting: 0 };
      assert.deepEqual(m, { Exchange: source.get(p.tgt)!.Exchange, Meeting: source.get(p.tgt)!.Meeting }, `${p.tgt}: one map row per moved mail item and meeting`);
    }
    const total = [...source.values()].reduce((n, c) => n + c.Exchange + c.ODSP + c.Teams + c.Meeting, 0);
    assert.ok(total > USERS * 5, `the batch moved ${total} items`);
  });
});

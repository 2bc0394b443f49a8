// GET-by-id latency from outside (a fixed-rate probe in this process, the server in a child process) while a
// 2,000-user validation runs again and again, against idle latency measured the same way in the same run.
// Target: p99 under load <= 3 x idle p99 and <= 25 ms. `measureLatency` is reusable: pass any load
// (the migration benchmark drives a migration instead).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { createTempDatabase, pgUnreachable } from '../test/pg.js';

export interface Latency { p50: number; p99: number; max: number; requests: number; times?: number[] }
export interface Load { start(): void; stop(): Promise<Record<string, unknown>> }

/**
 * A steady stream of GETs, `rate` per second on a fixed schedule, over `connections` keep-alive
 * connections: a fleet of pollers, not a saturating load (the question is whether a request waits
 * behind background work). Requests go out on schedule whether or not earlier ones have answered, and
 * wait in the pool when every connection is busy; that wait counts, so a stalled server is charged for
 * the requests it held back too (no coordinated omission). autocannon does not fit:
 * its rate limit sends each second's quota in one burst, and its histogram keeps whole milliseconds.
 */
export async function probe(url: string, token: string, seconds: number, connections: number, rate: number, keepTimes = false): Promise<Latency> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1 });
  const headers = { authorization: `Bearer ${token}` };
  const times: number[] = [];
  const pending: Promise<void>[] = [];
  let failures = 0;
  const t0 = performance.now() + 5;
  const total = Math.round(seconds * rate);
  try {
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const from = performance.now(); // queued in the pool when all connections are busy: that wait counts
      pending.push(pool.request({ path: u.pathname + u.search, method: 'GET', headers }).then(async (res) => {
        await res.body.dump();
        if (res.statusCode !== 200) failures++;
        times.push(performance.now() - from);
      }, () => { failures++; }));
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  if (failures) throw new Error(`${failures} of ${total} requests to ${url} failed`);
  return { ...percentiles(times), ...(keepTimes ? { times } : {}) };
}

/** p50, p99 and max of request times in ms. */
export function percentiles(times: number[]): Latency {
  const sorted = [...times].sort((x, y) => x - y);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), max: at(1), requests: sorted.length };
}

/** Idle latency, then latency while `load` runs; both with the same rate, connections and duration. */
export async function measureLatency(o: { url: string; token: string; seconds?: number; connections?: number; rate?: number; load: Load }) {
  const seconds = o.seconds ?? 5;
  const connections = o.connections ?? 4;
  const rate = o.rate ?? Number(process.env.RATE ?? 1000);
  await probe(o.url, o.token, 1, connections, rate); // warm-up
  const idle = await probe(o.url, o.token, seconds, connections, rate);
  o.load.start();
  const loaded = await probe(o.url, o.token, seconds, connections, rate);
  const load = await o.load.stop();
  const ratio = Math.round((loaded.p99 / Math.max(idle.p99, 0.001)) * 100) / 100;
  return { requestsPerSecond: rate, connections, idle, loaded, load, p99Ratio: ratio, target: 'p99 under load <= 3 x idle p99 and <= 25 ms', withinTarget: ratio <= 3 && loaded.p99 <= 25 };
}

const B = '/beta/solutions/migrations/crossTenantMigrationJobs';

/** Validates the job again each time it finishes, until stopped. */
function revalidationLoad(base: string, token: string, jobId: string): Load {
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let runs = 0;
  let totalMs = 0;
  const h = { authorization: `Bearer ${token}` };
  return {
    start() {
      running = true;
      loop = (async () => {
        while (running) {
          const t0 = Date.now();
          const v = await fetch(`${base}${B}/${jobId}/validate`, { method: 'POST', headers: h });
          if (v.status !== 200) throw new Error(`validate answered ${v.status}: ${await v.text()}`);
          for (;;) {
            const s = ((await (await fetch(`${base}${B}/${jobId}?$select=status`, { headers: h })).json()) as { status: string }).status;
            if (s === 'validateFailed' || s === 'validatePassed') break;
            await new Promise((r) => setTimeout(r, 20));
          }
          runs++;
          totalMs += Date.now() - t0;
        }
      })();
    },
    async stop() {
      running = false;
      await loop;
      return { validations: runs, avgValidationMs: runs ? Math.round(totalMs / runs) : null };
    },
  };
}

/** Both backends side by side (PostgreSQL in a throwaway database; reported as not run when unreachable). */
export async function run(opts: { users?: number; seconds?: number } = {}) {
  const sqlite = await runOn(opts);
  const why = await pgUnreachable();
  if (why) return { sqlite, postgres: { notRun: why } };
  const pgdb = await createTempDatabase('benchlatency');
  try {
    return { sqlite, postgres: await runOn({ ...opts, db: pgdb.url }) };
  } finally {
    await pgdb.drop();
  }
}

async function runOn(opts: { users?: number; seconds?: number; db?: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-latency-'));
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./latencyChild.ts', import.meta.url).pathname, dir, String(opts.users ?? 2000), opts.db ?? ''], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
    });
    const { url, token, targetIds, placement } = JSON.parse(line) as { url: string; token: string; targetIds: string[]; placement: string };
    const h = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = (name: string, resources: string[]) => JSON.stringify({
      displayName: name, completeAfterDateTime: '2027-01-15T22:00:00Z', sourceTenantId: '11111111-1111-4111-8111-111111111111', resourceType: 'Users', resources,
      exchangeSettings: { sourceEndpoint: 'ContosoMigrationEndpoint', targetDeliveryDomain: 'fabrikam.onmicrosoft.com' }, workloads: ['Exchange', 'ODSP', 'Teams', 'Meeting'],
    });
    const big = await (await fetch(`${url}${B}`, { method: 'POST', headers: h, body: body('latency-load', targetIds) })).json() as { id: string };
    const small = await (await fetch(`${url}${B}`, { method: 'POST', headers: h, body: body('latency-probe', ['0f000000-0000-4000-8000-000000000001']) })).json() as { id: string };
    if (!big.id || !small.id) throw new Error('job create failed');
    const result = await measureLatency({ url: `${url}${B}/${small.id}`, token, seconds: opts.seconds ?? 5, load: revalidationLoad(url, token, big.id) });
    return { backend: opts.db ? 'postgres' : 'sqlite', runner: placement, users: targetIds.length, ...result };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('latency.ts')) console.log(JSON.stringify(await run(), null, 2));

// GET-by-id latency from outside (autocannon in this process, the server in a child process) while a
// 2,000-user validation runs again and again, against idle latency measured the same way in the same run.
// Target: p99 under load <= 3 x idle p99 and <= 25 ms. `measureLatency` is reusable: pass any load
// (the migration benchmark drives a migration instead).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';

// autocannon ships no type declarations: the little of its API used here.
interface CannonResult { non2xx: number; latency: { p50: number; p99: number }; requests: { total: number } }
const autocannon = createRequire(import.meta.url)('autocannon') as (o: { url: string; connections: number; duration: number; headers: Record<string, string> }) => Promise<CannonResult>;

export interface Latency { p50: number; p99: number; requests: number }
export interface Load { start(): void; stop(): Promise<Record<string, unknown>> }

async function cannon(url: string, token: string, seconds: number, connections: number): Promise<Latency> {
  const r = await autocannon({ url, connections, duration: seconds, headers: { authorization: `Bearer ${token}` } });
  if (r.non2xx) throw new Error(`${r.non2xx} non-2xx answers from ${url}`);
  return { p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total };
}

/** Idle latency, then latency while `load` runs; both with the same connections and duration. */
export async function measureLatency(o: { url: string; token: string; seconds?: number; connections?: number; load: Load }) {
  const seconds = o.seconds ?? 5;
  const connections = o.connections ?? 4;
  await cannon(o.url, o.token, 1, connections); // warm-up
  const idle = await cannon(o.url, o.token, seconds, connections);
  o.load.start();
  const loaded = await cannon(o.url, o.token, seconds, connections);
  const load = await o.load.stop();
  const ratio = Math.round((loaded.p99 / Math.max(idle.p99, 0.001)) * 100) / 100;
  return { idle, loaded, load, p99Ratio: ratio, target: 'p99 under load <= 3 x idle p99 and <= 25 ms', withinTarget: ratio <= 3 && loaded.p99 <= 25 };
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

export async function run(opts: { users?: number; seconds?: number; db?: string } = {}) {
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

if (process.argv[1]?.endsWith('latency.ts')) {
  const db = process.argv.find((a) => a.startsWith('postgres://'));
  console.log(JSON.stringify(await run({ db }), null, 2));
}

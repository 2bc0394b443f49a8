// Slow-body connections (issue 23): 2,000 unauthenticated connections that send `POST /beta/$batch`
// headers announcing a 1 MB body and then trickle it, one byte every 5 s each, while a normal client's
// GET job by id is timed on a fixed schedule (bench/latency.ts's probe). Baseline: the same probe against
// the same server with no slow clients, in the same run. The server is xtm as shipped (SQLite, 10,001
// jobs: bench/serverChild.ts) with its defaults: --request-timeout 30 s, --max-connections 10,000.
// Two loaded phases: `held` (the 2,000 connections open, nothing else happening) and `cutAndTopUp` (the
// server cuts them at the request timeout and the attacker opens new ones at its next tick, as slowloris
// does: a stream of new connections each answered 401). Target: p99 < 100 ms.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { probe } from './latency.js';

const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const REQUEST_TIMEOUT_MS = 30_000; // config.ts DEFAULTS.requestTimeoutMs

/** The slow clients in a process of their own (bench/slowBodyClients.ts), driven over IPC. */
async function slowClients(url: string, count: number, dripMs: number) {
  const child = fork(new URL('./slowBodyClients.ts', import.meta.url).pathname, [url, String(count), String(dripMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<Record<string, number>>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Record<string, number>));
    child.once('exit', (c) => reject(new Error(`slow clients exited (${c})`)));
  });
  const ready = await next();
  return {
    setupMs: ready.setupMs!,
    openWhenSetUp: ready.open!,
    async open() {
      const answer = next();
      child.send('count');
      return (await answer).open!;
    },
    async stop() {
      const answer = next();
      child.send('stop');
      return answer;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

export async function run(opts: { connections?: number; seconds?: number; rate?: number; dripMs?: number } = {}) {
  const connections = opts.connections ?? 2000;
  const seconds = opts.seconds ?? 10;
  const rate = opts.rate ?? 200;
  const dripMs = opts.dripMs ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-slowbody-'));
  let slow: Awaited<ReturnType<typeof slowClients>> | undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./serverChild.ts', import.meta.url).pathname, 'xtm', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
    });
    const { url, token, jobId } = JSON.parse(line) as { url: string; token: string; jobId: string };
    const target = `${url}${B}/${jobId}`;
    await probe(target, token, 2, 4, rate); // warm-up
    const idle = await probe(target, token, seconds, 4, rate);

    const t0 = performance.now();
    slow = await slowClients(url, connections, dripMs);
    const held = { ...(await probe(target, token, seconds, 4, rate)), slowConnectionsOpen: await slow.open() };
    // From now until the attacker's top-up after the cut is over.
    const rest = (REQUEST_TIMEOUT_MS + dripMs + 2000 - (performance.now() - t0)) / 1000;
    const cutAndTopUp = { ...(await probe(target, token, Math.max(rest, seconds), 4, rate)), slowConnectionsOpen: await slow.open() };
    const load = await slow.stop();
    const within = (p: { p99: number }) => p.p99 < 100;
    return {
      machine: { cpus: availableParallelism(), loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 },
      probe: { requestsPerSecond: rate, connections: 4 },
      slowClients: { connections, dripMs, setupMs: slow.setupMs, openWhenSetUp: slow.openWhenSetUp, ...load },
      idle,
      held: { ...held, p99Ratio: Math.round((held.p99 / Math.max(idle.p99, 0.001)) * 100) / 100 },
      cutAndTopUp: { ...cutAndTopUp, p99Ratio: Math.round((cutAndTopUp.p99 / Math.max(idle.p99, 0.001)) * 100) / 100 },
      target: 'GET p99 < 100 ms beside 2,000 slow-body connections',
      withinTarget: { held: within(held), cutAndTopUp: within(cutAndTopUp) },
    };
  } finally {
    slow?.kill();
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('slowBody.ts')) console.log(JSON.stringify(await run({ connections: Number(process.argv[2] ?? 2000) }), null, 2));

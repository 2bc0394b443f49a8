// Slow-body connections (issue 23): 2,000 unauthenticated connections that send `POST /beta/$batch`
// headers announcing a 1 MB body and then trickle it, one byte every 5 s each, while a normal client's
// GET job by id is timed on a fixed schedule (bench/latency.ts's probe). Baseline: the same probe against
// the same server with no slow clients, in the same run. The server is xtm as shipped (SQLite, 10,001
// jobs: bench/serverChild.ts) with its defaults: --request-timeout 30 s, --max-connections 10,000.
// Two loaded phases: `held` (the 2,000 connections open, nothing else happening) and `cutAndTopUp` (the
// server cuts them at the request timeout and the attacker opens new ones at its next tick, as slowloris
// does: a stream of new connections each answered 401). Target: p99 < 100 ms.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { probe } from './latency.js';

const B = '/beta/solutions/migrations/crossTenantMigrationJobs';
const REQUEST_TIMEOUT_MS = 30_000; // config.ts DEFAULTS.requestTimeoutMs

/** `count` slow-body connections; one the server cuts is opened again at the attacker's next tick (within `dripMs`). */
function slowClients(url: string, count: number, dripMs: number) {
  const u = new URL(url);
  const open = new Set<Socket>();
  let stopped = false;
  let cut = 0;
  let opened = 0;
  const head = `POST /beta/$batch HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`;
  const one = (): Promise<void> => new Promise((resolve) => {
    const sock = connect(Number(u.port), u.hostname, () => {
      opened++;
      sock.write(head);
      resolve();
    });
    open.add(sock);
    // Staggered: the drips of all connections spread over the interval.
    let timer = setTimeout(function tick() {
      if (sock.writable) sock.write(' ');
      timer = setTimeout(tick, dripMs);
    }, Math.random() * dripMs);
    sock.on('error', () => undefined);
    sock.resume();
    sock.once('close', () => {
      clearTimeout(timer);
      open.delete(sock);
      resolve();
      if (stopped) return;
      cut++;
      setTimeout(() => !stopped && void one(), Math.random() * dripMs);
    });
  });
  return {
    /** Opens them 100 at a time (the kernel's accept queue holds ~500). */
    async start() {
      for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, one));
    },
    get open() {
      return open.size;
    },
    stop() {
      stopped = true;
      for (const s of open) s.destroy();
      return { connectionsOpened: opened, cutByServer: cut };
    },
  };
}

export async function run(opts: { connections?: number; seconds?: number; rate?: number; dripMs?: number } = {}) {
  const connections = opts.connections ?? 2000;
  const seconds = opts.seconds ?? 10;
  const rate = opts.rate ?? 200;
  const dripMs = opts.dripMs ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-slowbody-'));
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

    const slow = slowClients(url, connections, dripMs);
    const t0 = performance.now();
    await slow.start();
    const setupMs = Math.round(performance.now() - t0);
    const openAtStart = slow.open;
    const held = { ...(await probe(target, token, seconds, 4, rate)), slowConnectionsOpen: slow.open };
    // From now until the attacker's top-up after the cut is over.
    const rest = (REQUEST_TIMEOUT_MS + dripMs + 2000 - (performance.now() - t0)) / 1000;
    const cutAndTopUp = { ...(await probe(target, token, Math.max(rest, seconds), 4, rate)), slowConnectionsOpen: slow.open };
    const load = slow.stop();
    const within = (p: { p99: number }) => p.p99 < 100;
    return {
      machine: { cpus: availableParallelism(), loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 },
      probe: { requestsPerSecond: rate, connections: 4 },
      slowClients: { connections, dripMs, setupMs, openWhenSetUp: openAtStart, ...load },
      idle,
      held: { ...held, p99Ratio: Math.round((held.p99 / Math.max(idle.p99, 0.001)) * 100) / 100 },
      cutAndTopUp: { ...cutAndTopUp, p99Ratio: Math.round((cutAndTopUp.p99 / Math.max(idle.p99, 0.001)) * 100) / 100 },
      target: 'GET p99 < 100 ms beside 2,000 slow-body connections',
      withinTarget: { held: within(held), cutAndTopUp: within(cutAndTopUp) },
    };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('slowBody.ts')) console.log(JSON.stringify(await run({ connections: Number(process.argv[2] ?? 2000) }), null, 2));

// HTTP throughput of xtm against a bare node:http server that answers the same requests with the
// same recorded responses (status, headers, bytes): GET job by id (10,000 jobs stored), list $top=20,
// and GET of a 2,000-user job, on SQLite and on PostgreSQL. The load generator is autocannon in a
// process of its own (bench/loadgen.ts), sending the same headers (Authorization) to both servers;
// rounds are interleaved (xtm SQLite, xtm PostgreSQL, bare, …) after a warm-up of each, and each
// figure is the median round. ratio = xtm req/s ÷ bare req/s. On a shared machine, req/s swings with
// other load, so each round also counts the server's CPU per request (its process, plus on PostgreSQL
// the database's server processes): cpuRatio = bare CPU/request ÷ xtm CPU/request, the throughput
// ratio the two would have on equal, dedicated cores.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Round, RoundResult } from './loadgen.js';
import { createTempDatabase, PG_ADMIN_URL, pgUnreachable, type TempDatabase } from '../test/pg.js';

const here = fileURLToPath(new URL('.', import.meta.url));

function startChild(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; info: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'serverChild.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(buf.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
}

class LoadGenerator {
  private child = fork(join(here, 'loadgen.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private ready = new Promise<void>((resolve) => this.child.once('message', () => resolve()));
  async round(r: Round): Promise<RoundResult> {
    await this.ready;
    const done = new Promise<RoundResult>((resolve) => this.child.once('message', (m) => resolve(m as RoundResult)));
    this.child.send(r);
    const out = await done;
    if (out.non2xx || out.errors || !out.requests) throw new Error(`${r.url}: ${out.non2xx} non-2xx, ${out.errors} errors in ${out.requests} requests`);
    return out;
  }
  stop() {
    this.child.kill();
  }
}

const SKIP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function record(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const kept: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!SKIP_HEADERS.has(k)) kept[k] = v;
  });
  return { status: res.status, headers: kept, body: await res.text() };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Target { name: string; url: string; headers: Record<string, string>; pids: () => Promise<number[]> }

/** user + system CPU of these processes so far, in clock ticks (Linux /proc; 0 elsewhere). */
function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      /* ended meanwhile, or no /proc */
    }
  }
  return total;
}

/** The PostgreSQL server processes serving xtm's pool: their CPU is part of xtm's cost per request. */
async function pgBackends(url: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [new URL(url).pathname.slice(1)]);
    return rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

// Backends: 'postgres' is xtm as shipped (its read cache checks for other replicas' writes before a hit,
// store/pgReadCache.ts); 'postgres-unchecked' the same store with that check off (XTM_PG_READ_CHECK=off),
// the single-replica cache it replaced: the check's cost is their ratio.
export async function run(opts: { seconds?: number; rounds?: number; connections?: number; backends?: ('sqlite' | 'postgres' | 'postgres-unchecked')[]; cases?: string[]; warmup?: number } = {}) {
  const seconds = opts.seconds ?? 4;
  const rounds = opts.rounds ?? 3;
  const connections = opts.connections ?? 32;
  const warmup = opts.warmup ?? 5000;
  let backends = opts.backends ?? ['sqlite', 'postgres', 'postgres-unchecked'];
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-'));
  const children: ChildProcess[] = [];
  let pgdb: TempDatabase | undefined;
  let pgdb2: TempDatabase | undefined;
  const loadgen = new LoadGenerator();
  const notes: string[] = [];
  try {
    if (backends.includes('postgres')) {
      const why = await pgUnreachable();
      if (why) {
        notes.push(`postgres not run: ${why}`);
        backends = backends.filter((b) => !b.startsWith('postgres'));
      } else {
        pgdb = await createTempDatabase('benchhttp');
        if (backends.includes('postgres-unchecked')) pgdb2 = await createTempDatabase('benchhttp2');
      }
    }
    const dbOf = (b: string) => (b === 'postgres' ? pgdb! : pgdb2!);
    const servers: { backend: string; info: any; pid: number }[] = [];
    for (const backend of backends) {
      const env = backend === 'postgres-unchecked' ? { ...process.env, XTM_PG_READ_CHECK: 'off' } : process.env;
      const s = await startChild(['xtm', join(dir, backend), backend.startsWith('postgres') ? dbOf(backend).url : join(dir, `${backend}.db`)], env);
      children.push(s.child);
      servers.push({ backend, info: s.info, pid: s.child.pid! });
    }
    const J = '/beta/solutions/migrations/crossTenantMigrationJobs';
    const cases = {
      getById: (i: any) => `${J}/${i.jobId}`,
      list20: () => `${J}?$top=20`,
      get2000UserJob: (i: any) => `${J}/${i.bigJobId}`,
    };
    // The bare server answers each path with what xtm (SQLite, else the first backend) answered.
    const recorded: Record<string, Awaited<ReturnType<typeof record>>> = {};
    for (const { info } of servers) {
      for (const path of Object.values(cases).map((f) => f(info))) {
        recorded[path] ??= await record(`${info.url}${path}`, { authorization: `Bearer ${info.token}` });
      }
    }
    const recordedFile = join(dir, 'recorded.json');
    writeFileSync(recordedFile, JSON.stringify(recorded));
    const bare = await startChild(['bare', recordedFile]);
    children.push(bare.child);

    const result: Record<string, unknown> = { jobsStored: 10_001, connections, seconds, rounds, notes };
    for (const [name, path] of Object.entries(cases).filter(([n]) => !opts.cases || opts.cases.includes(n))) {
      const targets: Target[] = [
        ...servers.map(({ backend, info, pid }) => ({ name: backend, url: `${info.url}${path(info)}`, headers: { authorization: `Bearer ${info.token}` }, pids: async () => [pid, ...(backend.startsWith('postgres') ? await pgBackends(dbOf(backend).url) : [])] })),
        // The bare server gets the same request bytes: same path, same Authorization header (each backend's token has one length).
        { name: 'bare', url: `${bare.info.url}${path(servers[0]!.info)}`, headers: { authorization: `Bearer ${servers[0]!.info.token}` }, pids: async () => [bare.child.pid!] },
      ];
      // Warm-up by count, not time: V8 optimizes after thousands of calls, however slow the machine is.
      for (const t of targets) await loadgen.round({ url: t.url, headers: t.headers, seconds: 60, amount: warmup, connections });
      const rps: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
      const cpu: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
      const p99: Record<string, number[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
      for (let r = 0; r < rounds; r++) {
        for (const t of targets) {
          const pids = await t.pids();
          const before = cpuTicks(pids);
          const out = await loadgen.round({ url: t.url, headers: t.headers, seconds, connections });
          rps[t.name]!.push(out.rps);
          cpu[t.name]!.push(((cpuTicks(pids) - before) * 10_000) / out.requests); // µs of server CPU per request (100 ticks/s)
          p99[t.name]!.push(out.p99);
        }
      }
      const bareRps = median(rps.bare!);
      const bareCpu = median(cpu.bare!);
      const row: Record<string, unknown> = {};
      for (const t of targets) {
        const own = { rps: Math.round(median(rps[t.name]!)), cpuUsPerRequest: Math.round(median(cpu[t.name]!)), p99ms: median(p99[t.name]!), rounds: rps[t.name]!.map(Math.round) };
        row[t.name] = t.name === 'bare' ? own : { ...own, ratio: +(median(rps[t.name]!) / bareRps).toFixed(3), cpuRatio: +(bareCpu / median(cpu[t.name]!)).toFixed(3) };
      }
      result[name] = row;
    }
    return result;
  } finally {
    loadgen.stop();
    for (const c of children) c.kill();
    await new Promise((r) => setTimeout(r, 300));
    await pgdb?.drop();
    await pgdb2?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const backends = process.argv.includes('--sqlite') ? ['sqlite' as const] : process.argv.includes('--postgres') ? ['postgres' as const, 'postgres-unchecked' as const] : undefined;
  const cases = process.env.BENCH_CASES?.split(',');
  const r = await run({ seconds: Number(process.env.BENCH_SECONDS ?? 4), rounds: Number(process.env.BENCH_ROUNDS ?? 3), backends, cases });
  console.log(JSON.stringify(r, null, 2));
}

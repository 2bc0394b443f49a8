// Issue 2 benchmark: GET-by-id and list ($top=20, 10,000 jobs stored) throughput of xtm against a bare
// node:http server returning the same pre-serialized JSON, measured in one run with one load generator.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

function startChild(args: string[]): Promise<{ child: ChildProcess; info: any }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'serverChild.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, info: JSON.parse(buf.slice(0, nl)) });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
}

async function load(url: string, headers: Record<string, string>, seconds: number, concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const end = Date.now() + seconds * 1000;
  let done = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname + target.search, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode} for ${url}`));
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await one();
      done++;
    }
  }));
  agent.destroy();
  return done / seconds;
}

async function get(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.text();
}

export async function run(opts: { seconds?: number; concurrency?: number } = {}) {
  const seconds = opts.seconds ?? 5;
  const concurrency = opts.concurrency ?? 16;
  const dir = mkdtempSync(join(tmpdir(), 'xtm-bench-'));
  const xtm = await startChild(['xtm', dir]);
  const auth = { authorization: `Bearer ${xtm.info.token}` };
  const byIdUrl = `${xtm.info.url}/beta/solutions/migrations/crossTenantMigrationJobs/${xtm.info.jobId}`;
  const listUrl = `${xtm.info.url}/beta/solutions/migrations/crossTenantMigrationJobs?$top=20`;
  const bodies = { byId: await get(byIdUrl, auth), list: await get(listUrl, auth) };
  const bare = await startChild(['bare', JSON.stringify(bodies)]);
  try {
    await load(byIdUrl, auth, 1, concurrency); // warm-up
    await load(`${bare.info.url}/x`, {}, 1, concurrency);
    const xtmById = await load(byIdUrl, auth, seconds, concurrency);
    const bareById = await load(`${bare.info.url}/job`, {}, seconds, concurrency);
    const xtmList = await load(listUrl, auth, seconds, concurrency);
    const bareList = await load(`${bare.info.url}/jobs?$top=20`, {}, seconds, concurrency);
    const result = {
      jobsStored: 10_000,
      getById: { xtm: Math.round(xtmById), bare: Math.round(bareById), ratio: +(xtmById / bareById).toFixed(3) },
      list20: { xtm: Math.round(xtmList), bare: Math.round(bareList), ratio: +(xtmList / bareList).toFixed(3) },
    };
    return result;
  } finally {
    xtm.child.kill();
    bare.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await run({ seconds: Number(process.env.BENCH_SECONDS ?? 5) });
  console.log(`GET by id   xtm ${r.getById.xtm} req/s  bare node:http ${r.getById.bare} req/s  ratio ${r.getById.ratio} (target >= 0.5)`);
  console.log(`list $top20 xtm ${r.list20.xtm} req/s  bare node:http ${r.list20.bare} req/s  ratio ${r.list20.ratio}`);
}

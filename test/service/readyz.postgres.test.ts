// Issue 23: /readyz while PostgreSQL cannot be reached, from outside. `xtm serve` (API and its worker
// thread) talks to PostgreSQL through a TCP proxy in this test; closing the proxy (listener and every
// open connection) is the database going away. Then /readyz answers 503 with the reason, promptly; the
// process stays up and /healthz answers 200. With the proxy back, /readyz answers 200 again with a fresh
// runner heartbeat and Graph requests are served: nothing crashed or wedged.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTempDatabase, pgUnreachable, type TempDatabase } from '../pg.js';
import { REPO_ROOT } from './xtmCommand.js';
import { call, demoAppToken, freePort, kill, serve, sleep, type XtmProc } from './xtmProcess.js';

const skip = (await pgUnreachable()) ?? false;

/** A TCP proxy to PostgreSQL that can be taken down (refusing and cutting every connection) and brought back on its port. */
class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number, private readonly to: { host: string; port: number }) {}

  up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.to.port, this.to.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

interface Probe { status: number; body: any; ms: number }
/** A probe's answer and how long it took; a server that does not answer at all fails with its output. */
async function probe(server: XtmProc & { url: string }, path: string): Promise<Probe> {
  const t0 = Date.now();
  try {
    const r = await call(server.url, 'GET', path);
    return { ...r, ms: Date.now() - t0 };
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}; the server (exit ${server.child.exitCode}, ${server.child.signalCode}) wrote:\n${server.out().slice(-3000)}`);
  }
}

describe('/readyz when PostgreSQL goes away and comes back', { skip, timeout: 150_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'xtm-readyz-'));
  let pg: TempDatabase;
  let proxy: Proxy;
  let server: XtmProc & { url: string };
  let token: string;
  const J = '/beta/solutions/migrations/crossTenantMigrationJobs';
  before(async () => {
    pg = await createTempDatabase('readyz');
    const real = new URL(pg.url);
    proxy = new Proxy(await freePort(), { host: real.hostname, port: Number(real.port || 5432) });
    await proxy.up();
    const viaProxy = new URL(pg.url);
    viaProxy.port = String(proxy.port);
    server = await serve(join(root, 'data'), ['--db', viaProxy.toString(), '--port', '0', '--https-port', 'off', '--clock', 'manual', '--scenario', join(REPO_ROOT, 'scenarios', 'demo.yaml'), '--no-admin-auth', '--log-level', 'warn']);
    token = await demoAppToken(server.url);
  });
  after(async () => {
    await kill(server);
    await proxy?.down();
    await pg?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('ready with the database there', async () => {
    let r: Probe;
    for (const deadline = Date.now() + 60_000; (r = await probe(server, '/readyz')).status !== 200; await sleep(200)) assert.ok(Date.now() < deadline, JSON.stringify(r.body));
    assert.equal((await call(server.url, 'GET', J, { token })).status, 200);
  });

  it('database gone: /readyz 503 with the reason, promptly; /healthz 200; the process stays up', async () => {
    await proxy.down();
    let r: Probe;
    for (const deadline = Date.now() + 20_000; (r = await probe(server, '/readyz')).status !== 503; await sleep(200)) assert.ok(Date.now() < deadline, `still ${r.status}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, 'not ready');
    assert.match(r.body.reason, /^the store does not answer: /);
    assert.equal(r.body.checks.store, 'unreachable');
    // For a while (the runner's heartbeat and the pool's retries fail meanwhile): every probe answers, in bounded time.
    for (const until = Date.now() + 8000; Date.now() < until; await sleep(500)) {
      const ready = await probe(server, '/readyz');
      assert.equal(ready.status, 503, JSON.stringify(ready.body));
      assert.ok(ready.ms < 5000, `/readyz took ${ready.ms} ms`);
      const health = await probe(server, '/healthz');
      assert.equal(health.status, 200);
      assert.ok(health.ms < 1000, `/healthz took ${health.ms} ms`);
    }
    assert.equal(server.child.exitCode, null, `the server exited: ${server.out().slice(-2000)}`);
  });

  it('database back: /readyz 200 with a fresh runner heartbeat, and Graph requests are served', async () => {
    await proxy.up();
    let r: Probe;
    for (const deadline = Date.now() + 30_000; (r = await probe(server, '/readyz')).status !== 200; await sleep(200)) assert.ok(Date.now() < deadline, `still ${r.status}: ${JSON.stringify(r.body)}`);
    // The runner beats again (not a beat from before the outage): its age is below the outage's length.
    for (const deadline = Date.now() + 10_000; ; await sleep(300)) {
      const age = Number(/heartbeat ([\d.]+) s ago/.exec((await probe(server, '/readyz')).body.checks?.worker ?? '')?.[1]);
      if (age < 3) break;
      assert.ok(Date.now() < deadline, `the runner has not beaten since the database came back (last ${age} s ago)`);
    }
    const jobs = await call(server.url, 'GET', J, { token });
    assert.equal(jobs.status, 200, jobs.text);
    assert.equal(server.child.exitCode, null);
  });
});

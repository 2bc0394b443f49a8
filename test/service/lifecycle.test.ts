// Issue 23, from outside with real processes, signals and sockets: one owner per SQLite store (a
// second serve or a worker is refused; SIGKILL leaves no stale lock), clean stops (SIGTERM logs each
// step and exits 0; a second signal or the bound exits at once; server.json only removed by its owner),
// a request body that does not arrive in time is cut off, the connection cap, and the loopback Host
// check without admin auth.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XTM_SOURCE } from './xtmCommand.js';

const root = mkdtempSync(join(tmpdir(), 'xtm-life-'));
after(() => rmSync(root, { recursive: true, force: true }));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XTM_')));

interface Proc { child: ChildProcess; out: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function xtm(args: string[], cwd = root): Proc {
  const child = spawn(process.execPath, [...XTM_SOURCE, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, exited };
}

const serveArgs = (dir: string, ...extra: string[]) => ['serve', '--data-dir', dir, '--port', '0', '--https-port', 'off', '--scenario', 'none', '--clock', 'manual', ...extra];

/** Starts `xtm serve` and waits for its server.json; the server's URL. */
async function serve(dir: string, ...extra: string[]): Promise<Proc & { url: string }> {
  const p = xtm(serveArgs(dir, ...extra));
  const info = join(dir, 'server.json');
  // A SIGKILLed server leaves its server.json behind: wait for this child's.
  const mine = () => existsSync(info) && JSON.parse(readFileSync(info, 'utf8')).pid === p.child.pid;
  for (const deadline = Date.now() + 60_000; !mine(); await sleep(100)) {
    if (Date.now() > deadline || p.child.exitCode !== null) throw new Error(`serve did not start: ${p.out()}`);
  }
  return Object.assign(p, { url: JSON.parse(readFileSync(info, 'utf8')).http as string });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one owner per SQLite store', () => {
  const dir = join(root, 'owned');
  let first: Proc & { url: string };

  it('a second serve and a worker on a store a live server owns are refused, saying who owns it', async () => {
    first = await serve(dir);
    const second = xtm(serveArgs(dir));
    const worker = xtm(['worker', '--data-dir', dir]);
    assert.equal((await second.exited).code, 2);
    assert.match(second.out(), /in use by another running xtm process.*the xtm server at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/s);
    assert.equal((await worker.exited).code, 2);
    assert.match(worker.out(), /cannot run `xtm worker` on it/);
    // The refused server removed nothing: the first is still found and answers.
    assert.equal(JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')).pid, first.child.pid);
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  });

  it('SIGKILL leaves no stale lock: a new server starts at once', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    const next = await serve(dir);
    assert.equal((await fetch(`${next.url}/healthz`)).status, 200);
    next.child.kill('SIGTERM');
    assert.equal((await next.exited).code, 0);
  });
});

describe('clean stops', () => {
  it('SIGTERM: readiness, listeners, runner and store stop in logged steps; exit 0; server.json removed', async () => {
    const dir = join(root, 'term');
    const s = await serve(dir);
    // Ready once the worker thread's runner has beaten (it starts after the listener).
    let ready: Response;
    for (const deadline = Date.now() + 30_000; (ready = await fetch(`${s.url}/readyz`)).status !== 200 && Date.now() < deadline;) await sleep(200);
    assert.equal(ready.status, 200, await ready.text());
    const t0 = Date.now();
    s.child.kill('SIGTERM');
    const { code } = await s.exited;
    assert.equal(code, 0, s.out());
    assert.ok(Date.now() - t0 < 10_000);
    const steps = s.out().split('\n').filter((l) => l.includes('"msg":"stop')).map((l) => JSON.parse(l).msg as string);
    assert.deepEqual(steps.slice(0, 2), ['stopping: signal received', 'stopping: no new connections; finishing in-flight requests and running work items']);
    assert.ok(steps.includes('stopping: listeners closed, in-flight requests finished'), steps.join('\n'));
    assert.ok(steps.includes('stopping: runner stopped, its work items committed and their locks released'), steps.join('\n'));
    assert.equal(steps.at(-1), 'stopped');
    assert.equal(existsSync(join(dir, 'server.json')), false);
  });

  it('the bound passing exits at once with 1 (--shutdown-timeout 0); a restart finds the store free', async () => {
    const dir = join(root, 'bound');
    const s = await serve(dir, '--shutdown-timeout', '0');
    s.child.kill('SIGTERM');
    assert.equal((await s.exited).code, 1);
    assert.match(s.out(), /the shutdown bound passed, exiting now/);
    assert.equal(existsSync(join(dir, 'server.json')), false, 'an exit at the bound still removes its own server.json');
    const again = await serve(dir);
    // A second signal while stopping exits at once.
    again.child.kill('SIGTERM');
    again.child.kill('SIGTERM');
    const { code, signal } = await again.exited;
    assert.ok(code === 0 || code === 1, `exit ${code} (${signal}):\n${again.out().slice(-3000)}`);
    if (code === 1) assert.match(again.out(), /second signal, exiting now/);
  });
});

describe('edges, with real sockets', () => {
  let s: Proc & { url: string };
  after(() => s?.child.kill('SIGKILL'));

  const open = (url: string) => new Promise<Socket>((resolve, reject) => {
    const u = new URL(url);
    const sock = connect(Number(u.port), u.hostname, () => resolve(sock));
    sock.once('error', reject);
  });
  const closedWithin = (sock: Socket, ms: number) => new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    sock.once('close', () => {
      clearTimeout(t);
      resolve(true);
    });
    sock.on('error', () => undefined);
    sock.resume();
  });

  it('starts with a 2 s request timeout, a 4-connection cap and no admin key', async () => {
    s = await serve(join(root, 'edges'), '--request-timeout', '2000', '--max-connections', '4', '--no-admin-auth');
  });

  it('a body that does not arrive within the request timeout is cut off', async () => {
    const sock = await open(s.url);
    sock.write(`POST /beta/$batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`);
    const drip = setInterval(() => sock.writable && sock.write(' '), 500);
    const closed = await closedWithin(sock, 6000);
    clearInterval(drip);
    assert.ok(closed, 'the slow-body connection is still open after 6 s');
  });

  it('connections past --max-connections are closed at accept; a freed slot serves again', async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => open(s.url)));
    const extra = await open(s.url); // the kernel accepts; Node closes it at once
    assert.ok(await closedWithin(extra, 3000), 'the fifth connection stayed open');
    held[0]!.destroy();
    await sleep(100);
    assert.equal((await fetch(`${s.url}/healthz`, { headers: { connection: 'close' } })).status, 200);
    for (const h of held) h.destroy();
  });

  it('without admin auth, a request whose Host is not a loopback name is refused (DNS rebinding)', async () => {
    const raw = async (host: string) => {
      const sock = await open(s.url);
      let text = '';
      sock.on('data', (c) => (text += c));
      sock.write(`POST /xtm/admin/clock/advance HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{"by":"P1D"}\n`);
      await new Promise((r) => sock.once('close', r));
      return text;
    };
    const evil = await raw('evil.example');
    assert.match(evil, /^HTTP\/1\.1 403/);
    assert.match(evil, /serves loopback names only/);
    const port = new URL(s.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) assert.match(await raw(host), /^HTTP\/1\.1 200/, host);
  });
});

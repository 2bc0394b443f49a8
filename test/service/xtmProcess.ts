// Real `xtm serve` and `xtm worker` child processes for the multi-process tests (chaos, clean stops,
// readiness): spawned from the sources (xtmCommand.ts), their output kept, started when they say so.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { XTM_SOURCE } from './xtmCommand.js';

export interface Exit { code: number | null; signal: NodeJS.Signals | null }
export interface XtmProc { child: ChildProcess; out: () => string; exited: Promise<Exit> }

/** The environment without the caller's XTM_* settings, plus `extra`. */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XTM_'))), ...extra });

export function xtm(args: string[], o: { env?: Record<string, string>; cwd?: string } = {}): XtmProc {
  const child = spawn(process.execPath, [...XTM_SOURCE, ...args], { cwd: o.cwd, env: cleanEnv(o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, exited };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `xtm serve` on `dataDir`; resolves with its URL once its own server.json is written (a killed one's may linger). */
export async function serve(dataDir: string, args: string[], o: { env?: Record<string, string>; startMs?: number } = {}): Promise<XtmProc & { url: string }> {
  mkdirSync(dataDir, { recursive: true });
  const p = xtm(['serve', '--data-dir', dataDir, ...args], { env: o.env });
  const info = join(dataDir, 'server.json');
  const written = () => {
    try {
      return JSON.parse(readFileSync(info, 'utf8')) as { pid: number; http: string };
    } catch {
      return undefined; // not there yet, or being written
    }
  };
  const mine = () => written()?.pid === p.child.pid;
  for (const deadline = Date.now() + (o.startMs ?? 90_000); !mine(); await sleep(100)) {
    if (Date.now() > deadline || p.child.exitCode !== null) {
      p.child.kill('SIGKILL');
      throw new Error(`xtm serve did not start: ${p.out().slice(-2000)}`);
    }
  }
  return Object.assign(p, { url: written()!.http });
}

/** `xtm worker`; resolves once it logs that it runs (with its runner's worker id). */
export async function worker(args: string[], o: { env?: Record<string, string> } = {}): Promise<XtmProc & { workerId: string }> {
  const p = xtm(['worker', '--log-level', 'info', ...args], { env: o.env });
  for (const deadline = Date.now() + 60_000; ; await sleep(100)) {
    const line = p.out().split('\n').find((l) => l.includes('"xtm worker running"'));
    if (line) return Object.assign(p, { workerId: JSON.parse(line).worker as string });
    if (Date.now() > deadline || p.child.exitCode !== null) {
      p.child.kill('SIGKILL');
      throw new Error(`xtm worker did not start: ${p.out().slice(-2000)}`);
    }
  }
}

/** Stops a child if it still runs (SIGKILL: test clean-up, nothing to wait for). */
export async function kill(p: XtmProc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

/** A TCP port free now (for a process that must come back at the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The client-credentials token of demo.yaml's migration app in the target tenant (Fabrikam). */
export async function demoAppToken(url: string): Promise<string> {
  const res = await fetch(`${url}/22222222-2222-4222-8222-222222222222/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: '33333333-3333-4333-8333-333333333333', client_secret: 'xtm-demo-secret', scope: 'https://graph.microsoft.com/.default' }),
  });
  const j = (await res.json()) as { access_token?: string };
  if (!j.access_token) throw new Error(`token: ${res.status} ${JSON.stringify(j)}`);
  return j.access_token;
}

/** A JSON request; the body parsed when there is one. */
export async function call(base: string, method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

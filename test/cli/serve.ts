// A real `xtm serve` child on the demo scenario (port 0, manual clock, its own data directory) and a
// runner for CLI commands against it, for the CLI tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { XTM_SOURCE } from '../service/xtmCommand.js';

export const ROOT = join(import.meta.dirname, '..', '..');
/** node arguments that run `xtm` from the sources (never a stale dist/): spawn(process.execPath, [...XTM, 'serve']). */
export const XTM = XTM_SOURCE;
/** The test's environment without the caller's XTM_* settings. */
export const cleanEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XTM_')));

export interface Served { dir: string; url: string; adminKey: string; child: ChildProcess; stop(): Promise<void> }

export async function serveDemo(extra: string[] = []): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-cli-'));
  const child = spawn(process.execPath, [...XTM, 'serve', '--data-dir', dir, '--port', '0', '--https-port', 'off', '--clock', 'manual', '--log-level', 'warn', ...extra], { cwd: ROOT, env: cleanEnv() });
  let out = '';
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('admin API key')) resolve();
    });
    child.stderr!.on('data', (c) => (err += c));
    child.once('close', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  child.removeAllListeners('close');
  const info = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { http: string };
  return {
    dir, url: info.http, adminKey: readFileSync(join(dir, 'admin.key'), 'utf8').trim(), child,
    stop: () => new Promise<void>((resolve) => {
      child.once('close', () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
      child.kill('SIGTERM');
    }),
  };
}

/** Runs `xtm …args` (cwd: the repository) and returns its exit code and output. */
export function xtm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...XTM, ...args], { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

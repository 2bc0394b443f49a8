// Checked CLI flags: every number is validated at start (a bad value is a usage error, exit 2), and the
// commands that talk to a running server find it from the same configuration as `xtm serve`.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAdminKey } from '../graph/admin/auth.js';

export class UsageError extends Error {}

/** An integer flag within [min, max]; names the flag and the value in the error. */
export function intFlag(flag: string, value: string | number, min: number, max: number): number {
  const s = String(value).trim();
  const n = /^-?\d+$/.test(s) ? Number(s) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** An absolute http(s) base URL flag, without a trailing slash. */
export function urlFlag(flag: string, value: string): string {
  let u: URL | undefined;
  try {
    u = new URL(value);
  } catch {
    // reported below
  }
  if (!u || !/^https?:$/.test(u.protocol) || u.search || u.hash) throw new UsageError(`${flag} must be an http(s) base URL like https://xtm.example.com, got '${value}'`);
  return value.replace(/\/+$/, '');
}

export const portFlag = (flag: string, value: string | number) => intFlag(flag, value, 0, 65535);

/** The running server's address, written by `xtm serve` into its data directory. */
const SERVER_FILE = 'server.json';
export interface ServerInfo { http: string; https?: string; pid: number }

/** Writes server.json; the function returned removes it only while it is still this process's. */
export function writeServerInfo(dataDir: string, info: ServerInfo): () => void {
  const path = join(dataDir, SERVER_FILE);
  // Written whole then renamed: a reader never sees half a file.
  writeFileSync(`${path}.${process.pid}`, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  renameSync(`${path}.${process.pid}`, path);
  return () => {
    if (readServerInfo(dataDir)?.pid === info.pid) rmSync(path, { force: true });
  };
}

export function readServerInfo(dataDir: string): ServerInfo | undefined {
  const path = join(dataDir, SERVER_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ServerInfo;
  } catch {
    return undefined;
  }
}

/**
 * Where the server is: --url (or XTM_URL), else the server.json the running server wrote in the data directory,
 * else --host/--port (XTM_HOST/XTM_PORT) as `xtm serve` would bind them.
 */
export function serverUrl(o: { url?: string; dataDir: string; host?: string; port?: string | number }): string {
  const url = o.url ?? process.env.XTM_URL;
  if (url) return url.replace(/\/+$/, '');
  const info = readServerInfo(o.dataDir);
  if (info?.http) return info.http;
  const host = !o.host || o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${portFlag('--port', o.port ?? 8787)}`;
}

/** Headers for the admin API: the key from the data directory, when there is one. */
export function adminHeaders(dataDir: string): Record<string, string> {
  const key = readAdminKey(dataDir);
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** A SQLite store location that must already exist (commands other than serve never create ./data). */
export function requireExistingStore(location: string, dataDirGiven: boolean): void {
  if (/^postgres(ql)?:\/\//.test(location) || location === ':memory:') return;
  if (!existsSync(location)) {
    throw new UsageError(`no xtm store at ${location}${dataDirGiven ? '' : ' (the default ./data is relative to the current directory)'}: run this from the directory where you ran \`xtm serve\`, or pass --data-dir or --db`);
  }
}

// The admin plane (/xtm/admin/*) is guarded by an admin key: generated at first start in the data
// directory (mode 0600), sent as `Authorization: Bearer <key>`. The CLI reads the file itself. Opting
// out (`--no-admin-auth`) is allowed only on a loopback bind.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import { Errors } from '../errors.js';

export const ADMIN_PREFIX = '/xtm/admin';
export const ADMIN_KEY_FILE = 'admin.key';

export const adminKeyPath = (dataDir: string): string => join(dataDir, ADMIN_KEY_FILE);

/** Reads the admin key, creating it (0600, directory 0700) on first start. */
export function loadOrCreateAdminKey(dataDir: string): { key: string; path: string; created: boolean } {
  const path = adminKeyPath(dataDir);
  if (existsSync(path)) {
    chmodSync(path, 0o600);
    return { key: readFileSync(path, 'utf8').trim(), path, created: false };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = `xtm-admin-${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, path, created: true };
}

/** Reads the key for a client (CLI); undefined when the server never made one there. */
export function readAdminKey(dataDir: string): string | undefined {
  const path = adminKeyPath(dataDir);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const unauthorized = (why: string) => Errors.adminKeyRequired(why, ADMIN_KEY_FILE);

/** A global onRequest hook: only routes registered under /xtm/admin (any case or slashes in the URL) are guarded. */
export function adminAuthModule(key: string) {
  const expected = Buffer.from(key);
  return (app: GraphApp): void => {
    // Callback style: it runs on every request, and returns at once for all but the admin routes.
    app.addHook('onRequest', (req: FastifyRequest, _reply, done) => {
      if (!req.routeOptions.url?.startsWith(ADMIN_PREFIX)) return done();
      const header = req.headers.authorization;
      if (!header) return done(unauthorized('No admin key was sent.'));
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const given = Buffer.from(m?.[1] ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return done(unauthorized('The admin key is not valid.'));
      done();
    });
  };
}

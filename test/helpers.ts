// Test harness: a real server on port 0 (http, and https when asked), a real SQLite file per test
// (under `npm run test:postgres` a PostgreSQL database per test server), a manual clock, and tokens
// from the server's own token endpoint.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Clock } from '../src/clock.js';
import { createServer, type XtmServer } from '../src/server.js';
import type { XtmConfig } from '../src/config.js';
import type { Store } from '../src/store/db.js';
import { hashSecret } from '../src/tenants/secrets.js';
import { Resources } from '../src/domain/tenantVocabulary.js';
import type { ValidationExecutor } from '../src/engine/jobs/validationPort.js';
import { releaseTestStore, testStoreLocation } from './pg.js';
import type { ModuleRef } from '../src/engine/work/host.js';

/** The existence-only validator by module, so the worker thread can load it (functions don't cross threads). */
export const EXISTENCE_ONLY: ModuleRef = { module: new URL('./existenceOnlyValidation.ts', import.meta.url).href, export: 'existenceOnlyValidation' };

export const T = {
  source: '11111111-1111-4111-8111-111111111111',
  target: '22222222-2222-4222-8222-222222222222',
  other: '99999999-9999-4999-8999-999999999999',
  app: '33333333-3333-4333-8333-333333333333',
  readApp: '55555555-5555-4555-8555-555555555555',
  noRoleApp: '66666666-6666-4666-8666-666666666666',
  otherApp: '77777777-7777-4777-8777-777777777777',
  secret: 'xtm-test-secret',
};

export interface TestServer extends XtmServer {
  url: string;
  clock: Clock;
  dir: string;
  token(tenant?: string, clientId?: string, secret?: string): Promise<string>;
  api(method: string, path: string, opts?: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

/**
 * Starts a server on port 0. Job-API tests seed a minimal world and use the existence-only validator
 * unless they pass `validate: 'rules'` (the real rules engine, which needs a fully configured scenario).
 */
export async function startServer(cfg: Partial<XtmConfig> = {}, opts: { seed?: (store: Store) => Promise<void>; clock?: Clock; validate?: ValidationExecutor | ModuleRef | 'rules'; wallClock?: () => number } = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'xtm-test-'));
  const clock = opts.clock ?? new Clock({ mode: 'manual', startAt: Date.parse('2026-06-01T00:00:00Z') });
  const db = cfg.db ?? (await testStoreLocation(join(dir, 'xtm.db')));
  const server = await createServer({ db, dataDir: dir, port: 0, httpsPort: null, scenario: null, logLevel: 'silent', ...cfg }, { clock, log: pino({ level: process.env.XTM_TEST_LOG ?? 'silent' }), wallClock: opts.wallClock, ...(opts.validate === 'rules' ? {} : { validate: opts.validate ?? EXISTENCE_ONLY }) });
  await (opts.seed ?? seedBasic)(server.deps.store);
  const { http } = await server.listen();
  const tokens = new Map<string, string>();
  const ts: TestServer = Object.assign(server, {
    url: http,
    clock,
    dir,
    async token(tenant = T.target, clientId = T.app, secret = T.secret) {
      const k = `${tenant}|${clientId}|${secret}`;
      if (tokens.has(k)) return tokens.get(k)!;
      const res = await fetch(`${http}/${tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'https://graph.microsoft.com/.default' }),
      });
      const j = (await res.json()) as { access_token?: string };
      if (!j.access_token) throw new Error(`token failed: ${res.status} ${JSON.stringify(j)}`);
      tokens.set(k, j.access_token);
      return j.access_token;
    },
    async api(method: string, path: string, o: { body?: unknown; token?: string | null; headers?: Record<string, string>; raw?: string } = {}) {
      // The admin plane takes the server's admin key instead of a Graph token: sent unless the test gives a token.
      const admin = /^\/xtm\/admin(\/|$|\?)/i.test(path) && !o.token && o.headers?.authorization === undefined;
      const token = admin ? (server.admin?.key ?? null) : o.token === undefined ? await ts.token() : o.token;
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) body = JSON.stringify(o.body);
      if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await fetch(`${http}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* text/plain */
      }
      return { status: res.status, body: parsed as any, headers: res.headers, text };
    },
    async stop() {
      await server.close();
      await releaseTestStore(db);
      rmSync(dir, { recursive: true, force: true });
    },
  });
  return ts;
}

/** Minimal directory: two tenants, migration app consented in target, a read-only app, users. */
export async function seedBasic(store: Store, users: { source: string[]; target: string[] } = { source: [], target: [] }): Promise<void> {
  const now = '2026-01-01T00:00:00.000Z';
  const db = store.db;
  const tenants = [
    [T.source, 'Contoso', 'contoso'],
    [T.target, 'Fabrikam', 'fabrikam'],
    [T.other, 'Woodgrove', 'woodgrove'],
  ] as const;
  for (const [id, name, slug] of tenants) {
    await db.insertInto('tenants').values({ id, display_name: name, default_domain: `${slug}.onmicrosoft.com`, cloud: 'Global', my_site_host: `https://${slug}-my.sharepoint.com`, root_site_host: `https://${slug}.sharepoint.com`, settings: '{}', created_at: now }).execute();
    await db.insertInto('tenant_domains').values({ tenant_id: id, name: `${slug}.onmicrosoft.com`, is_verified: 1, is_initial: 1, is_default: 1, accepted_domain_type: 'Authoritative' }).execute();
  }
  const app = (appId: string, owner: string, name: string) =>
    db.insertInto('applications').values({ app_id: appId, owner_tenant_id: owner, display_name: name, sign_in_audience: 'AzureADMultipleOrgs', required_permissions: '[]', secrets: JSON.stringify([{ keyId: 'k1', hint: 'xtm', sha256: hashSecret(T.secret) }]), created_at: now }).execute();
  const sp = (tenant: string, appId: string, roles: string[]) =>
    db.insertInto('service_principals').values({ tenant_id: tenant, app_id: appId, display_name: appId, granted_permissions: JSON.stringify(roles.map((value) => ({ resource: Resources.graph, value }))), directory_roles: '[]', created_at: now }).execute();
  await app(T.app, T.target, 'migration app');
  await app(T.readApp, T.target, 'reader');
  await app(T.noRoleApp, T.target, 'no roles');
  await app(T.otherApp, T.other, 'woodgrove app');
  await sp(T.target, T.app, ['CrossTenantContentMigration.ReadWrite.All', 'User.Read.All']);
  await sp(T.source, T.app, ['CrossTenantContentMigration.ReadWrite.All']);
  await sp(T.target, T.readApp, ['CrossTenantContentMigration.Read.All']);
  await sp(T.target, T.noRoleApp, []);
  await sp(T.other, T.otherApp, ['CrossTenantContentMigration.ReadWrite.All']);
  for (const [tenant, ids] of [[T.source, users.source], [T.target, users.target]] as const) {
    for (const id of ids) {
      await db.insertInto('users').values({ tenant_id: tenant, id, user_principal_name: `${id}@x.onmicrosoft.com`, upn_key: `${id}@x.onmicrosoft.com`, display_name: id, mail: null, account_enabled: 1, user_type: 'Member', licenses: '[]', directory_roles: '[]', password: null, created_at: now }).execute();
    }
  }
}

export function guid(n: number): string {
  const h = n.toString(16).padStart(12, '0');
  return `aaaaaaaa-0000-4000-8000-${h}`;
}

export function jobBody(over: Record<string, unknown> = {}) {
  return {
    displayName: `job-${Math.random().toString(36).slice(2, 10)}`,
    completeAfterDateTime: '2026-12-01T00:00:00Z',
    sourceTenantId: T.source,
    exchangeSettings: { targetDeliveryDomain: 'fabrikam.onmicrosoft.com', sourceEndpoint: 'ContosoMigrationEndpoint' },
    resources: [guid(1), guid(2), guid(3)],
    resourceType: 'Users',
    workloads: ['Teams', 'Exchange', 'ODSP'],
    ...over,
  };
}

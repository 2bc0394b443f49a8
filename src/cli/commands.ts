// Implementations of the CLI commands (kept apart from argument parsing so tests can call them).
import { readFileSync, writeFileSync } from 'node:fs';
import type { XtmConfig } from '../config.js';
import { readServerInfo, writeServerInfo } from './flags.js';
import { CliError, print, type XtmClient } from './api.js';
import { DEFAULTS } from '../config.js';
import { acquireStoreOwnership, StoreOwnedError, type StoreOwnership } from '../store/ownerLock.js';
import { stopOnSignals } from './stop.js';

/** SQLite's answer when another process holds the store (the loader needs it alone). */
const isLocked = (e: unknown) => /database is locked|SQLITE_BUSY/i.test(String((e as { code?: string }).code ?? '') + String((e as Error).message ?? e));
import { createServer } from '../server.js';
import { openStore } from '../store/db.js';
import { loadOrCreateSigningKey } from '../graph/auth/keys.js';
import { makeTokenAuthority, AadError } from '../graph/auth/tokens.js';
import { validateOffline } from './validateCommand.js';
import { seedCommand } from '../tenants/scenario/index.js';

export const cliCommands = {
  async serve(cfg: Partial<XtmConfig>, o: { scenarioExplicit?: boolean } = {}): Promise<void> {
    const server = await createServer(cfg).catch((err) => {
      throw err instanceof StoreOwnedError ? new Error(ownedMessage(err, cfg.dataDir ?? DEFAULTS.dataDir, 'start a second server')) : err;
    });
    const urls = await server.listen();
    const c = server.deps.config;
    // Signals are handled before server.json says the server is up: a stop sent the moment it appears is a clean stop.
    stopOnSignals(server.deps.log, c.shutdownTimeoutMs, () => server.close());
    const removeInfo = writeServerInfo(c.dataDir, { http: urls.http, https: urls.https, pid: process.pid });
    process.once('exit', removeInfo); // also when the bound or a second signal cuts the stop short
    const admin = server.admin;
    const lines = [
      `xtm listening on ${urls.bound.join(' and ')}`,
      `  store: ${server.deps.store.location} (${server.deps.store.dialect}); clock: ${c.clock}`,
      server.tls ? `  https CA certificate (trust it for Microsoft's clients): ${server.tls.caPath}` : '',
      admin
        ? `  admin API key${admin.created ? ' (new)' : ''}: ${admin.path} — send it as: curl -H "Authorization: Bearer $(cat ${admin.path})" ${urls.http}/xtm/admin/clock (the xtm CLI reads it itself)`
        : `  admin API: no key (--no-admin-auth); loopback only`,
      `  token: curl -s -X POST ${urls.http}/<tenant>/oauth2/v2.0/token -d grant_type=client_credentials -d client_id=<app id> -d client_secret=<secret> -d scope=https://graph.microsoft.com/.default`,
      `     or: npx xtm token --tenant <tenant id or domain>`,
      `  try:   curl -H "Authorization: Bearer $TOKEN" ${urls.http}/beta/solutions/migrations/crossTenantMigrationJobs`,
    ].filter(Boolean);
    if (o.scenarioExplicit && server.scenarioSkipped) {
      console.error(`xtm: warning: --scenario ${c.scenario} was NOT loaded: the store already has tenants (${server.scenarioSkipped.join(', ')}). Load it into this store with \`xtm seed ${c.scenario}\` (server stopped), or start on an empty --data-dir.`);
    }
    console.log(lines.join('\n'));
  },

  async token(o: { tenant: string; clientId?: string; user?: string; db: string; issuer: string }): Promise<number> {
    const store = await openStore(o.db);
    try {
      const key = await loadOrCreateSigningKey(store, new Date().toISOString());
      const authority = makeTokenAuthority(store, key, 3599);
      const tenantId = await authority.resolveTenant(o.tenant);
      if (!tenantId) {
        console.error(`xtm: tenant '${o.tenant}' not found in ${o.db}`);
        return 2;
      }
      const token = o.user ? await authority.userToken(tenantId, o.user, o.issuer) : await authority.appToken(tenantId, o.clientId, o.issuer);
      console.log(token);
      return 0;
    } catch (e) {
      console.error(`xtm: ${e instanceof AadError ? e.message : String(e)}`);
      return 2;
    } finally {
      await store.close();
    }
  },

  async seed(file: string, db: string, json = false): Promise<number> {
    // A SQLite store a server runs is its own (store/ownerLock.ts): seed it through that server's `xtm reset`, or stopped.
    let owner: StoreOwnership | undefined;
    try {
      if (!/^postgres(ql)?:\/\//.test(db) && db !== ':memory:') owner = acquireStoreOwnership(db);
      const report = await seedCommand({ file, db, print: json ? () => {} : undefined });
      if (json) console.log(JSON.stringify(report, null, 2));
      return 0;
    } catch (e) {
      if (isLocked(e) || e instanceof StoreOwnedError) {
        console.error(`xtm: the store ${db} is in use by a running xtm server, so it can't be seeded now. Stop the server (Ctrl-C) and run \`xtm seed ${file}\` again, or start the server on an empty --data-dir with --scenario ${file}.`);
        return 2;
      }
      // ScenarioError lists every problem as file:line:col path: message; nothing was loaded.
      console.error(e instanceof Error ? e.message : String(e));
      return 1;
    } finally {
      owner?.release();
    }
  },

  validate: (o: { scenario: string; job: string; json: boolean }) => validateOffline(o),

  /** The clock (admin API): human text by default, JSON with --json. */
  async clock(c: XtmClient, o: { json: boolean; advance?: string; reset?: { to?: string } }): Promise<number> {
    const res = o.advance !== undefined ? await c.admin('POST', '/clock/advance', { by: o.advance })
      : o.reset ? await c.admin('POST', '/clock/reset', o.reset)
      : await c.admin('GET', '/clock');
    const s = res.body as { mode: string; factor: number; now: string; offsetMs: number };
    const days = s.offsetMs / 86_400_000;
    print(o.json, s, () => `${s.now}  (${s.mode} clock${s.mode === 'manual' ? '' : `, ×${s.factor}`}; ${Math.abs(days) < 1 / 24 ? 'real time' : `${days >= 0 ? '+' : ''}${days.toFixed(2)} days from real time`})`);
    return 0;
  },

  /** Replaces the tenant's identity map (admin API: the CSV as is). */
  async identityMapImport(c: XtmClient, tenant: string, file: string): Promise<number> {
    let csv: Buffer;
    try {
      csv = readFileSync(file);
    } catch (e) {
      throw new CliError(`can't read ${file}: ${(e as Error).message}`, 2);
    }
    const body = (await c.admin('PUT', `/tenants/${encodeURIComponent(tenant)}/spoIdentityMap.csv`, csv, 'text/csv')).body as { users?: number; groups?: number };
    console.log(`imported ${body.users} user and ${body.groups} group rows into ${tenant} (the previous map was replaced)`);
    return 0;
  },

  async identityMapExport(c: XtmClient, tenant: string, out?: string): Promise<number> {
    const { text } = await c.admin('GET', `/tenants/${encodeURIComponent(tenant)}/spoIdentityMap.csv`);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    return 0;
  },
};

/** Who owns the store, as far as its data directory says, and what to do instead. */
export function ownedMessage(err: StoreOwnedError, dataDir: string, attempt: string): string {
  const info = readServerInfo(dataDir);
  const who = info ? `the xtm server at ${info.http} (pid ${info.pid})` : 'another xtm process';
  return `${err.message}. A SQLite store has one owner: ${who} runs this store and its work, so this process cannot ${attempt} on it. Use that server, stop it first, or use another --data-dir; to run API replicas and workers side by side, use PostgreSQL (--db postgres://…).`;
}

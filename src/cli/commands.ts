// Implementations of the CLI commands (kept apart from argument parsing so tests can call them).
import { readFileSync, writeFileSync } from 'node:fs';
import type { XtmConfig } from '../config.js';
import { adminHeaders, readServerInfo, writeServerInfo } from './flags.js';
import { DEFAULTS } from '../config.js';
import { StoreOwnedError } from '../store/ownerLock.js';
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
    const removeInfo = writeServerInfo(c.dataDir, { http: urls.http, https: urls.https, pid: process.pid });
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
    process.once('exit', removeInfo); // also when the bound or a second signal cuts the stop short
    stopOnSignals(server.deps.log, c.shutdownTimeoutMs, () => server.close());
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

  async seed(file: string, db: string): Promise<number> {
    try {
      await seedCommand({ file, db });
      return 0;
    } catch (e) {
      if (isLocked(e)) {
        console.error(`xtm: the store ${db} is in use by a running xtm server, so it can't be seeded now. Stop the server (Ctrl-C) and run \`xtm seed ${file}\` again, or start the server on an empty --data-dir with --scenario ${file}.`);
        return 2;
      }
      // ScenarioError lists every problem as file:line:col path: message; nothing was loaded.
      console.error(e instanceof Error ? e.message : String(e));
      return 1;
    }
  },

  validate: (o: { scenario: string; job: string; json: boolean }) => validateOffline(o),

  async clock(url: string, dataDir: string, advance?: string): Promise<number> {
    const headers = adminHeaders(dataDir);
    let res: Response;
    try {
      res = advance
        ? await fetch(`${url}/xtm/admin/clock/advance`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ by: advance }) })
        : await fetch(`${url}/xtm/admin/clock`, { headers });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      console.error(`xtm: cannot reach the xtm server at ${url} (${cause?.code ?? cause?.message ?? String(e)}). Is \`xtm serve\` running with this --data-dir? Or pass --url.`);
      return 2;
    }
    const text = await res.text();
    try {
      console.log(JSON.stringify(JSON.parse(text), null, 2));
    } catch {
      console.log(text);
    }
    return res.ok ? 0 : 1;
  },

  /** `adminKey`: the server's admin key (the file admin.key in its data directory). */
  async identityMapImport(url: string, tenant: string, file: string, adminKey?: string): Promise<number> {
    const res = await fetch(`${url}/xtm/admin/tenants/${encodeURIComponent(tenant)}/spoIdentityMap.csv`, {
      method: 'PUT', headers: { 'content-type': 'text/csv', ...(adminKey ? { authorization: `Bearer ${adminKey}` } : {}) }, body: readFileSync(file),
    });
    const body = (await res.json()) as { users?: number; groups?: number; error?: { message: string } };
    if (!res.ok) {
      console.error(`xtm: ${body.error?.message ?? res.statusText}`);
      return 1;
    }
    console.log(`imported ${body.users} user and ${body.groups} group rows into ${tenant} (the previous map was replaced)`);
    return 0;
  },

  async identityMapExport(url: string, tenant: string, out?: string, adminKey?: string): Promise<number> {
    const res = await fetch(`${url}/xtm/admin/tenants/${encodeURIComponent(tenant)}/spoIdentityMap.csv`, { headers: adminKey ? { authorization: `Bearer ${adminKey}` } : {} });
    const text = await res.text();
    if (!res.ok) {
      console.error(`xtm: ${text}`);
      return 1;
    }
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

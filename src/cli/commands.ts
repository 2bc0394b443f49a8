// Implementations of the CLI commands (kept apart from argument parsing so tests can call them).
import { readFileSync, writeFileSync } from 'node:fs';
import type { XtmConfig } from '../config.js';
import { createServer } from '../server.js';
import { openStore } from '../store/db.js';
import { loadOrCreateSigningKey } from '../graph/auth/keys.js';
import { makeTokenAuthority, AadError } from '../graph/auth/tokens.js';
import { offlineValidate } from '../modules.js';
import { seedCommand } from '../tenants/scenario/index.js';

export const cliCommands = {
  async serve(cfg: Partial<XtmConfig>): Promise<void> {
    const server = await createServer(cfg);
    const urls = await server.listen();
    const c = server.deps.config;
    const lines = [
      `xtm listening on ${urls.http}${urls.https ? ` and ${urls.https}` : ''}`,
      `  store: ${server.deps.store.location} (${server.deps.store.dialect}); clock: ${c.clock}`,
      server.tls ? `  https CA certificate (trust it for Microsoft's clients): ${server.tls.caPath}` : '',
      `  token: curl -s -X POST ${urls.http}/<tenant>/oauth2/v2.0/token -d grant_type=client_credentials -d client_id=<app id> -d client_secret=<secret> -d scope=https://graph.microsoft.com/.default`,
      `     or: npx xtm token --tenant <tenant id or domain>`,
      `  try:   curl -H "Authorization: Bearer $TOKEN" ${urls.http}/beta/solutions/migrations/crossTenantMigrationJobs`,
    ].filter(Boolean);
    console.log(lines.join('\n'));
    const stop = async () => {
      await server.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
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
      // ScenarioError lists every problem as file:line:col path: message; nothing was loaded.
      console.error(e instanceof Error ? e.message : String(e));
      return 1;
    }
  },

  validate: (o: { scenario: string; job: string; json: boolean }) => offlineValidate(o),

  async clock(url: string, advance?: string): Promise<number> {
    const res = advance
      ? await fetch(`${url}/xtm/admin/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: advance }) })
      : await fetch(`${url}/xtm/admin/clock`);
    console.log(JSON.stringify(await res.json(), null, 2));
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

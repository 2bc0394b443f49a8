// POST /xtm/admin/token: a Graph token for the xtm CLI (and other admin tools), issued on the admin key
// instead of an app secret (the store keeps only secret digests, so no tool can replay a client
// credentials grant from it). The tenant is named, or picked by side: the target is the tenant that
// holds a migration endpoint (jobs, identity mappings), the source the one that does not (SharePoint tasks).
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { ADMIN, requireTenant } from './common.js';
import { listMigrationEndpoints, listTenants } from '../../store/tenantsRepo.js';
import { loadOrCreateSigningKey } from '../auth/keys.js';
import { AadError, makeTokenAuthority, type TokenAuthority } from '../auth/tokens.js';
import { requestOrigin } from '../odataResponse.js';

const Body = Type.Object({
  tenant: Type.Optional(Type.String({ maxLength: 256 })),
  side: Type.Optional(Type.Union([Type.Literal('target'), Type.Literal('source')])),
  clientId: Type.Optional(Type.String({ maxLength: 64 })),
  user: Type.Optional(Type.String({ maxLength: 256 })),
}, { additionalProperties: false });

const TokenAnswer = Type.Object({ tenantId: Type.String(), access_token: Type.String(), token_type: Type.Literal('Bearer'), expires_in: Type.Integer() });

export function adminTokenRoutes(app: GraphApp, deps: AppDeps): void {
  let authority: TokenAuthority | undefined; // same signing key as the server's: its tokens verify there
  const authorityOf = async () => (authority ??= makeTokenAuthority(deps.store, await loadOrCreateSigningKey(deps.store, deps.clock.iso()), deps.config.tokenLifetimeSec));

  app.post(`${ADMIN}/token`, { schema: { body: Type.Optional(Body), response: { 200: TokenAnswer } } }, async (req) => {
    const body = req.body ?? {};
    const tenantId = body.tenant ? (await requireTenant(deps, body.tenant)).id : await pickTenant(deps, body.side ?? 'target');
    const a = await authorityOf();
    try {
      const origin = requestOrigin(req);
      const token = body.user ? await a.userToken(tenantId, body.user, origin) : await a.appToken(tenantId, body.clientId, origin);
      return { tenantId, access_token: token, token_type: 'Bearer' as const, expires_in: deps.config.tokenLifetimeSec };
    } catch (e) {
      if (e instanceof AadError) throw Errors.badRequest(e.message);
      throw e;
    }
  });
}

async function pickTenant(deps: AppDeps, side: 'target' | 'source'): Promise<string> {
  const tenants = await listTenants(deps.store);
  const withEndpoint = await Promise.all(tenants.map(async (t) => (await listMigrationEndpoints(deps.store, t.id)).length > 0));
  const fit = tenants.filter((_, i) => withEndpoint[i] === (side === 'target'));
  if (fit.length === 1) return fit[0]!.id;
  const names = tenants.map((t) => t.initialDomain ?? t.id).join(', ') || 'none';
  throw Errors.badRequest(`Can't tell which tenant is the ${side} (${fit.length === 0 ? 'none fits' : `${fit.length} fit`}); name one with 'tenant'. Tenants: ${names}.`);
}

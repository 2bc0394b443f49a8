// Issues and verifies access tokens the way the Microsoft identity platform does for Graph:
// client credentials (app roles in `roles`) and resource-owner password (delegated `scp`, `wids`, `upn`).
// Token lifetime uses wall-clock time, not the migration clock: clients cache tokens by real expiry
// (see docs/decisions.md); the wall clock is injectable so tests need not wait for a token to expire.
// A token is accepted only with a signature by this authority, `exp`, a known tenant in `tid`, and
// `iss` = `<this server's origin>/<tid>/v2.0` (the tenant's authority on one of xtm's listeners), or
// `<public URL>/<tid>/v2.0` when the service has one (--public-url): replicas behind a load balancer
// share the signing key (keys.ts) and that issuer, so each accepts every replica's tokens.
import { randomUUID } from 'node:crypto';
import { secretMatches } from '../../tenants/secrets.js';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Store } from '../../store/db.js';
import { authRepo } from '../../store/authRepo.js';
import { DirectoryRoles, Resources, type AppPermission } from '../../domain/tenantVocabulary.js';
import { Errors } from '../errors.js';
import type { SigningKey } from './keys.js';
import { lockoutPolicyFromEnv, makeLockout, type LockoutPolicy } from './lockout.js';
import type { Principal } from './principal.js';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** An OAuth error in the identity platform's own format (not Graph's envelope). */
export class AadError extends Error {
  constructor(readonly status: number, readonly error: string, readonly aadsts: number, description: string) {
    super(`AADSTS${aadsts}: ${description}`);
  }
  body(traceId: string, correlationId: string) {
    return {
      error: this.error,
      error_description: `${this.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [this.aadsts],
      timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
      trace_id: traceId,
      correlation_id: correlationId,
    };
  }
}


export interface TokenAuthority {
  resolveTenant(idOrDomain: string): Promise<string | undefined>;
  clientCredentials(tenantRef: string, clientId: string, clientSecret: string, scope: string, issuerBase: string): Promise<string>;
  /** `source` is the caller's address: smart lockout counts failures per user and source. */
  password(tenantRef: string, clientId: string, username: string, password: string, scope: string, issuerBase: string, source?: string): Promise<string>;
  /** Issues an app token without the secret (admin CLI only: it already holds the store). */
  appToken(tenantId: string, clientId: string | undefined, issuerBase: string): Promise<string>;
  /** Issues a delegated token for a user without a password (admin CLI / control plane only). */
  userToken(tenantId: string, upn: string, issuerBase: string, scopes?: string[]): Promise<string>;
  /** `origin` is the request's own origin (`http://127.0.0.1:8787`): an issuer on it is this authority. */
  verify(token: string, origin?: string): Promise<Principal>;
  /** verify() for a token already verified once (its principal is cached): no promise; undefined when not cached. */
  verifyCached(token: string, origin?: string): Principal | undefined;
  /** The listeners' origins (set once listening): tokens issued on any of them are accepted on all. */
  setOrigins(origins: string[]): void;
  /** The authority base a token requested on `origin` is issued by: the public URL when configured. */
  issuerBase(origin: string): string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** host:port with the loopback names folded together (a token from localhost works on 127.0.0.1). */
function originKey(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    if (u.pathname !== '/' || u.search || u.username) return undefined;
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${LOOPBACK.has(u.hostname) ? 'loopback' : u.hostname}:${port}`;
  } catch {
    return undefined;
  }
}

export function makeTokenAuthority(store: Store, key: SigningKey, lifetimeSec: number, wallNow: () => number = Date.now, publicUrl: string | null = null, lockoutPolicy: LockoutPolicy = lockoutPolicyFromEnv()): TokenAuthority {
  const lockout = makeLockout(store, lockoutPolicy, wallNow);
  const cache = new Map<string, { p: Principal; exp: number; issuerBase: string }>();
  const listenerKeys = new Set<string>();
  const publicBase = publicUrl?.replace(/\/+$/, '');
  const acceptedIssuers = new Map<string, boolean>(); // `${origin} ${issuerBase}` -> accepted

  function verifyCached(token: string, origin?: string): Principal | undefined {
    const hit = cache.get(token);
    if (!hit) return undefined;
    if (hit.exp <= wallNow() / 1000) {
      cache.delete(token);
      throw Errors.tokenExpired();
    }
    if (!issuerAccepted(hit.issuerBase, origin)) throw Errors.tokenInvalid(`IDX10205: Issuer validation failed: '${hit.issuerBase}/${hit.p.tenantId}/v2.0' is not this authority.`);
    return hit.p;
  }

  function issuerAccepted(issuerBase: string, origin: string | undefined): boolean {
    if (issuerBase === origin || issuerBase === publicBase) return true;
    const memo = `${origin ?? ''} ${issuerBase}`;
    let ok = acceptedIssuers.get(memo);
    if (ok === undefined) {
      const k = originKey(issuerBase);
      ok = !!k && (listenerKeys.has(k) || (origin !== undefined && originKey(origin) === k));
      if (acceptedIssuers.size > 1000) acceptedIssuers.clear();
      acceptedIssuers.set(memo, ok);
    }
    return ok;
  }

  async function resolveTenant(ref: string): Promise<string | undefined> {
    return authRepo.tenantIdByRef(store.db, ref.toLowerCase());
  }

  async function requireTenant(ref: string): Promise<string> {
    const t = await resolveTenant(ref);
    if (!t) throw new AadError(400, 'invalid_tenant', 90002, `Tenant '${ref}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    return t;
  }

  function checkScope(scope: string): void {
    const scopes = scope.split(/\s+/).filter(Boolean);
    const ok = scopes.some((s) => /^(https:\/\/graph\.microsoft\.com|00000003-0000-0000-c000-000000000000)\/\.default$/i.test(s));
    if (!ok) {
      throw new AadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope || '(empty)'} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
  }

  async function sign(claims: Record<string, unknown>, tenantId: string, issuerBase: string): Promise<string> {
    const now = Math.floor(wallNow() / 1000);
    return new SignJWT({ ...claims, tid: tenantId, ver: '1.0' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(`${issuerBase}/${tenantId}/v2.0`)
      .setAudience(GRAPH_AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + lifetimeSec)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  async function servicePrincipal(tenantId: string, clientId: string) {
    const sp = await authRepo.servicePrincipal(store.db, tenantId, clientId.toLowerCase());
    if (!sp) throw new AadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`);
    return sp;
  }

  return {
    resolveTenant,
    async clientCredentials(tenantRef, clientId, clientSecret, scope, issuerBase) {
      const tenantId = await requireTenant(tenantRef);
      checkScope(scope);
      const sp = await servicePrincipal(tenantId, clientId);
      const app = await authRepo.application(store.db, clientId.toLowerCase());
      const secrets = app ? (JSON.parse(app.secrets) as { sha256: string }[]) : [];
      let match = false;
      for (const s of secrets) if (!match && (await secretMatches(clientSecret, s.sha256))) match = true;
      if (!match) throw new AadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
      return appClaims(sp, tenantId, issuerBase);
    },
    async password(tenantRef, clientId, username, password, scope, issuerBase, source = '') {
      const tenantId = await requireTenant(tenantRef);
      const sp = await servicePrincipal(tenantId, clientId);
      const lockKey = { tenantId, userKey: username.toLowerCase(), source };
      if ((await lockout.lockedFor(lockKey)) > 0) {
        throw new AadError(400, 'invalid_grant', 50053, "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.");
      }
      const user = await userByUpn(tenantId, username);
      if (!user || !user.password || !(await secretMatches(password, user.password)) || !user.account_enabled) {
        await lockout.recordFailure(lockKey);
        throw new AadError(400, 'invalid_grant', 50126, 'Error validating credentials due to invalid username or password.');
      }
      await lockout.recordSuccess(lockKey);
      const requested = scope.split(/\s+/).filter(Boolean);
      const delegated = graphPermissions(sp);
      const scp = requested.some((s) => s.endsWith('/.default')) ? delegated : requested.map((s) => s.replace(/^https:\/\/graph\.microsoft\.com\//i, '')).filter((s) => delegated.includes(s));
      return userClaims(user, sp.app_id, scp, tenantId, issuerBase);
    },
    async appToken(tenantId, clientId, issuerBase) {
      let sp;
      if (clientId) sp = await servicePrincipal(tenantId, clientId);
      else {
        const all = await authRepo.servicePrincipals(store.db, tenantId);
        sp = all.find((r) => r.granted_permissions.includes('CrossTenantContentMigration.ReadWrite.All')) ?? all[0];
        if (!sp) throw new AadError(400, 'unauthorized_client', 700016, `No application is consented in the directory '${tenantId}'.`);
      }
      return appClaims(sp, tenantId, issuerBase);
    },
    async userToken(tenantId, upn, issuerBase, scopes) {
      const user = await userByUpn(tenantId, upn);
      if (!user) throw new AadError(400, 'invalid_grant', 50034, `The user account ${upn} does not exist in the ${tenantId} directory.`);
      const scp = scopes ?? ['CrossTenantContentMigration.ReadWrite.All', 'SharePointCrossTenantMigration.Manage.All', 'User.Read.All'];
      return userClaims(user, GRAPH_APP_ID, scp, tenantId, issuerBase);
    },
    issuerBase: (origin) => publicBase ?? origin,
    setOrigins(origins) {
      for (const o of origins) {
        const k = originKey(o);
        if (k) listenerKeys.add(k);
      }
      acceptedIssuers.clear();
    },
    verifyCached,
    async verify(token, origin) {
      const cached = verifyCached(token, origin);
      if (cached) return cached;
      const nowSec = wallNow() / 1000;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key.publicKey, {
          audience: [GRAPH_AUDIENCE, GRAPH_APP_ID], algorithms: ['RS256'], requiredClaims: ['exp', 'iss', 'tid'], currentDate: new Date(wallNow()),
        }));
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw Errors.tokenExpired();
        if (e instanceof joseErrors.JWTClaimValidationFailed) {
          if (e.claim === 'exp') throw Errors.tokenInvalid('IDX10225: Lifetime validation failed. The token is missing an Expiration Time.');
          throw Errors.tokenInvalid(`Invalid audience or claim '${e.claim}'.`);
        }
        throw Errors.tokenInvalid('IDX14100: JWT is not well formed, or its signature is invalid.');
      }
      const str = (v: unknown) => (typeof v === 'string' ? v : '');
      const arr = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
      const p: Principal = {
        kind: payload.idtyp === 'app' ? 'app' : 'user',
        tenantId: str(payload.tid),
        appId: str(payload.appid),
        objectId: str(payload.oid),
        roles: arr(payload.roles),
        scopes: str(payload.scp).split(' ').filter(Boolean),
        wids: arr(payload.wids),
        upn: str(payload.upn) || undefined,
      };
      if (!p.tenantId) throw Errors.tokenInvalid('The token has no tenant (tid) claim.');
      // The issuer is the tenant's authority on this server: <origin>/<tid>/v2.0.
      const iss = str(payload.iss);
      const suffix = `/${p.tenantId}/v2.0`;
      const issuerBase = iss.endsWith(suffix) ? iss.slice(0, -suffix.length) : '';
      if (!issuerBase || !issuerAccepted(issuerBase, origin)) throw Errors.tokenInvalid(`IDX10205: Issuer validation failed: '${iss}' is not the authority of tenant ${p.tenantId} on this server.`);
      if ((await resolveTenant(p.tenantId)) !== p.tenantId) {
        throw Errors.tokenInvalid(`The tenant '${p.tenantId}' in the token (tid) does not exist.`);
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(token, { p, exp: payload.exp as number, issuerBase });
      return p;
    },
  };

  function userByUpn(tenantId: string, upn: string) {
    return authRepo.userByUpn(store.db, tenantId, upn.toLowerCase());
  }

  /** Application permissions on Microsoft Graph admin-consented to the service principal. */
  function graphPermissions(sp: { granted_permissions: string }): string[] {
    return (JSON.parse(sp.granted_permissions) as AppPermission[]).filter((p) => p.resource === Resources.graph).map((p) => p.value);
  }

  function appClaims(sp: { app_id: string; display_name: string; granted_permissions: string }, tenantId: string, issuerBase: string) {
    return sign({ appid: sp.app_id, azp: sp.app_id, oid: sp.app_id, sub: sp.app_id, idtyp: 'app', roles: graphPermissions(sp), app_displayname: sp.display_name }, tenantId, issuerBase);
  }

  function userClaims(user: { id: string; user_principal_name: string; display_name: string; directory_roles: string }, appId: string, scp: string[], tenantId: string, issuerBase: string) {
    const roleNames = JSON.parse(user.directory_roles) as string[];
    const wids = roleNames.map((r) => (DirectoryRoles as Record<string, string>)[r]).filter((x): x is string => !!x);
    return sign({ appid: appId, azp: appId, oid: user.id, sub: user.id, idtyp: 'user', scp: scp.join(' '), wids, upn: user.user_principal_name, unique_name: user.user_principal_name, name: user.display_name }, tenantId, issuerBase);
  }
}

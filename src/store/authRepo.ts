// Repository of the local identity platform: the signing key, and the tenant, app registration,
// consent (service principal) and user rows a token is issued from.
import { sql, type Kysely } from 'kysely';
import type { Database, SigningKeysTable } from './schema.js';

type Db = Kysely<Database>;

export const authRepo = {
  /** The newest signing key, if one was made. */
  newestSigningKey(db: Db): Promise<SigningKeysTable | undefined> {
    return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  },

  /** Stores a key unless another replica stored one with the same kid first. */
  async insertSigningKey(db: Db, key: SigningKeysTable): Promise<void> {
    await db.insertInto('signing_keys').values(key).onConflict((oc) => oc.column('kid').doNothing()).execute();
  },

  /** A tenant by id or by one of its domains (lower-case), as its id. */
  async tenantIdByRef(db: Db, ref: string): Promise<string | undefined> {
    const byId = await db.selectFrom('tenants').select('id').where('id', '=', ref).executeTakeFirst();
    if (byId) return byId.id;
    const byDomain = await db.selectFrom('tenant_domains').select('tenant_id').where('name', '=', ref).executeTakeFirst();
    return byDomain?.tenant_id;
  },

  servicePrincipal(db: Db, tenantId: string, appId: string) {
    return db.selectFrom('service_principals').selectAll().where('tenant_id', '=', tenantId).where('app_id', '=', appId).executeTakeFirst();
  },

  servicePrincipals(db: Db, tenantId: string) {
    return db.selectFrom('service_principals').selectAll().where('tenant_id', '=', tenantId).execute();
  },

  application(db: Db, appId: string) {
    return db.selectFrom('applications').selectAll().where('app_id', '=', appId).executeTakeFirst();
  },

  /** A user by UPN (lower-case key). */
  userByUpn(db: Db, tenantId: string, upnKey: string) {
    return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('upn_key', '=', upnKey).executeTakeFirst();
  },
};

/** Failed password grants of one user from one source (smart lockout's counter). */
export interface SignInFailureKey { tenantId: string; userKey: string; source: string }

export const signInFailuresRepo = {
  get(db: Db, k: SignInFailureKey) {
    return db.selectFrom('sign_in_failures').selectAll().where('tenant_id', '=', k.tenantId).where('user_key', '=', k.userKey).where('source', '=', k.source).executeTakeFirst();
  },
  /** Counts one failure atomically (concurrent grants cannot lose a count); a window older than `windowCutoff` restarts at 1. */
  async increment(db: Db, k: SignInFailureKey, nowIso: string, windowCutoff: string): Promise<number> {
    const stale = sql<boolean>`sign_in_failures.window_start < ${windowCutoff}`;
    const row = await db.insertInto('sign_in_failures').values({ tenant_id: k.tenantId, user_key: k.userKey, source: k.source, failures: 1, window_start: nowIso, locked_until: null })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_key', 'source']).doUpdateSet({
        failures: sql<number>`CASE WHEN ${stale} THEN 1 ELSE sign_in_failures.failures + 1 END`,
        window_start: sql<string>`CASE WHEN ${stale} THEN ${nowIso} ELSE sign_in_failures.window_start END`,
      }))
      .returning('failures').executeTakeFirstOrThrow();
    return Number(row.failures);
  },
  async lock(db: Db, k: SignInFailureKey, untilIso: string): Promise<void> {
    await db.updateTable('sign_in_failures').set({ locked_until: untilIso }).where('tenant_id', '=', k.tenantId).where('user_key', '=', k.userKey).where('source', '=', k.source).execute();
  },
  async clear(db: Db, k: SignInFailureKey): Promise<void> {
    await db.deleteFrom('sign_in_failures').where('tenant_id', '=', k.tenantId).where('user_key', '=', k.userKey).where('source', '=', k.source).execute();
  },
};

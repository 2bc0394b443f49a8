// Repository of the local identity platform: the signing key, and the tenant, app registration,
// consent (service principal) and user rows a token is issued from.
import type { Kysely } from 'kysely';
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

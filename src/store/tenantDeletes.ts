// Removals the tenant model's writers don't offer (they create or replace), for the admin API. Each
// runs in one transaction and leaves no dangling reference: what still refers to the object is either cleaned
// (memberships, permissions) or the removal is refused with the referring object named.
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { DomainErrors as Errors } from '../domain/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Remove-MgUser: the user, its recipient, mailbox content, memberships and permissions. The OneDrive stays (retention). */
export async function deleteUser(db: Kysely<Database>, tenantId: string, userId: string, nowIso: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of ['users', 'recipients'] as const) await trx.deleteFrom(table).where('tenant_id', '=', tenantId).where('id', '=', userId).execute();
    for (const table of ['mail_folders', 'mail_items', 'chat_members'] as const) await trx.deleteFrom(table).where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
    await trx.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('member_id', '=', userId).execute();
    await trx.deleteFrom('permissions').where('tenant_id', '=', tenantId).where('principal_type', '=', 'user').where('principal_id', '=', userId).execute();
    // A CTIM identity mapped to this target user falls back to Unmapped.
    await trx.updateTable('identity_mappings').set({ target_user_id: null, state: 'Unmapped', updated_at: nowIso })
      .where('target_tenant_id', '=', tenantId).where('target_user_id', '=', userId).execute();
  });
}

/** Remove-DistributionGroup: refused while an OrgRel scope or a group site refers to the group. */
export async function deleteGroup(db: Kysely<Database>, tenantId: string, groupId: string): Promise<void> {
  const rels = await db.selectFrom('organization_relationships').select(['name', 'mailbox_move_published_scopes']).where('tenant_id', '=', tenantId).execute();
  const rel = rels.find((r) => (JSON.parse(r.mailbox_move_published_scopes) as string[]).includes(groupId));
  if (rel) throw Errors.adminConflict(`The group ${groupId} is in MailboxMovePublishedScopes of organization relationship '${rel.name}'; remove it there first.`, 'group');
  const site = await db.selectFrom('sites').select('url').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).executeTakeFirst();
  if (site) throw Errors.adminConflict(`The group ${groupId} owns the site ${site.url}; remove the site first.`, 'group');
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', groupId).execute();
    await trx.deleteFrom('group_members').where('tenant_id', '=', tenantId).where((eb) => eb.or([eb('group_id', '=', groupId), eb('member_id', '=', groupId)])).execute();
    await trx.deleteFrom('permissions').where('tenant_id', '=', tenantId).where('principal_type', '=', 'group').where('principal_id', '=', groupId).execute();
  });
}

export async function deleteGroupMember(db: Db, tenantId: string, groupId: string, memberId: string): Promise<boolean> {
  const r = await db.deleteFrom('group_members').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Who still uses a domain (UPN suffix, SMTP address or group mail), or undefined. */
export async function domainUse(db: Db, tenantId: string, domain: string): Promise<string | undefined> {
  const suffix = `%@${domain.toLowerCase()}`;
  const user = await db.selectFrom('users').select('user_principal_name').where('tenant_id', '=', tenantId).where('upn_key', 'like', suffix).executeTakeFirst();
  if (user) return `user ${user.user_principal_name}`;
  const rec = await db.selectFrom('recipients').select('primary_smtp_address').where('tenant_id', '=', tenantId)
    .where(sql<string>`lower(cast(email_addresses as text))`, 'like', `%@${domain.toLowerCase()}"%`).executeTakeFirst();
  if (rec) return `recipient ${rec.primary_smtp_address}`;
  const group = await db.selectFrom('groups').select('display_name').where('tenant_id', '=', tenantId).where(sql<string>`lower(mail)`, 'like', suffix).executeTakeFirst();
  if (group) return `group ${group.display_name}`;
  return undefined;
}

export async function deleteDomain(db: Db, tenantId: string, domain: string): Promise<void> {
  await db.deleteFrom('tenant_domains').where('tenant_id', '=', tenantId).where('name', '=', domain.toLowerCase()).execute();
}

/** Remove-MgServicePrincipal (revokes the consent). OrgRels and endpoints naming the app stay: validation reports the missing consent. */
export async function deleteServicePrincipal(db: Kysely<Database>, tenantId: string, appId: string): Promise<void> {
  await db.deleteFrom('service_principals').where('tenant_id', '=', tenantId).where('app_id', '=', appId).execute();
}

export async function deleteOrgRel(db: Db, tenantId: string, id: string): Promise<void> {
  await db.deleteFrom('organization_relationships').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

export async function deleteEndpoint(db: Db, tenantId: string, name: string): Promise<void> {
  await db.deleteFrom('migration_endpoints').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
}

export async function deleteSpoRelationship(db: Db, tenantId: string, partnerHostUrl: string): Promise<number> {
  const r = await db.deleteFrom('spo_relationships').where('tenant_id', '=', tenantId).where('partner_host_url', '=', partnerHostUrl).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Remove-MgApplication: the registration and the owner tenant's own consent. */
export async function deleteApplication(db: Kysely<Database>, tenantId: string, appId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('applications').where('app_id', '=', appId).execute();
    await trx.deleteFrom('service_principals').where('tenant_id', '=', tenantId).where('app_id', '=', appId).execute();
  });
}

/** Every CTIM identity the target holds for one source tenant. */
export async function deleteIdentityMappings(db: Db, targetTenantId: string, sourceTenantId: string): Promise<void> {
  await db.deleteFrom('identity_mappings').where('target_tenant_id', '=', targetTenantId).where('source_tenant_id', '=', sourceTenantId).execute();
}

/** Remove-SPOTenantIdentityMappingUser; false when there was no entry. */
export async function deleteSpoUserMapping(db: Db, tenantId: string, sourceUpn: string): Promise<boolean> {
  const r = await db.deleteFrom('spo_user_mappings').where('tenant_id', '=', tenantId).where('source_upn_key', '=', sourceUpn.toLowerCase()).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Remove-SPOTenantIdentityMappingGroup; false when there was no entry. */
export async function deleteSpoGroupMapping(db: Db, tenantId: string, sourceGroupId: string): Promise<boolean> {
  const r = await db.deleteFrom('spo_group_mappings').where('tenant_id', '=', tenantId).where('source_group_id', '=', sourceGroupId.toLowerCase()).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// Before a prepared tenant object is written again (admin API create-or-replace), the rows it
// replaces are deleted here, keeping what the change does not restate (passwords, mailbox content).
import type { Tx } from './unitOfWork.js';
import { lower } from '../domain/naturalKeys.js';
import type { MigrationFaultRecord } from '../domain/tenantRecords.js';

/**
 * The keys of the objects a prepared tenant change (tenants/prepare.ts PreparedTenant) writes again:
 * `folders` / `items` / `messages` null or absent = the change does not restate that content.
 */
export interface ReplacedObjects {
  tenant: { id: string };
  tenantChanged: boolean;
  users: { record: { id: string; mailbox?: unknown }; folders: unknown[] | null }[];
  groups: { record: { id: string } }[];
  applications: { appId: string }[];
  servicePrincipals: { appId: string }[];
  organizationRelationships: { id: string }[];
  migrationEndpoints: { name: string }[];
  spoRelationships: { partnerHostUrl: string }[];
  sites: { record: { id: string }; items?: unknown[] | null }[];
  chats: { record: { id: string }; messages?: unknown[] | null }[];
  meetings: { id: string }[];
  identityMappings: { sourceTenantId: string; sourceUserId: string }[];
  spoUserMappings: { sourceUserPrincipalName: string }[];
  spoGroupMappings: { sourceGroupId: string }[];
  migrationFaults: Pick<MigrationFaultRecord, 'userId' | 'workload' | 'kind'>[];
}

/**
 * Deletes the rows each object replaces; returns the users whose stored mailbox content stays and the
 * stored passwords of the replaced users (a change without a password keeps the stored one).
 */
export async function replaceExisting(trx: Tx, p: ReplacedObjects): Promise<{ mailboxes: Set<string>; passwords: Map<string, string> }> {
  const tid = p.tenant.id;
  const mailboxes = new Set<string>();
  const passwords = new Map<string, string>();
  if (p.tenantChanged) {
    await trx.deleteFrom('tenants').where('id', '=', tid).execute();
    await trx.deleteFrom('tenant_domains').where('tenant_id', '=', tid).execute();
  }
  const userIds = p.users.map((u) => u.record.id);
  if (userIds.length) {
    for (const r of await trx.selectFrom('users').select(['id', 'password']).where('tenant_id', '=', tid).where('id', 'in', userIds).execute()) {
      if (r.password) passwords.set(r.id, r.password);
    }
    const withFolders = await trx.selectFrom('mail_folders').select('user_id').distinct().where('tenant_id', '=', tid).where('user_id', 'in', userIds).execute();
    for (const r of withFolders) mailboxes.add(r.user_id);
    await trx.deleteFrom('users').where('tenant_id', '=', tid).where('id', 'in', userIds).execute();
    await trx.deleteFrom('recipients').where('tenant_id', '=', tid).where('id', 'in', userIds).execute();
    // listed content replaces the mailbox; a user that is no longer a mailbox loses its content
    const wipe = p.users.filter((u) => u.folders !== null || !u.record.mailbox).map((u) => u.record.id);
    if (wipe.length) {
      await trx.deleteFrom('mail_items').where('tenant_id', '=', tid).where('user_id', 'in', wipe).execute();
      await trx.deleteFrom('mail_folders').where('tenant_id', '=', tid).where('user_id', 'in', wipe).execute();
      for (const id of wipe) mailboxes.delete(id);
    }
  }
  const groupIds = p.groups.map((g) => g.record.id);
  if (groupIds.length) {
    await trx.deleteFrom('groups').where('tenant_id', '=', tid).where('id', 'in', groupIds).execute();
    await trx.deleteFrom('group_members').where('tenant_id', '=', tid).where('group_id', 'in', groupIds).execute();
  }
  for (const a of p.applications) await trx.deleteFrom('applications').where('app_id', '=', a.appId).execute();
  for (const s of p.servicePrincipals) await trx.deleteFrom('service_principals').where('tenant_id', '=', tid).where('app_id', '=', s.appId).execute();
  for (const o of p.organizationRelationships) await trx.deleteFrom('organization_relationships').where('tenant_id', '=', tid).where('id', '=', o.id).execute();
  for (const e of p.migrationEndpoints) await trx.deleteFrom('migration_endpoints').where('tenant_id', '=', tid).where('name', '=', e.name).execute();
  for (const r of p.spoRelationships) await trx.deleteFrom('spo_relationships').where('tenant_id', '=', tid).where('partner_host_url', '=', r.partnerHostUrl).execute();
  for (const s of p.sites) {
    await trx.deleteFrom('sites').where('tenant_id', '=', tid).where('id', '=', s.record.id).execute();
    let perms = trx.deleteFrom('permissions').where('tenant_id', '=', tid).where('site_id', '=', s.record.id);
    if (s.items) await trx.deleteFrom('drive_items').where('tenant_id', '=', tid).where('site_id', '=', s.record.id).execute();
    else perms = perms.where('item_id', '=', '');
    await perms.execute();
  }
  for (const c of p.chats) {
    await trx.deleteFrom('chats').where('tenant_id', '=', tid).where('id', '=', c.record.id).execute();
    await trx.deleteFrom('chat_members').where('tenant_id', '=', tid).where('chat_id', '=', c.record.id).execute();
    if (c.messages) await trx.deleteFrom('chat_messages').where('tenant_id', '=', tid).where('chat_id', '=', c.record.id).execute();
  }
  for (const m of p.meetings) await trx.deleteFrom('meetings').where('tenant_id', '=', tid).where('id', '=', m.id).execute();
  for (const m of p.identityMappings) {
    await trx.deleteFrom('identity_mappings').where('target_tenant_id', '=', tid).where('source_tenant_id', '=', m.sourceTenantId)
      .where('source_user_id', '=', m.sourceUserId).execute();
  }
  for (const m of p.spoUserMappings) {
    await trx.deleteFrom('spo_user_mappings').where('tenant_id', '=', tid).where('source_upn_key', '=', lower(m.sourceUserPrincipalName)).execute();
  }
  for (const m of p.spoGroupMappings) {
    await trx.deleteFrom('spo_group_mappings').where('tenant_id', '=', tid).where('source_group_id', '=', m.sourceGroupId).execute();
  }
  for (const f of p.migrationFaults) {
    await trx.deleteFrom('migration_faults').where('tenant_id', '=', tid).where('user_id', '=', f.userId).where('workload', '=', f.workload)
      .where('kind', '=', f.kind).execute();
  }
  return { mailboxes, passwords };
}


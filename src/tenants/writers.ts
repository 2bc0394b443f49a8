// Writes tenant objects: applyTenantChanges (the admin API's one entry point: create or replace
// objects by their natural key, all or nothing) and deleteTenants. The scenario loader writes through
// the same rows.ts functions with its own bulk path (scenario/load.ts).
import type { Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';
import { withoutChangeTracking } from '../store/changesRepo.js';
import type { Database as Schema } from '../store/schema.js';
import { loadDirectoryIndex, loadTenantKeys } from './directoryIndex.js';
import type { Issue } from './invariants.js';
import { lower } from './normalize.js';
import { prepareChanges, referencedTenants, type PreparedTenant, type TenantChange } from './prepare.js';
import { emitPrepared } from './rows.js';
import { deleteTenantsKysely, kyselySink, type RowCounts } from './sink.js';

export type { TenantChange } from './prepare.js';
export type ApplyResult = { ok: true; counts: RowCounts } | { ok: false; issues: Issue[] };

/**
 * Creates or replaces objects in one transaction after checking every invariant against the store
 * plus the batch. Issue paths are relative to the change (`users[0].userPrincipalName`, `tenant.id`),
 * prefixed by `[i].` when several changes are given. Nothing is written when any issue is found.
 */
export async function applyTenantChanges(store: Store, clock: Clock, changes: TenantChange[]): Promise<ApplyResult> {
  const now = clock.iso();
  const index = await loadDirectoryIndex(store);
  await loadTenantKeys(store, index, [...changes.map((c) => c.tenantId), ...referencedTenants(index, changes)]);
  const many = changes.length > 1;
  const batch = changes.map((change, i) => ({ change, tenantPath: many ? `[${i}].tenant` : 'tenant', objectsPath: many ? `[${i}]` : '' }));
  const { prepared, issues } = prepareChanges(index, batch, now);
  if (issues.length) return { ok: false, issues };
  const counts = await store.db.transaction().execute(async (trx) => {
    const sink = kyselySink(trx);
    for (const p of prepared) {
      const keep = await replaceExisting(trx, p);
      emitPrepared(p, sink.emit, now, (id) => !keep.mailboxes.has(id));
    }
    await sink.flush();
    return sink.counts;
  });
  return { ok: true, counts };
}

/** Deletes the rows each prepared object replaces; returns the users whose stored mailbox content stays. */
async function replaceExisting(trx: Transaction<Schema>, p: PreparedTenant): Promise<{ mailboxes: Set<string> }> {
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
    // a change without a password keeps the stored one
    for (const u of p.users) if (u.password === undefined) u.password = passwords.get(u.record.id) ?? null;
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
  return { mailboxes };
}

/** Deletes tenants and every row they own (content, relationships, mappings, migration jobs) in one transaction. */
export async function deleteTenants(store: Store, tenantIds: string[]): Promise<void> {
  const ids = tenantIds.map(lower);
  await store.db.transaction().execute((trx) => withoutChangeTracking(trx, ids, () => deleteTenantsKysely(trx, ids)));
}

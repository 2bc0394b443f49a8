// Writes an all-valid Contoso → Fabrikam world straight into the store (rows, via Kysely): the
// store-level twin of fixture.ts, used by the integration tests and by bench/validate.ts.
import type { Insertable } from 'kysely';
import type { Store } from '../../src/store/db.js';
import type { Database } from '../../src/store/schema.js';
import { DEFAULT_TENANT_SETTINGS, Licenses, NO_HOLDS, Resources } from '../../src/domain/tenantVocabulary.js';
import { APP, SRC, TGT } from './fixture.js';

export const SCOPE_GROUP_ID = '33333333-3333-4333-8333-333333333333';
const pad = (n: number, w = 12) => String(n).padStart(w, '0');
export const seedTargetId = (n: number) => `7a000000-0000-4000-8000-${pad(n)}`;
export const seedSourceId = (n: number) => `5a000000-0000-4000-8000-${pad(n)}`;
const exGuid = (n: number) => `e0000000-0000-4000-8000-${pad(n)}`;
export const seedLegacyDn = (n: number) => `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${pad(n)}-user${n}`;
const MAILBOX_MIGRATION = JSON.stringify([{ resource: Resources.exchange, type: 'Application', value: 'Mailbox.Migration' }]);

export interface SeedOptions {
  users: number;
  nowMs: number;
  itemsPerDrive?: number;
}

type Rows<T extends keyof Database> = Insertable<Database[T]>[];

async function insertAll<T extends keyof Database>(store: Store, table: T, rows: Rows<T>, batch = 200): Promise<void> {
  for (let i = 0; i < rows.length; i += batch) {
    await store.db.insertInto(table).values(rows.slice(i, i + batch) as never).execute();
  }
}

export async function seedWorld(store: Store, opts: SeedOptions): Promise<{ targetIds: string[] }> {
  const at = new Date(opts.nowMs - 30 * 86_400_000).toISOString();
  const items = opts.itemsPerDrive ?? 4;
  const tenant = (id: string, name: string): Rows<'tenants'>[number] => ({
    id, display_name: name, default_domain: `${name.toLowerCase()}.onmicrosoft.com`, cloud: 'Global',
    my_site_host: `https://${name.toLowerCase()}-my.sharepoint.com`, root_site_host: `https://${name.toLowerCase()}.sharepoint.com`,
    settings: JSON.stringify(DEFAULT_TENANT_SETTINGS), created_at: at,
  });
  const domains = (id: string, name: string): Rows<'tenant_domains'> => [
    { tenant_id: id, name: `${name}.com`, is_verified: 1, is_initial: 0, is_default: 1, accepted_domain_type: 'Authoritative' },
    { tenant_id: id, name: `${name}.onmicrosoft.com`, is_verified: 1, is_initial: 1, is_default: 0, accepted_domain_type: 'Authoritative' },
  ];
  const sp = (tenantId: string): Rows<'service_principals'>[number] => ({
    tenant_id: tenantId, app_id: APP, display_name: 'T2T migration', granted_permissions: MAILBOX_MIGRATION, directory_roles: '[]', created_at: at,
  });
  const orgRel = (tenantId: string, partner: string, source: boolean): Rows<'organization_relationships'>[number] => ({
    tenant_id: tenantId, id: `or-${tenantId.slice(0, 4)}`, name: source ? 'ToFabrikam' : 'FromContoso', enabled: 1, mailbox_move_enabled: 1,
    mailbox_move_capability: JSON.stringify([source ? 'RemoteOutbound' : 'Inbound']), domain_names: JSON.stringify([partner]),
    oauth_application_id: source ? APP : null, mailbox_move_published_scopes: JSON.stringify(source ? [SCOPE_GROUP_ID] : []), created_at: at,
  });

  await store.db.transaction().execute(async (trx) => {
    const s: Store = { ...store, db: trx };
    await insertAll(s, 'tenants', [tenant(SRC, 'Contoso'), tenant(TGT, 'Fabrikam')]);
    await insertAll(s, 'tenant_domains', [...domains(SRC, 'contoso'), ...domains(TGT, 'fabrikam')]);
    await insertAll(s, 'applications', [{
      app_id: APP, owner_tenant_id: TGT, display_name: 'T2T migration', sign_in_audience: 'AzureADMultipleOrgs',
      required_permissions: MAILBOX_MIGRATION, secrets: '[]', created_at: at,
    }]);
    await insertAll(s, 'service_principals', [sp(SRC), sp(TGT)]);
    await insertAll(s, 'organization_relationships', [orgRel(SRC, TGT, true), orgRel(TGT, SRC, false)]);
    await insertAll(s, 'migration_endpoints', [{
      tenant_id: TGT, name: 'T2TEndpoint', endpoint_type: 'ExchangeRemoteMove', remote_server: 'outlook.office.com',
      remote_tenant: 'contoso.onmicrosoft.com', application_id: APP, is_remote: 1, created_at: at,
    }]);
    await insertAll(s, 'spo_relationships', [
      { tenant_id: SRC, partner_host_url: 'https://fabrikam-my.sharepoint.com', scenario: 'MnA', partner_role: 'Target', created_at: at },
      { tenant_id: TGT, partner_host_url: 'https://contoso-my.sharepoint.com', scenario: 'MnA', partner_role: 'Source', created_at: at },
    ]);
    await insertAll(s, 'groups', [{
      tenant_id: SRC, id: SCOPE_GROUP_ID, display_name: 'T2T-Scope', mail_nickname: 't2tscope', mail: 't2tscope@contoso.com',
      group_types: '[]', mail_enabled: 1, security_enabled: 1, created_at: at,
    }]);
    await seedUsers(s, opts.users, items, at);
  });
  return { targetIds: Array.from({ length: opts.users }, (_, i) => seedTargetId(i + 1)) };
}

async function seedUsers(store: Store, count: number, items: number, at: string): Promise<void> {
  const all = JSON.stringify([Licenses.exchangeOnline, Licenses.teams, Licenses.sharePoint]);
  const users: Rows<'users'> = [];
  const recipients: Rows<'recipients'> = [];
  const members: Rows<'group_members'> = [];
  const mappings: Rows<'identity_mappings'> = [];
  const spoMaps: Rows<'spo_user_mappings'> = [];
  const sites: Rows<'sites'> = [];
  const driveItems: Rows<'drive_items'> = [];
  const meetings: Rows<'meetings'> = [];
  for (let n = 1; n <= count; n++) {
    const sid = seedSourceId(n);
    const tid = seedTargetId(n);
    const src = `user${n}@contoso.com`;
    const tgt = `user${n}@fabrikam.com`;
    const user = (tenantId: string, id: string, upn: string, licenses: string) => ({
      tenant_id: tenantId, id, user_principal_name: upn, upn_key: upn, display_name: `User ${n}`, mail: upn, account_enabled: 1,
      user_type: 'Member', licenses, directory_roles: '[]', password: null, created_at: at,
    });
    users.push(user(SRC, sid, src, JSON.stringify([Licenses.crossTenantUserDataMigration, ...JSON.parse(all)])), user(TGT, tid, tgt, all));
    const recipient = (tenantId: string, id: string, mailbox: boolean) => ({
      tenant_id: tenantId, id, recipient_type: mailbox ? 'UserMailbox' : 'MailUser', recipient_type_details: mailbox ? 'UserMailbox' : 'MailUser',
      alias: `user${n}`, primary_smtp_address: mailbox ? src : tgt,
      email_addresses: JSON.stringify(mailbox
        ? [`SMTP:${src}`, `smtp:user${n}@contoso.onmicrosoft.com`, `x500:/o=Contoso/ou=Legacy/cn=user${n}`]
        : [`SMTP:${tgt}`, `smtp:user${n}@fabrikam.onmicrosoft.com`, `x500:${seedLegacyDn(n)}`, `x500:/o=Contoso/ou=Legacy/cn=user${n}`]),
      external_email_address: mailbox ? null : `SMTP:${src}`, exchange_guid: exGuid(n), archive_guid: null, aux_archive_count: 0,
      legacy_exchange_dn: mailbox ? seedLegacyDn(n) : `/o=ExchangeLabs/cn=fab-${n}`, holds: JSON.stringify(NO_HOLDS),
      mailbox_size_bytes: 2 * 1024 ** 3, recoverable_items_size_bytes: 1024 ** 3, prohibit_send_receive_quota_bytes: 100 * 1024 ** 3,
      recoverable_items_quota_bytes: 30 * 1024 ** 3, previous_recipient_type_details: null, mailbox_move_remote_host_name: null, updated_at: at,
    });
    recipients.push(recipient(SRC, sid, true), recipient(TGT, tid, false));
    members.push({ tenant_id: SRC, group_id: SCOPE_GROUP_ID, member_id: sid });
    mappings.push({ target_tenant_id: TGT, source_tenant_id: SRC, source_user_id: sid, target_user_id: tid, state: 'Completed', updated_at: at });
    spoMaps.push({
      tenant_id: TGT, source_upn_key: src, id: `map-${n}`, source_organization_id: SRC, source_upn: src, target_upn: tgt, target_email: tgt,
      user_type: 'regularUser', updated_at: at,
    });
    const siteId = `od-${pad(n)}`;
    const url = `https://contoso-my.sharepoint.com/personal/user${n}_contoso_com`;
    sites.push({
      tenant_id: SRC, id: siteId, url, url_key: url, kind: 'OneDrive', template: 'SPSPERS#10', title: `User ${n}`, owner_user_id: sid,
      group_id: null, state: 'ReadWrite', redirect_url: null, storage_quota_bytes: 1024 ** 4, created_at: at,
    });
    for (let i = 0; i < items; i++) {
      driveItems.push({
        tenant_id: SRC, site_id: siteId, id: `it-${i}`, parent_id: null, name: `file${i}.docx`, path: `/Projects/file${i}.docx`, is_folder: 0,
        size_bytes: 1000 + i, content_hash: null, versions: i === 0 ? JSON.stringify([{ label: '1.0', sizeBytes: 500, contentHash: null, modifiedAt: at }]) : '[]',
        created_by: sid, modified_at: at,
      });
    }
    meetings.push({
      tenant_id: SRC, id: `m-${pad(n)}`, organizer_id: sid, subject: 'Weekly', start_at: at, end_at: at, last_occurrence_at: at, is_recurring: 0,
      attendees: '[]', attendee_count: 2, meeting_kind: 'meeting', is_cancelled: 0, sensitivity: 'normal', calendar: 'default',
      organized_by_resource: 0, join_url: `https://teams.microsoft.com/l/meetup-join/${n}`,
    });
  }
  await insertAll(store, 'users', users);
  await insertAll(store, 'recipients', recipients);
  await insertAll(store, 'group_members', members);
  await insertAll(store, 'identity_mappings', mappings);
  await insertAll(store, 'spo_user_mappings', spoMaps);
  await insertAll(store, 'sites', sites);
  await insertAll(store, 'drive_items', driveItems);
  await insertAll(store, 'meetings', meetings);
}

// Initial schema. Written with Kysely's schema builder so it runs on SQLite and PostgreSQL alike.
// Dialect switches: JSON and instant columns are jsonb/timestamptz on PostgreSQL (columnTypes), and
// WITHOUT ROWID for the large content tables on SQLite (one B-tree clustered by tenant/owner/id makes
// bulk loads append-only).
import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../db.js';
import { columnTypes } from './types.js';

type T = CreateTableBuilder<string, string>;

export function initialMigration(dialect: StoreDialect) {
  const clustered = (t: T): T => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t);
  const { text, int, big, json, time } = columnTypes(dialect);
  /**
   * An index for a list's default order: `equal` columns, then the `sort` terms. OData orders nulls
   * first ascending and last descending (store/listQuery.ts spells it out); that is SQLite's default
   * but not PostgreSQL's, whose planner then ignores a plain index and sorts the whole tenant. On
   * PostgreSQL the sort terms are NULLS FIRST, so a forward scan serves asc and a backward scan desc.
   * `pgOnly` terms (lower(…)) are indexed on PostgreSQL only: SQLite's lower() is the store's own function.
   */
  const listIndex = (db: Kysely<any>, name: string, table: string, equal: string[], sort: string[], pgOnly = false) => {
    if (dialect === 'postgres') {
      const terms = [...equal, ...sort.map((t) => `${t} nulls first`)].join(', ');
      return sql.raw(`create index ${name} on ${table} (${terms})`).execute(db);
    }
    if (pgOnly) return Promise.resolve();
    return db.schema.createIndex(name).on(table).columns([...equal, ...sort]).execute();
  };

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('xtm_settings').addColumn('key', text, (c) => c.primaryKey()).addColumn('value', text, (c) => c.notNull()).execute();
      await db.schema.createTable('signing_keys')
        .addColumn('kid', text, (c) => c.primaryKey())
        .addColumn('private_jwk', text, (c) => c.notNull())
        .addColumn('public_jwk', text, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();

      await db.schema.createTable('work_items')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('task', text, (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .addColumn('job_key', text, (c) => c.unique())
        .addColumn('run_at', time, (c) => c.notNull())
        .addColumn('attempts', int, (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', int, (c) => c.notNull().defaultTo(25))
        .addColumn('locked_at', time)
        .addColumn('locked_by', text)
        .addColumn('last_error', text)
        .addColumn('failed_at', time)
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('work_items_due').on('work_items').columns(['failed_at', 'locked_at', 'run_at']).execute();

      await db.schema.createTable('tenants')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('default_domain', text, (c) => c.notNull())
        .addColumn('cloud', text, (c) => c.notNull())
        .addColumn('my_site_host', text, (c) => c.notNull())
        .addColumn('root_site_host', text, (c) => c.notNull())
        .addColumn('settings', json, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('tenant_domains')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('is_verified', int, (c) => c.notNull())
        .addColumn('is_initial', int, (c) => c.notNull())
        .addColumn('is_default', int, (c) => c.notNull())
        .addColumn('accepted_domain_type', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('tenant_domains_pk', ['tenant_id', 'name'])
        .execute();
      await db.schema.createIndex('tenant_domains_name').on('tenant_domains').column('name').execute();

      await db.schema.createTable('users')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('user_principal_name', text, (c) => c.notNull())
        .addColumn('upn_key', text, (c) => c.notNull())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('mail', text)
        .addColumn('account_enabled', int, (c) => c.notNull())
        .addColumn('user_type', text, (c) => c.notNull())
        .addColumn('licenses', json, (c) => c.notNull())
        .addColumn('directory_roles', json, (c) => c.notNull())
        .addColumn('password', text)
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('users_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('users_upn').unique().on('users').columns(['tenant_id', 'upn_key']).execute();
      await listIndex(db, 'users_list', 'users', ['tenant_id'], ['lower(user_principal_name)', 'id'], true);

      await db.schema.createTable('groups')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('mail_nickname', text, (c) => c.notNull())
        .addColumn('mail', text)
        .addColumn('group_types', json, (c) => c.notNull())
        .addColumn('mail_enabled', int, (c) => c.notNull())
        .addColumn('security_enabled', int, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('groups_pk', ['tenant_id', 'id'])
        .execute();
      await listIndex(db, 'groups_list', 'groups', ['tenant_id'], ['lower(display_name)', 'id'], true);
      await clustered(db.schema.createTable('group_members')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('group_id', text, (c) => c.notNull())
        .addColumn('member_id', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['tenant_id', 'group_id', 'member_id'])).execute();
      await db.schema.createIndex('group_members_member').on('group_members').columns(['tenant_id', 'member_id']).execute();

      await db.schema.createTable('applications')
        .addColumn('app_id', text, (c) => c.primaryKey())
        .addColumn('owner_tenant_id', text, (c) => c.notNull())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('sign_in_audience', text, (c) => c.notNull())
        .addColumn('required_permissions', json, (c) => c.notNull())
        .addColumn('secrets', json, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .execute();
      await db.schema.createTable('service_principals')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('app_id', text, (c) => c.notNull())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('granted_permissions', json, (c) => c.notNull())
        .addColumn('directory_roles', json, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('service_principals_pk', ['tenant_id', 'app_id'])
        .execute();

      await db.schema.createTable('recipients')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('recipient_type', text, (c) => c.notNull())
        .addColumn('recipient_type_details', text, (c) => c.notNull())
        .addColumn('alias', text, (c) => c.notNull())
        .addColumn('primary_smtp_address', text, (c) => c.notNull())
        .addColumn('email_addresses', json, (c) => c.notNull())
        .addColumn('external_email_address', text)
        .addColumn('exchange_guid', text)
        .addColumn('archive_guid', text)
        .addColumn('aux_archive_count', int, (c) => c.notNull())
        .addColumn('legacy_exchange_dn', text, (c) => c.notNull())
        .addColumn('holds', json, (c) => c.notNull())
        .addColumn('mailbox_size_bytes', big, (c) => c.notNull())
        .addColumn('recoverable_items_size_bytes', big, (c) => c.notNull())
        .addColumn('prohibit_send_receive_quota_bytes', big, (c) => c.notNull())
        .addColumn('recoverable_items_quota_bytes', big, (c) => c.notNull())
        .addColumn('previous_recipient_type_details', text)
        .addColumn('mailbox_move_remote_host_name', text)
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('recipients_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('recipients_smtp').on('recipients').columns(['tenant_id', 'primary_smtp_address']).execute();

      await db.schema.createTable('organization_relationships')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('enabled', int, (c) => c.notNull())
        .addColumn('mailbox_move_enabled', int, (c) => c.notNull())
        .addColumn('mailbox_move_capability', json, (c) => c.notNull())
        .addColumn('domain_names', json, (c) => c.notNull())
        .addColumn('oauth_application_id', text)
        .addColumn('mailbox_move_published_scopes', json, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('organization_relationships_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('organization_relationships_name').unique().on('organization_relationships').columns(['tenant_id', 'name']).execute();

      await db.schema.createTable('migration_endpoints')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('endpoint_type', text, (c) => c.notNull())
        .addColumn('remote_server', text, (c) => c.notNull())
        .addColumn('remote_tenant', text, (c) => c.notNull())
        .addColumn('application_id', text, (c) => c.notNull())
        .addColumn('is_remote', int, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('migration_endpoints_pk', ['tenant_id', 'name'])
        .execute();

      await clustered(db.schema.createTable('mail_folders')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('parent_folder_id', text)
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('well_known_name', text)
        .addColumn('is_recoverable', int, (c) => c.notNull())
        .addPrimaryKeyConstraint('mail_folders_pk', ['tenant_id', 'user_id', 'id'])).execute();
      await clustered(db.schema.createTable('mail_items')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('folder_id', text, (c) => c.notNull())
        .addColumn('item_class', text, (c) => c.notNull())
        .addColumn('subject', text, (c) => c.notNull())
        .addColumn('from_address', text)
        .addColumn('received_at', time, (c) => c.notNull())
        .addColumn('size_bytes', big, (c) => c.notNull())
        .addColumn('body_preview', text, (c) => c.notNull())
        .addColumn('content_hash', text)
        .addColumn('is_read', int, (c) => c.notNull())
        .addColumn('last_modified_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('mail_items_pk', ['tenant_id', 'user_id', 'id'])).execute();

      await db.schema.createTable('sites')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('url', text, (c) => c.notNull())
        .addColumn('url_key', text, (c) => c.notNull())
        .addColumn('kind', text, (c) => c.notNull())
        .addColumn('template', text, (c) => c.notNull())
        .addColumn('title', text, (c) => c.notNull())
        .addColumn('owner_user_id', text)
        .addColumn('group_id', text)
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('redirect_url', text)
        .addColumn('storage_quota_bytes', big, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('sites_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('sites_url').unique().on('sites').columns(['tenant_id', 'url_key']).execute();
      await db.schema.createIndex('sites_owner').on('sites').columns(['tenant_id', 'owner_user_id']).execute();
      await clustered(db.schema.createTable('drive_items')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('site_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('parent_id', text)
        .addColumn('name', text, (c) => c.notNull())
        .addColumn('path', text, (c) => c.notNull())
        .addColumn('is_folder', int, (c) => c.notNull())
        .addColumn('size_bytes', big, (c) => c.notNull())
        .addColumn('content_hash', text)
        .addColumn('versions', json, (c) => c.notNull())
        .addColumn('created_by', text)
        .addColumn('modified_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('drive_items_pk', ['tenant_id', 'site_id', 'id'])).execute();
      await clustered(db.schema.createTable('permissions')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('site_id', text, (c) => c.notNull())
        .addColumn('item_id', text, (c) => c.notNull())
        .addColumn('principal_type', text, (c) => c.notNull())
        .addColumn('principal_id', text, (c) => c.notNull())
        .addColumn('role', text, (c) => c.notNull())
        .addColumn('link_scope', text)
        .addPrimaryKeyConstraint('permissions_pk', ['tenant_id', 'site_id', 'item_id', 'principal_type', 'principal_id'])).execute();
      await db.schema.createTable('spo_relationships')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('partner_host_url', text, (c) => c.notNull())
        .addColumn('scenario', text, (c) => c.notNull())
        .addColumn('partner_role', text, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('spo_relationships_pk', ['tenant_id', 'partner_host_url'])
        .execute();
      await db.schema.createTable('spo_user_mappings')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('source_upn_key', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('source_organization_id', text, (c) => c.notNull())
        .addColumn('source_upn', text, (c) => c.notNull())
        .addColumn('target_upn', text, (c) => c.notNull())
        .addColumn('target_email', text)
        .addColumn('user_type', text, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('spo_user_mappings_pk', ['tenant_id', 'source_upn_key'])
        .execute();
      await db.schema.createTable('spo_group_mappings')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('source_group_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('source_organization_id', text, (c) => c.notNull())
        .addColumn('target_group_id', text, (c) => c.notNull())
        .addColumn('target_mail_nickname', text)
        .addColumn('group_type', text, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('spo_group_mappings_pk', ['tenant_id', 'source_group_id'])
        .execute();

      await db.schema.createTable('chats')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('chat_type', text, (c) => c.notNull())
        .addColumn('topic', text)
        .addColumn('created_by', text)
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('migrated_to', text)
        .addPrimaryKeyConstraint('chats_pk', ['tenant_id', 'id'])
        .execute();
      await clustered(db.schema.createTable('chat_members')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('chat_id', text, (c) => c.notNull())
        .addColumn('user_id', text, (c) => c.notNull())
        .addColumn('roles', json, (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_members_pk', ['tenant_id', 'chat_id', 'user_id'])).execute();
      await db.schema.createIndex('chat_members_user').on('chat_members').columns(['tenant_id', 'user_id']).execute();
      await clustered(db.schema.createTable('chat_messages')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('chat_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('from_user_id', text)
        .addColumn('body', text, (c) => c.notNull())
        .addColumn('message_type', text, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('chat_messages_pk', ['tenant_id', 'chat_id', 'id'])).execute();
      await db.schema.createTable('meetings')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('organizer_id', text, (c) => c.notNull())
        .addColumn('subject', text, (c) => c.notNull())
        .addColumn('start_at', time, (c) => c.notNull())
        .addColumn('end_at', time, (c) => c.notNull())
        .addColumn('last_occurrence_at', time, (c) => c.notNull())
        .addColumn('is_recurring', int, (c) => c.notNull())
        .addColumn('attendees', json, (c) => c.notNull())
        .addColumn('attendee_count', int, (c) => c.notNull())
        .addColumn('meeting_kind', text, (c) => c.notNull())
        .addColumn('is_cancelled', int, (c) => c.notNull())
        .addColumn('sensitivity', text, (c) => c.notNull())
        .addColumn('calendar', text, (c) => c.notNull())
        .addColumn('organized_by_resource', int, (c) => c.notNull())
        .addColumn('join_url', text, (c) => c.notNull())
        .addPrimaryKeyConstraint('meetings_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('meetings_organizer').on('meetings').columns(['tenant_id', 'organizer_id']).execute();

      await db.schema.createTable('identity_mappings')
        .addColumn('target_tenant_id', text, (c) => c.notNull())
        .addColumn('source_tenant_id', text, (c) => c.notNull())
        .addColumn('source_user_id', text, (c) => c.notNull())
        .addColumn('target_user_id', text)
        .addColumn('state', text, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('identity_mappings_pk', ['target_tenant_id', 'source_tenant_id', 'source_user_id'])
        .execute();
      await db.schema.createIndex('identity_mappings_target').on('identity_mappings').columns(['target_tenant_id', 'target_user_id']).execute();

      await db.schema.createTable('migration_jobs')
        .addColumn('id', text, (c) => c.primaryKey())
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('display_name', text, (c) => c.notNull())
        .addColumn('display_name_key', text, (c) => c.notNull())
        .addColumn('job_type', text, (c) => c.notNull())
        .addColumn('status', text, (c) => c.notNull())
        .addColumn('message', text)
        .addColumn('complete_after', time, (c) => c.notNull())
        .addColumn('source_tenant_id', text, (c) => c.notNull())
        .addColumn('exchange_settings', json)
        .addColumn('workloads', json, (c) => c.notNull())
        .addColumn('resource_type', text, (c) => c.notNull())
        .addColumn('resources', json, (c) => c.notNull())
        .addColumn('created_by', text, (c) => c.notNull())
        .addColumn('created_at', time, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addColumn('validated_at', time)
        .addColumn('op_seq', int, (c) => c.notNull())
        .execute();
      // displayName is unique per tenant among jobs that are not deleted (a deleted job frees its name).
      await db.schema.createIndex('migration_jobs_name').unique().on('migration_jobs')
        .columns(['tenant_id', 'display_name_key']).where(sql.ref('status'), '<>', 'deleted').execute();
      await listIndex(db, 'migration_jobs_created', 'migration_jobs', ['tenant_id'], ['created_at', 'id']);

      await db.schema.createTable('migration_tasks')
        .addColumn('tenant_id', text, (c) => c.notNull())
        .addColumn('job_id', text, (c) => c.notNull())
        .addColumn('id', text, (c) => c.notNull())
        .addColumn('position', int, (c) => c.notNull())
        .addColumn('task_type', text, (c) => c.notNull())
        .addColumn('current_status', json, (c) => c.notNull())
        .addColumn('cancelled', int, (c) => c.notNull())
        .addColumn('updated_at', time, (c) => c.notNull())
        .addPrimaryKeyConstraint('migration_tasks_pk', ['job_id', 'id'])
        .execute();
      await db.schema.createIndex('migration_tasks_user').on('migration_tasks').columns(['tenant_id', 'id']).execute();
      await listIndex(db, 'migration_tasks_order', 'migration_tasks', ['job_id'], ['position']);
    },
  };
}

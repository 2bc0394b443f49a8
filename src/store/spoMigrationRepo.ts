// Repository for /solutions/sharePoint/migrations tasks (held by the source tenant) and the reads the
// task checks need: site statistics, groups by alias, the source instance's queue depth.
import type { Kysely, Transaction } from 'kysely';
import type { Database, SpoMigrationTasksTable } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';
import { parseJson } from './json.js';
import { nextStage, stageColumns, type SpoStageEvent, type SpoTaskStage } from '../domain/spoTaskStages.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Task statuses that hold a place in the source instance's queue (scheduled, pending or running). */
export const QUEUED_STATUSES = ['notStarted', 'inProgress'] as const;

export const spoMigrationRepo = {
  insert(db: Db, row: SpoMigrationTasksTable): Promise<unknown> {
    return db.insertInto('spo_migration_tasks').values(row).execute();
  },
  byId(db: Db, tenantId: string, id: string): Promise<SpoMigrationTasksTable | undefined> {
    return db.selectFrom('spo_migration_tasks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },
  /** Any tenant's task (work items carry ids only). */
  byIdAnyTenant(db: Db, id: string): Promise<SpoMigrationTasksTable | undefined> {
    return db.selectFrom('spo_migration_tasks').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** The newest task for a source UPN / site URL / group alias. */
  latestBySource(db: Db, tenantId: string, taskType: string, sourceKey: string): Promise<SpoMigrationTasksTable | undefined> {
    return db.selectFrom('spo_migration_tasks').selectAll().where('tenant_id', '=', tenantId).where('task_type', '=', taskType)
      .where('source_key', '=', sourceKey.toLowerCase()).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  },
  /** A queued or running task for the same source (another move of it is refused). */
  activeForSource(db: Db, tenantId: string, taskType: string, sourceKey: string, exceptId?: string): Promise<SpoMigrationTasksTable | undefined> {
    let q = db.selectFrom('spo_migration_tasks').selectAll().where('tenant_id', '=', tenantId).where('task_type', '=', taskType)
      .where('source_key', '=', sourceKey.toLowerCase()).where('status', 'in', [...QUEUED_STATUSES]);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst();
  },
  /** Moves scheduled, pending or running out of the source instance: tasks plus job OneDrive moves in flight. */
  async queuedMoves(db: Db, sourceTenantId: string): Promise<number> {
    const [t, m] = await Promise.all([
      db.selectFrom('spo_migration_tasks').select((eb) => eb.fn.countAll<number | string>().as('n')).where('tenant_id', '=', sourceTenantId)
        .where('status', 'in', [...QUEUED_STATUSES]).executeTakeFirst(),
      db.selectFrom('site_moves').select((eb) => eb.fn.countAll<number | string>().as('n')).where('source_tenant_id', '=', sourceTenantId)
        .where('phase', '=', 'copying').where('id', 'like', 'odsp:%').executeTakeFirst(),
    ]);
    return Number(t?.n ?? 0) + Number(m?.n ?? 0);
  },
  list(db: Db, tenantId: string): ListSource<SpoMigrationTasksTable> {
    return listSource(() => db.selectFrom('spo_migration_tasks').selectAll().where('tenant_id', '=', tenantId),
      () => db.selectFrom('spo_migration_tasks').where('tenant_id', '=', tenantId));
  },
  /**
   * Commits a lifecycle event (domain/spoTaskStages.ts) with the fields that go with it, as compare-and-set
   * on the stage the task is in: false (nothing written) when the table refuses it or another writer moved it first.
   */
  async applyStageEvent(db: Db, id: string, from: SpoTaskStage, event: SpoStageEvent, extra: Pick<Partial<SpoMigrationTasksTable>, 'error' | 'started_at' | 'finished_at' | 'updated_at'> = {}): Promise<boolean> {
    const to = nextStage(from, event);
    if (!to) return false;
    const was = stageColumns(from);
    const next = stageColumns(to);
    let q = db.updateTable('spo_migration_tasks').set({ ...extra, status: next.status, move_state: next.moveState, ...(next.stage ? { stage: next.stage } : {}) })
      .where('id', '=', id).where('status', '=', was.status);
    if (was.stage) q = q.where('stage', '=', was.stage);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  },

  // ---- reads of the tenants the checks need ---------------------------------------------------------
  groupByAliasOrId(db: Db, tenantId: string, ref: { id?: string | null; mailNickname?: string | null }) {
    let q = db.selectFrom('groups').selectAll().where('tenant_id', '=', tenantId);
    if (ref.id) q = q.where('id', '=', ref.id.toLowerCase());
    else q = q.where((eb) => eb(eb.fn('lower', ['mail_nickname']), '=', (ref.mailNickname ?? '').toLowerCase()));
    return q.executeTakeFirst();
  },
  groupSite(db: Db, tenantId: string, groupId: string) {
    return db.selectFrom('sites').selectAll().where('tenant_id', '=', tenantId).where('group_id', '=', groupId).orderBy('created_at', 'desc').executeTakeFirst();
  },
  /** Items and bytes including older versions (SharePoint counts them), and the longest path. */
  async siteStats(db: Db, tenantId: string, siteId: string): Promise<{ items: number; bytes: number; longest: number }> {
    const rows = await db.selectFrom('drive_items').select(['path', 'size_bytes', 'versions']).where('tenant_id', '=', tenantId).where('site_id', '=', siteId).execute();
    let items = 0;
    let bytes = 0;
    let longest = 0;
    for (const r of rows) {
      const versions = parseJson<{ sizeBytes?: number }[]>(r.versions, []);
      items += 1 + versions.length;
      bytes += Number(r.size_bytes) + versions.reduce((n, v) => n + Number(v.sizeBytes ?? 0), 0);
      longest = Math.max(longest, r.path.length);
    }
    return { items, bytes, longest };
  },
  spoUserMapping(db: Db, tenantId: string, sourceUpn: string) {
    return db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_upn_key', '=', sourceUpn.toLowerCase()).executeTakeFirst();
  },
  spoGroupMapping(db: Db, tenantId: string, sourceGroupId: string) {
    return db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_group_id', '=', sourceGroupId.toLowerCase()).executeTakeFirst();
  },
  tenantByHost(db: Db, host: string) {
    const h = host.toLowerCase().replace(/\/+$/, '');
    return db.selectFrom('tenants').selectAll().where((eb) => eb.or([eb(eb.fn('lower', ['my_site_host']), '=', h), eb(eb.fn('lower', ['root_site_host']), '=', h)])).executeTakeFirst();
  },
  /** Hosts the tenant set up an MnA relationship with, in the Target role (Set-SPOCrossTenantRelationship). */
  async targetPartnerHosts(db: Db, tenantId: string): Promise<string[]> {
    const rows = await db.selectFrom('spo_relationships').select('partner_host_url').where('tenant_id', '=', tenantId).where('partner_role', '=', 'Target').execute();
    return rows.map((r) => r.partner_host_url);
  },
  tenant(db: Db, id: string) {
    return db.selectFrom('tenants').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  },
};

// Repository for the SharePoint identity map held by a (target) tenant: user rows keyed by lower-case
// source UPN, group rows by source group id. Lookups by alternate key, paged lists, the delta PATCH
// (one transaction: the one-to-one check, deletes and upserts) and the CSV replace / export.
import type { Kysely, Transaction } from 'kysely';
import type { Database, SpoGroupMappingsTable, SpoUserMappingsTable } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';
import { spoMappingId, type SpoGroupMapping, type SpoUserMapping } from '../domain/spoIdentityMap.js';

type Db = Kysely<Database> | Transaction<Database>;

export type UserDeltaOp = { op: 'upsert'; mapping: SpoUserMapping } | { op: 'delete'; sourceUserPrincipalName: string };
export type GroupDeltaOp = { op: 'upsert'; mapping: SpoGroupMapping } | { op: 'delete'; sourceGroupId: string };

/** A one-to-one violation: the target is already mapped from another source key. */
export interface MappingConflict { index: number; target: string; mappedFrom: string }

const userRow = (tenantId: string, m: SpoUserMapping, now: string): SpoUserMappingsTable => ({
  tenant_id: tenantId, source_upn_key: m.sourceUserPrincipalName.toLowerCase(), id: spoMappingId('user', m.sourceUserPrincipalName.toLowerCase()),
  source_organization_id: m.sourceOrganizationId, source_upn: m.sourceUserPrincipalName, target_upn: m.targetUserPrincipalName,
  target_email: m.targetEmail, user_type: m.userType, updated_at: now, target_upn_key: m.targetUserPrincipalName.toLowerCase(),
});
const groupRow = (tenantId: string, m: SpoGroupMapping, now: string): SpoGroupMappingsTable => ({
  tenant_id: tenantId, source_group_id: m.sourceGroupId, id: spoMappingId('group', m.sourceGroupId), source_organization_id: m.sourceOrganizationId,
  target_group_id: m.targetGroupId, target_mail_nickname: m.targetMailNickname, group_type: m.groupType, updated_at: now,
});

export const toUserMapping = (r: SpoUserMappingsTable): SpoUserMapping & { id: string } => ({
  id: r.id, sourceOrganizationId: r.source_organization_id, sourceUserPrincipalName: r.source_upn, targetUserPrincipalName: r.target_upn,
  targetEmail: r.target_email, userType: r.user_type as SpoUserMapping['userType'],
});
export const toGroupMapping = (r: SpoGroupMappingsTable): SpoGroupMapping & { id: string } => ({
  id: r.id, sourceOrganizationId: r.source_organization_id, sourceGroupId: r.source_group_id, targetGroupId: r.target_group_id,
  targetMailNickname: r.target_mail_nickname, groupType: r.group_type as SpoGroupMapping['groupType'],
});

const CHUNK = 500;

export const spoMappingRepo = {
  user(db: Db, tenantId: string, sourceUpn: string): Promise<SpoUserMappingsTable | undefined> {
    return db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_upn_key', '=', sourceUpn.toLowerCase()).executeTakeFirst();
  },
  group(db: Db, tenantId: string, sourceGroupId: string): Promise<SpoGroupMappingsTable | undefined> {
    return db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId).where('source_group_id', '=', sourceGroupId.toLowerCase()).executeTakeFirst();
  },
  /** The user mapping whose target is this UPN (the one-to-one index). */
  userByTarget(db: Db, tenantId: string, targetUpn: string): Promise<SpoUserMappingsTable | undefined> {
    return db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).where('target_upn_key', '=', targetUpn.toLowerCase()).executeTakeFirst();
  },

  listUsers(db: Db, tenantId: string): ListSource<SpoUserMappingsTable> {
    return listSource(() => db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId),
      () => db.selectFrom('spo_user_mappings').where('tenant_id', '=', tenantId));
  },
  listGroups(db: Db, tenantId: string): ListSource<SpoGroupMappingsTable> {
    return listSource(() => db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId),
      () => db.selectFrom('spo_group_mappings').where('tenant_id', '=', tenantId));
  },

  /**
   * Applies a delta in input order, all or nothing. A target already mapped from a source key this
   * delta does not rewrite or delete is a conflict: nothing is written and the conflicts are returned.
   */
  async applyUserDelta(db: Kysely<Database>, tenantId: string, ops: readonly UserDeltaOp[], now: string):
    Promise<{ ok: true; rows: (SpoUserMappingsTable | undefined)[] } | { ok: false; conflicts: MappingConflict[] }> {
    return db.transaction().execute(async (trx) => {
      const touched = new Set(ops.map((o) => (o.op === 'upsert' ? o.mapping.sourceUserPrincipalName : o.sourceUserPrincipalName).toLowerCase()));
      const upserts = ops.flatMap((o, index) => (o.op === 'upsert' ? [{ index, row: userRow(tenantId, o.mapping, now) }] : []));
      if (upserts.length) {
        const taken = await trx.selectFrom('spo_user_mappings').select(['source_upn_key', 'target_upn_key']).where('tenant_id', '=', tenantId)
          .where('target_upn_key', 'in', upserts.map((u) => u.row.target_upn_key!)).execute();
        const holders = new Map(taken.filter((t) => !touched.has(t.source_upn_key)).map((t) => [t.target_upn_key!, t.source_upn_key]));
        const conflicts = upserts.filter((u) => holders.has(u.row.target_upn_key!))
          .map((u) => ({ index: u.index, target: u.row.target_upn, mappedFrom: holders.get(u.row.target_upn_key!)! }));
        if (conflicts.length) return { ok: false as const, conflicts };
      }
      const deletes = ops.flatMap((o) => (o.op === 'delete' ? [o.sourceUserPrincipalName.toLowerCase()] : []));
      if (deletes.length) await trx.deleteFrom('spo_user_mappings').where('tenant_id', '=', tenantId).where('source_upn_key', 'in', deletes).execute();
      if (upserts.length) {
        await trx.insertInto('spo_user_mappings').values(upserts.map((u) => u.row)).onConflict((oc) => oc.columns(['tenant_id', 'source_upn_key']).doUpdateSet((eb) => ({
          source_organization_id: eb.ref('excluded.source_organization_id'), source_upn: eb.ref('excluded.source_upn'), target_upn: eb.ref('excluded.target_upn'),
          target_email: eb.ref('excluded.target_email'), user_type: eb.ref('excluded.user_type'), updated_at: eb.ref('excluded.updated_at'),
          target_upn_key: eb.ref('excluded.target_upn_key'),
        }))).execute();
      }
      const byKey = new Map(upserts.map((u) => [u.row.source_upn_key, u.row]));
      return { ok: true as const, rows: ops.map((o) => (o.op === 'upsert' ? byKey.get(o.mapping.sourceUserPrincipalName.toLowerCase()) : undefined)) };
    });
  },

  async applyGroupDelta(db: Kysely<Database>, tenantId: string, ops: readonly GroupDeltaOp[], now: string):
    Promise<{ ok: true; rows: (SpoGroupMappingsTable | undefined)[] } | { ok: false; conflicts: MappingConflict[] }> {
    return db.transaction().execute(async (trx) => {
      const touched = new Set(ops.map((o) => (o.op === 'upsert' ? o.mapping.sourceGroupId : o.sourceGroupId)));
      const upserts = ops.flatMap((o, index) => (o.op === 'upsert' ? [{ index, row: groupRow(tenantId, o.mapping, now) }] : []));
      if (upserts.length) {
        const taken = await trx.selectFrom('spo_group_mappings').select(['source_group_id', 'target_group_id']).where('tenant_id', '=', tenantId)
          .where('target_group_id', 'in', upserts.map((u) => u.row.target_group_id)).execute();
        const holders = new Map(taken.filter((t) => !touched.has(t.source_group_id)).map((t) => [t.target_group_id, t.source_group_id]));
        const conflicts = upserts.filter((u) => holders.has(u.row.target_group_id))
          .map((u) => ({ index: u.index, target: u.row.target_group_id, mappedFrom: holders.get(u.row.target_group_id)! }));
        if (conflicts.length) return { ok: false as const, conflicts };
      }
      const deletes = ops.flatMap((o) => (o.op === 'delete' ? [o.sourceGroupId] : []));
      if (deletes.length) await trx.deleteFrom('spo_group_mappings').where('tenant_id', '=', tenantId).where('source_group_id', 'in', deletes).execute();
      if (upserts.length) {
        await trx.insertInto('spo_group_mappings').values(upserts.map((u) => u.row)).onConflict((oc) => oc.columns(['tenant_id', 'source_group_id']).doUpdateSet((eb) => ({
          source_organization_id: eb.ref('excluded.source_organization_id'), target_group_id: eb.ref('excluded.target_group_id'),
          target_mail_nickname: eb.ref('excluded.target_mail_nickname'), group_type: eb.ref('excluded.group_type'), updated_at: eb.ref('excluded.updated_at'),
        }))).execute();
      }
      const byKey = new Map(upserts.map((u) => [u.row.source_group_id, u.row]));
      return { ok: true as const, rows: ops.map((o) => (o.op === 'upsert' ? byKey.get(o.mapping.sourceGroupId) : undefined)) };
    });
  },

  /** Add-SPOTenantIdentityMap: the upload replaces the whole map, in one transaction. */
  async replaceAll(db: Kysely<Database>, tenantId: string, users: readonly SpoUserMapping[], groups: readonly SpoGroupMapping[], now: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('spo_user_mappings').where('tenant_id', '=', tenantId).execute();
      await trx.deleteFrom('spo_group_mappings').where('tenant_id', '=', tenantId).execute();
      for (let i = 0; i < users.length; i += CHUNK) await trx.insertInto('spo_user_mappings').values(users.slice(i, i + CHUNK).map((m) => userRow(tenantId, m, now))).execute();
      for (let i = 0; i < groups.length; i += CHUNK) await trx.insertInto('spo_group_mappings').values(groups.slice(i, i + CHUNK).map((m) => groupRow(tenantId, m, now))).execute();
    });
  },

  async exportAll(db: Db, tenantId: string): Promise<{ users: SpoUserMapping[]; groups: SpoGroupMapping[] }> {
    const [u, g] = await Promise.all([
      db.selectFrom('spo_user_mappings').selectAll().where('tenant_id', '=', tenantId).orderBy('source_upn_key').execute(),
      db.selectFrom('spo_group_mappings').selectAll().where('tenant_id', '=', tenantId).orderBy('source_group_id').execute(),
    ]);
    return { users: u.map(toUserMapping), groups: g.map(toGroupMapping) };
  },
};

// The ODSP workload of a cross-tenant migration job: the user's OneDrive moves once (no delta
// passes) to the target user's personal site on the target my-site host, through the site mover.
import type { WorkloadMover, UserMove, MoveHelpers } from '../migration/workload.js';
import { driveMoveRepo } from '../../store/driveMoveRepo.js';
import { oneDriveUrl } from '../../tenants/ids.js';
import { findUserRow } from '../../store/tenantsRepo.js';
import { MoveErrors } from './moveError.js';
import { siteMover, type SiteMovePlan } from './siteMover.js';

/** One move per job and user: a retried `migrate` resumes the same move. */
export const oneDriveMoveId = (move: UserMove): string => `odsp:${move.jobId}:${move.taskId}`;

async function plan(move: UserMove, h: MoveHelpers): Promise<SiteMovePlan> {
  const db = h.store.db;
  const [source, sourceUser, targetUser, targetTenant] = await Promise.all([
    driveMoveRepo.oneDriveOf(db, move.sourceTenantId, move.sourceUserId),
    findUserRow(db, move.sourceTenantId, move.sourceUserId),
    findUserRow(db, move.targetTenantId, move.targetUserId),
    driveMoveRepo.tenantHosts(db, move.targetTenantId),
  ]);
  if (!source) throw MoveErrors.sourceOneDriveMissing(sourceUser?.user_principal_name ?? move.sourceUserId);
  if (!targetUser || !targetTenant) throw new Error(`target user ${move.targetUserId} not found in tenant ${move.targetTenantId}`);
  return {
    moveId: oneDriveMoveId(move), source, targetTenantId: move.targetTenantId,
    targetUrl: oneDriveUrl(targetTenant.my_site_host, targetUser.user_principal_name), targetTitle: targetUser.display_name,
    targetOwnerUserId: targetUser.id, targetGroupId: null,
  };
}

export const oneDriveMover: WorkloadMover = {
  workload: 'ODSP',

  async totals(move, h) {
    const m = await driveMoveRepo.get(h.store.db, oneDriveMoveId(move));
    if (m) return { items: m.source_items, bytes: m.source_bytes };
    const source = await driveMoveRepo.oneDriveOf(h.store.db, move.sourceTenantId, move.sourceUserId);
    return source ? driveMoveRepo.siteTotals(h.store.db, source.tenant_id, source.id) : { items: 0, bytes: 0 };
  },

  // The cursor argument is informational: the move row keeps its own cursor in the same transaction,
  // so the orchestrator's cursor and the mover's can never disagree after a crash.
  async copyChunk(move, _cursor, limit, h, onCommit) {
    const chunk = await siteMover.copyChunk(h, oneDriveMoveId(move), () => plan(move, h), limit, async (trx, c) => {
      await onCommit(trx, { cursor: c.cursor, items: c.items, bytes: c.bytes, skipped: [] });
    });
    return { cursor: chunk.cursor, items: chunk.items, bytes: chunk.bytes, skipped: [] };
  },

  async finalize(move, h) {
    await siteMover.finalize(h, oneDriveMoveId(move));
  },

  async reconcile(move, h) {
    const r = await siteMover.reconcile(h, oneDriveMoveId(move));
    return { sourceCount: r?.sourceCount ?? 0, targetCount: r?.targetCount ?? 0, skipped: [] };
  },

  async rollback(move, h) {
    await siteMover.rollback(h, oneDriveMoveId(move));
  },
};

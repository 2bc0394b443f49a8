// The Exchange mover: a pull move like MRS. Initial sync in chunks keyed by source item id, incremental
// passes (adds, changes, deletes since the last pass), and the cutover conversion of both recipients.
import { mailMoveRepo, type MailMoveKey } from '../../store/mailMoveRepo.js';
import type { ChunkResult, MoveHelpers, OnChunkCommit, Reconciliation, UserMove, WorkloadMover } from './workload.js';

/** Items above Exchange Online's 150 MB message size limit can't be moved: skipped, and they lower the score. */
export const MAX_ITEM_BYTES = 150 * 1024 * 1024;

function key(m: UserMove): MailMoveKey {
  return { jobId: m.jobId, userId: m.taskId, sourceTenantId: m.sourceTenantId, sourceUserId: m.sourceUserId, targetTenantId: m.targetTenantId };
}

const oversized = (o: { id: string; sizeBytes: number }) => ({ sourceItemId: o.id, reason: `The item is ${o.sizeBytes} bytes, over the ${MAX_ITEM_BYTES}-byte maximum item size (LargeItem).` });

export const exchangeMover: WorkloadMover = {
  workload: 'Exchange',

  totals: (m, h) => mailMoveRepo.totals(h.store.db, key(m)),

  async copyChunk(m, cursor, limit, h, onCommit): Promise<ChunkResult> {
    const k = key(m);
    return h.store.db.transaction().execute(async (trx) => {
      await mailMoveRepo.copyFolders(trx, k);
      const end = await mailMoveRepo.chunkEnd(trx, k, cursor, limit);
      const pending = await mailMoveRepo.pending(trx, k, cursor, end, MAX_ITEM_BYTES);
      await mailMoveRepo.copyItems(trx, k, cursor, end, MAX_ITEM_BYTES);
      const result: ChunkResult = { cursor: end ?? null, items: pending.items, bytes: pending.bytes, skipped: pending.oversized.map(oversized) };
      await onCommit(trx, result);
      return result;
    });
  },

  async syncDelta(m, h, onCommit) {
    const k = key(m);
    return h.store.db.transaction().execute(async (trx) => {
      await mailMoveRepo.copyFolders(trx, k);
      const pending = await mailMoveRepo.pending(trx, k, null, undefined, MAX_ITEM_BYTES);
      await mailMoveRepo.copyItems(trx, k, null, undefined, MAX_ITEM_BYTES);
      const { changed, deleted } = await mailMoveRepo.applyChangesAndDeletes(trx, k);
      const result = { cursor: null, items: pending.items, bytes: pending.bytes, skipped: pending.oversized.map(oversized), changed, deleted };
      await onCommit(trx, result);
      return result;
    });
  },

  async finalize(m, h, onCommit) {
    const k = key(m);
    await h.store.db.transaction().execute(async (trx) => {
      const target = await mailMoveRepo.recipientAddresses(trx, m.targetTenantId, m.taskId);
      if (target && target.recipientType !== 'UserMailbox') {
        await mailMoveRepo.convertRecipients(trx, k, targetAddress(target, m.targetDeliveryDomain), h.clock.iso());
      }
      if (onCommit) await onCommit(trx);
    });
  },

  async reconcile(m, h): Promise<Reconciliation> {
    const k = key(m);
    const { source, target } = await mailMoveRepo.counts(h.store.db, k);
    const pending = await mailMoveRepo.pending(h.store.db, k, null, undefined, MAX_ITEM_BYTES);
    return { sourceCount: source, targetCount: target, skipped: pending.oversized.map(oversized) };
  },

  async rollback(m, h) {
    await h.store.db.transaction().execute((trx) => mailMoveRepo.rollback(trx, key(m)));
  },
};

/** The target's proxy address in the target delivery domain (rule 23), else its primary SMTP address. */
export function targetAddress(t: { primary: string; addresses: string[] }, deliveryDomain: string | undefined): string {
  const domain = deliveryDomain?.toLowerCase();
  const hit = domain && t.addresses.find((a) => /^smtp:/i.test(a) && a.slice(5).toLowerCase().endsWith(`@${domain}`));
  return hit ? hit.slice(5) : t.primary;
}

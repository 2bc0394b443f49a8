// The Exchange mover: a pull move like MRS. Initial sync in chunks keyed by source item id, incremental
// passes (adds, changes, deletes since the last pass), and the cutover conversion of both recipients.
import { mailMoveRepo, type MailMoveKey } from '../../store/mailMoveRepo.js';
import type { ChunkResult, MoveHelpers, OnChunkCommit, Reconciliation, SkippedItem, UserMove, WorkloadMover } from './workload.js';
import { loadFaults, SKIP_REASONS } from './faults.js';
import { killPoint } from './killPoint.js';
import { afterCommit, inTransaction, type Tx } from '../../store/unitOfWork.js';
import { anyChangeSince, currentSeq } from '../../store/changesRepo.js';

/** Items above Exchange Online's 150 MB message size limit can't be moved: skipped, and they lower the score. */
export const MAX_ITEM_BYTES = 150 * 1024 * 1024;

function key(m: UserMove): MailMoveKey {
  return { jobId: m.jobId, userId: m.taskId, sourceTenantId: m.sourceTenantId, sourceUserId: m.sourceUserId, targetTenantId: m.targetTenantId };
}

/** Items in (cursor, end] too large to move, as skipped items (those a fault already skips are not listed twice). */
async function tooLarge(db: Parameters<typeof mailMoveRepo.oversized>[0], k: MailMoveKey, cursor: string | null, end: string | undefined, exclude: readonly string[]): Promise<SkippedItem[]> {
  return (await mailMoveRepo.oversized(db, k, cursor, end, MAX_ITEM_BYTES)).filter((o) => !exclude.includes(o.id))
    .map((o) => ({ sourceItemId: o.id, reason: `The item is ${o.sizeBytes} bytes, over the ${MAX_ITEM_BYTES}-byte maximum item size (LargeItem).` }));
}

/** Items a rehearsed fault makes the move skip (corrupt / oversized): the first ones in copy order. */
async function faultSkips(m: UserMove, h: MoveHelpers): Promise<SkippedItem[]> {
  const f = await loadFaults(h.store.db, { tenantId: m.sourceTenantId, userId: m.sourceUserId, workload: 'Exchange' });
  const n = f.skip.corrupt + f.skip.oversized;
  if (n === 0) return [];
  const ids = await mailMoveRepo.firstItemIds(h.store.db, key(m), n);
  return ids.map((id, i) => ({ sourceItemId: id, reason: i < f.skip.corrupt ? `${SKIP_REASONS.corrupt}: the item is corrupt and can't be copied.` : `${SKIP_REASONS.oversized}: the item exceeds the maximum item size.` }));
}
/**
 * Nothing of the source mailbox changed since the last full comparison (the change log has no entry for it,
 * nor a reset of its tenant): the pass has nothing to add, re-copy or delete, and skips comparing every item.
 */
async function sourceQuiet(trx: Tx, m: UserMove, k: MailMoveKey, seq: number): Promise<boolean> {
  const since = await mailMoveRepo.comparedUpTo(trx, k);
  // A log behind the recorded position (restored or rebuilt) proves nothing: compare in full.
  return since !== undefined && since <= seq && !(await anyChangeSince(trx, { tenantId: m.sourceTenantId, ownerId: m.sourceUserId, kinds: ['mailItem', 'mailFolder'], afterSeq: since }));
}

const inRange = (id: string, cursor: string | null, end: string | undefined) => (cursor === null || id > cursor) && (end === undefined || id <= end);

export const exchangeMover: WorkloadMover = {
  workload: 'Exchange',

  totals: (m, h) => mailMoveRepo.totals(h.store.db, key(m)),

  async copyChunk(m, cursor, limit, h, onCommit): Promise<ChunkResult> {
    const k = key(m);
    // Read before the transaction: on SQLite a query on the root connection inside it would wait forever.
    const skips = await faultSkips(m, h);
    const exclude = skips.map((x) => x.sourceItemId);
    return inTransaction(h.store, async (trx) => {
      // Where the first incremental pass starts reading the change log: before anything of the mailbox is read.
      if (cursor === null) await mailMoveRepo.setComparedUpTo(trx, k, await currentSeq(trx), true);
      await mailMoveRepo.copyFolders(trx, k);
      const end = await mailMoveRepo.chunkEnd(trx, k, cursor, limit);
      const large = await tooLarge(trx, k, cursor, end, exclude);
      const copied = await mailMoveRepo.copyItems(trx, k, cursor, end, MAX_ITEM_BYTES, exclude);
      const skipped = [...large, ...skips.filter((x) => inRange(x.sourceItemId, cursor, end))];
      const result: ChunkResult = { cursor: end ?? null, items: copied.items, bytes: copied.bytes, skipped };
      await onCommit(trx, result);
      killPoint('inChunk');
      // After the commit that holds this chunk (the group's, when the runner commits items together).
      afterCommit(trx, () => killPoint('betweenChunks'));
      return result;
    });
  },

  async syncDelta(m, h, onCommit) {
    const k = key(m);
    const skips = await faultSkips(m, h);
    const exclude = skips.map((x) => x.sourceItemId);
    return inTransaction(h.store, async (trx) => {
      const seq = await currentSeq(trx);
      const large = await tooLarge(trx, k, null, undefined, exclude);
      let delta = { items: 0, bytes: 0, changed: 0, deleted: 0 };
      if (!(await sourceQuiet(trx, m, k, seq))) {
        await mailMoveRepo.copyFolders(trx, k);
        const copied = await mailMoveRepo.copyItems(trx, k, null, undefined, MAX_ITEM_BYTES, exclude);
        delta = { ...copied, ...(await mailMoveRepo.applyChangesAndDeletes(trx, k)) };
      }
      await mailMoveRepo.setComparedUpTo(trx, k, seq, false);
      const result = { cursor: null, items: delta.items, bytes: delta.bytes, skipped: [...large, ...skips], changed: delta.changed, deleted: delta.deleted };
      await onCommit(trx, result);
      return result;
    });
  },

  async finalize(m, h, onCommit) {
    const k = key(m);
    await inTransaction(h.store, async (trx) => {
      const target = await mailMoveRepo.recipientAddresses(trx, m.targetTenantId, m.taskId);
      if (target && target.recipientType !== 'UserMailbox') {
        await mailMoveRepo.convertRecipients(trx, k, targetAddress(target, m.targetDeliveryDomain), h.clock.iso());
      }
      if (onCommit) await onCommit(trx);
      killPoint('inCutover');
    });
  },

  async reconcile(m, h): Promise<Reconciliation> {
    const k = key(m);
    const { source, target } = await mailMoveRepo.counts(h.store.db, k);
    const skips = await faultSkips(m, h);
    const exclude = skips.map((x) => x.sourceItemId);
    return { sourceCount: source, targetCount: target, skipped: [...(await tooLarge(h.store.db, k, null, undefined, exclude)), ...skips] };
  },

  async rollback(m, h) {
    await inTransaction(h.store, (trx) => mailMoveRepo.rollback(trx, key(m)));
  },
};

/** The target's proxy address in the target delivery domain (rule 23), else its primary SMTP address. */
export function targetAddress(t: { primary: string; addresses: string[] }, deliveryDomain: string | undefined): string {
  const domain = deliveryDomain?.toLowerCase();
  const hit = domain && t.addresses.find((a) => /^smtp:/i.test(a) && a.slice(5).toLowerCase().endsWith(`@${domain}`));
  return hit ? hit.slice(5) : t.primary;
}

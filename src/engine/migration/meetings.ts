// The Teams meeting mover (migration-domain.md §3, rule 42): the meetings the user organizes move with
// them to the target, organised by the target user, attendees mapped through CTIM (RSVPs reset), with a
// new join URL when the last occurrence is within 60 days. ORCH-7's exclusions stay in the source and are
// reported, not counted as failures. Without a target mailbox nothing moves: MMS-011.
import { teamsMoveRepo, type MoveKey } from '../../store/teamsMoveRepo.js';
import { loadFaults, SKIP_REASONS } from './faults.js';
import type { ChunkResult, MoveHelpers, Reconciliation, SkippedItem, UserMove, WorkloadMover } from './workload.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import type { Store } from '../../store/db.js';

type Db = Store['db'] | Tx;

/** Meetings whose last occurrence is older than this keep their join URL (their chat becomes a group chat). */
export const MEETING_CHAT_WINDOW_DAYS = 60;
export const NO_TARGET_MAILBOX = { code: 'MMS-011', message: 'The user does not have a target mailbox.' };

const key = (m: UserMove): MoveKey => ({ jobId: m.jobId, userId: m.taskId, sourceTenantId: m.sourceTenantId, sourceUserId: m.sourceUserId, targetTenantId: m.targetTenantId });

/** Eligible meetings, the ones faults make fail (first in id order, corrupt first), and the excluded ones. */
async function plan(db: Db, m: UserMove) {
  const all = await teamsMoveRepo.organizedMeetings(db, key(m));
  const eligible = all.filter((x) => !x.exclusion);
  const f = await loadFaults(db, { tenantId: m.sourceTenantId, userId: m.sourceUserId, workload: 'Meeting' });
  const failing = new Map<string, string>();
  eligible.slice(0, f.skip.corrupt + f.skip.oversized).forEach((x, i) => failing.set(x.id, i < f.skip.corrupt ? SKIP_REASONS.corrupt : SKIP_REASONS.oversized));
  return { eligible, failing, excluded: all.filter((x) => x.exclusion) };
}

const hasTargetMailbox = async (db: Db, m: UserMove) => (await teamsMoveRepo.recipientType(db, m.targetTenantId, m.taskId)) === 'UserMailbox';

export const meetingsMover: WorkloadMover = {
  workload: 'Meeting',

  async totals(m, h) {
    const p = await plan(h.store.db, m);
    return { items: p.eligible.length - p.failing.size, bytes: 0 };
  },

  async copyChunk(m, cursor, limit, h, onCommit): Promise<ChunkResult> {
    return inTransaction(h.store, async (trx) => {
      const result: ChunkResult = { cursor: null, items: 0, bytes: 0, skipped: [] };
      if (await hasTargetMailbox(trx, m)) {
        const p = await plan(trx, m);
        const todo = p.eligible.filter((x) => !p.failing.has(x.id) && (cursor === null || x.id > cursor));
        const chunk = todo.slice(0, limit);
        const recentSince = new Date(h.clock.nowMs() - MEETING_CHAT_WINDOW_DAYS * 86_400_000).toISOString();
        result.items = await teamsMoveRepo.copyMeetings(trx, key(m), chunk.map((x) => x.id), recentSince);
        await mapAttendees(trx, m);
        result.cursor = todo.length > limit ? chunk.at(-1)!.id : null;
      }
      await onCommit(trx, result);
      return result;
    });
  },

  async finalize(m, h, onCommit) {
    await inTransaction(h.store, async (trx) => {
      await teamsMoveRepo.removeMovedSourceMeetings(trx, key(m));
      if (onCommit) await onCommit(trx);
    });
  },

  async reconcile(m, h): Promise<Reconciliation> {
    const db = h.store.db;
    const moved = await teamsMoveRepo.movedMeetings(db, key(m));
    if (!(await hasTargetMailbox(db, m)) && moved.length === 0) {
      return { sourceCount: 0, targetCount: 0, skipped: [], outcome: 'failed', message: NO_TARGET_MAILBOX.message, errors: [NO_TARGET_MAILBOX] };
    }
    const p = await plan(db, m);
    const skipped: SkippedItem[] = [...p.failing].map(([id, reason]) => ({ sourceItemId: id, reason }));
    const present = moved.filter((x) => x.present).length;
    const source = Math.max(p.eligible.length, moved.length); // after finalize the moved ones have left the source
    const excluded = p.excluded.length ? ` ${p.excluded.length} not migrated (${[...new Set(p.excluded.map((x) => x.exclusion))].join('; ')}).` : '';
    return {
      sourceCount: source, targetCount: present, skipped, outcome: 'completed',
      message: `Meeting migration for user ${m.taskId} completed. ${present}/${source} meetings migrated.${excluded}`,
    };
  },

  async rollback(m, h) {
    await inTransaction(h.store, (trx) => teamsMoveRepo.rollbackMeetings(trx, key(m)));
  },
};

/** Rewrites the attendees of this move's target meetings through CTIM (JSON lists; a user has few meetings). */
async function mapAttendees(trx: Db, m: UserMove): Promise<void> {
  const moved = (await teamsMoveRepo.movedMeetings(trx, key(m))).filter((x) => x.present);
  const lists = moved.map((x) => JSON.parse(x.attendees) as string[]);
  const ids = await teamsMoveRepo.mappedIdentities(trx, key(m), [...new Set(lists.flat())]);
  ids.set(m.sourceUserId, m.taskId);
  for (const [i, x] of moved.entries()) {
    const mapped = lists[i]!.map((a) => ids.get(a) ?? a);
    if (mapped.some((a, j) => a !== lists[i]![j])) await teamsMoveRepo.setMeetingAttendees(trx, m.targetTenantId, x.targetId, mapped);
  }
}

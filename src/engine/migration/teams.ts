// The Teams chat mover (migration-domain.md §3, rule 43), after the mailbox cutover: the user's 1:1 chats
// and the group chats they own become new target threads with members mapped through CTIM; group chats
// owned by others keep their thread and get the user swapped in place; source threads are edited at the
// end. Messages a fault makes fail count against the quality thresholds: more than 20 % of attempted
// messages or more than 10 % of attempted threads failed ⇒ `failed`, with the service's message.
import { deriveGuid } from '../../tenants/ids.js';
import { teamsMoveRepo, type MessageKey, type MoveKey } from '../../store/teamsMoveRepo.js';
import { loadFaults, SKIP_REASONS } from './faults.js';
import type { ChunkResult, MoveHelpers, Reconciliation, SkippedItem, UserMove, WorkloadMover } from './workload.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';
import type { Store } from '../../store/db.js';

export const MESSAGE_THRESHOLD = 80; // % of attempted messages that must import (ORCH-5-26)
export const THREAD_THRESHOLD = 90; // % of attempted threads

type Db = Store['db'] | Tx;
const key = (m: UserMove): MoveKey => ({ jobId: m.jobId, userId: m.taskId, sourceTenantId: m.sourceTenantId, sourceUserId: m.sourceUserId, targetTenantId: m.targetTenantId });
const tag = (m: UserMove) => m.taskId.replace(/-/g, '');
const encode = (c: MessageKey | undefined) => (c ? JSON.stringify([c.chatId, c.id]) : null);
const decode = (s: string | null): MessageKey | null => {
  if (!s) return null;
  const [chatId, id] = JSON.parse(s) as [string, string];
  return { chatId, id };
};

/** The messages faults make fail: the first ones in import order, corrupt ones first. */
async function failing(db: Db, m: UserMove): Promise<{ key: MessageKey; reason: string }[]> {
  const f = await loadFaults(db, { tenantId: m.sourceTenantId, userId: m.sourceUserId, workload: 'Teams' });
  const first = await teamsMoveRepo.firstMessages(db, key(m), f.skip.corrupt + f.skip.oversized);
  return first.map((k, i) => ({ key: k, reason: i < f.skip.corrupt ? SKIP_REASONS.corrupt : SKIP_REASONS.oversized }));
}

const pct = (n: number, d: number) => (d === 0 ? 100 : Math.floor((n / d) * 10000) / 100);

export interface TeamsQuality { messages: { ok: number; attempted: number }; threads: { ok: number; attempted: number }; passed: boolean }

export async function teamsQuality(m: UserMove, h: MoveHelpers): Promise<TeamsQuality> {
  const threads = await teamsMoveRepo.threadCounts(h.store.db, key(m));
  const attempted = threads.reduce((a, t) => a + t.attempted, 0);
  const ok = threads.reduce((a, t) => a + Math.min(t.imported, t.attempted), 0);
  // A thread failed when none of its attempted messages made it.
  const okThreads = threads.filter((t) => t.attempted === 0 || t.imported > 0).length;
  const passed = pct(ok, attempted) >= MESSAGE_THRESHOLD && pct(okThreads, threads.length) >= THREAD_THRESHOLD;
  return { messages: { ok, attempted }, threads: { ok: okThreads, attempted: threads.length }, passed };
}

/** ORCH-5-26's per-user summary; the failed variant says it failed a quality threshold. */
export function teamsMessage(m: UserMove, q: TeamsQuality): string {
  const head = q.passed ? `Teams migration for user ${m.taskId} completed.` : `Teams migration for user ${m.taskId} failed a quality threshold.`;
  return `${head} ${q.messages.ok}/${q.messages.attempted} (${pct(q.messages.ok, q.messages.attempted)}%) messages imported successfully (>= ${MESSAGE_THRESHOLD}% threshold). `
    + `${q.threads.ok}/${q.threads.attempted} (${pct(q.threads.ok, q.threads.attempted)}%) threads imported successfully (>= ${THREAD_THRESHOLD}% threshold). `
    + `Request Id: ${deriveGuid('teams-request', m.jobId, m.taskId)}. Batch Id: ${m.jobId}.`;
}

export const teamsMover: WorkloadMover = {
  workload: 'Teams',

  totals: (m, h) => teamsMoveRepo.totals(h.store.db, key(m)),

  async copyChunk(m, cursor, limit, h, onCommit): Promise<ChunkResult> {
    const k = key(m);
    return inTransaction(h.store, async (trx) => {
      await teamsMoveRepo.mapThreads(trx, k, tag(m));
      const fail = await failing(trx, m);
      const from = decode(cursor);
      const end = await teamsMoveRepo.chunkEnd(trx, k, from, limit);
      const copied = await teamsMoveRepo.copyMessages(trx, k, from, end, fail.map((f) => f.key));
      const result: ChunkResult = { cursor: encode(end), items: copied.items, bytes: copied.bytes, skipped: [] };
      await onCommit(trx, result);
      return result;
    });
  },

  async finalize(m, h, onCommit) {
    const q = await teamsQuality(m, h);
    await inTransaction(h.store, async (trx) => {
      // A user whose chats failed the quality bar keeps the source threads as they were, for a retry.
      if (q.passed) await teamsMoveRepo.editSourceThreads(trx, key(m));
      if (onCommit) await onCommit(trx);
    });
  },

  async reconcile(m, h): Promise<Reconciliation> {
    const q = await teamsQuality(m, h);
    const skipped: SkippedItem[] = (await failing(h.store.db, m)).map((f) => ({ sourceItemId: `${f.key.chatId}/${f.key.id}`, reason: f.reason }));
    const failedMessages = q.messages.attempted - q.messages.ok;
    const message = teamsMessage(m, q);
    if (!q.passed) return { sourceCount: q.messages.attempted, targetCount: q.messages.ok, skipped, outcome: 'failed', message, errors: [{ code: 'CTTM-017', message }] };
    return {
      sourceCount: q.messages.attempted, targetCount: q.messages.ok, skipped, outcome: 'completed', message,
      ...(failedMessages > 0 ? { errors: [{ code: 'CTTM-017', message: `Teams migration for user ${m.taskId} completed with errors, ${failedMessages} chat messages couldn't be imported.` }] } : {}),
    };
  },

  async rollback(m, h) {
    await inTransaction(h.store, (trx) => teamsMoveRepo.rollbackThreads(trx, key(m)));
  },
};

// Consult API of the migration faults a scenario or the admin API set for a (source) user and workload
// (tenants/objects.faults.ts). Movers and the orchestrator ask here; nothing else reads the table.
//   loadFaults          what to inject for this user × workload (transient countdown, permanent error,
//                       throughput, items to skip, mid-move faults still to happen)
//   consumeTransient    one transient failure per attempt, atomically and durably
//   fireMidMoveFaults   makes the source-side change of each mid-move fault that is due, once
import type { Clock } from '../../clock.js';
import { holdFindings, sourceMailboxNoHolds } from '../../domain/rules/sourceMailboxNoHolds.js';
import { fill } from '../../domain/validation/define.js';
import type { Store } from '../../store/db.js';
import {
  addAuxArchive, changeSourceMail, listFaults, markFired, setRecipientHolds, sourceRecipient, takeTransient, type FaultRow,
} from '../../store/faultsRepo.js';
import { parseJson } from '../../store/json.js';
import { NO_HOLDS, type MailboxHolds } from '../../domain/tenantVocabulary.js';
import type { MigrationFaultKind } from '../../domain/migrationFaultKinds.js';
import type { MigrationFaultParams } from '../../domain/tenantRecords.js';
import { deriveGuid } from '../../tenants/ids.js';
import type { MovedWorkload } from './workload.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';

type Db = Store['db'] | Tx;

export interface FaultTarget {
  /** The source tenant and the migrating source user. */
  tenantId: string;
  userId: string;
  workload: MovedWorkload;
}

export interface InjectedError { code: string; message: string }

/** Skipped-item reasons, as Exchange names the kinds of skipped items. */
export const SKIP_REASONS = { corrupt: 'CorruptItem', oversized: 'LargeItem' } as const;

export interface MigrationFaults {
  /** Transient failures still to inject (0 = none left). */
  transientRemaining: number;
  permanent: InjectedError | null;
  /** Multiply the workload's throughput by this (1 = normal). */
  throughputFactor: number;
  /** How many source items to skip as corrupt / oversized (movers pick the first ones in copy order). */
  skip: { corrupt: number; oversized: number };
  /** Mid-move faults not yet fired. */
  pending: { kind: MigrationFaultKind; afterPass: number }[];
}

export const TRANSIENT_MESSAGE = 'Transient error MigrationTransientException has occurred. The system will retry.';
/** MIGR-003 (ERR): the orchestrator's generic per-user failure. */
export const PERMANENT_CODE = 'MIGR-003';
export const permanentMessage = (user: string) => `User ${user} migration failed. Please retry user migration.`;
export const AUX_ARCHIVE_CODE = 'SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException';
export const AUX_ARCHIVE_MESSAGE = `${AUX_ARCHIVE_CODE}: An auxiliary archive was provisioned for the source mailbox during the cross-tenant move. The move can't continue.`;

const params = (f: FaultRow) => f.params as MigrationFaultParams;
const countOf = (f: FaultRow | undefined) => (f ? (params(f).count ?? 1) : 0);

export async function loadFaults(db: Db, t: FaultTarget): Promise<MigrationFaults> {
  const rows = await listFaults(db, t);
  const of = (kind: MigrationFaultKind) => rows.find((r) => r.kind === kind);
  const transient = of('transientError');
  const permanent = of('permanentError');
  const slow = of('slowThroughput');
  return {
    transientRemaining: transient?.remaining ?? 0,
    permanent: permanent ? { code: PERMANENT_CODE, message: params(permanent).message ?? permanentMessage(permanent.userPrincipalName ?? permanent.userId) } : null,
    throughputFactor: slow ? (params(slow).throughputPercent ?? 10) / 100 : 1,
    skip: { corrupt: countOf(of('corruptItems')), oversized: countOf(of('oversizedItems')) },
    pending: rows.filter((r) => MID_MOVE.has(r.kind as MigrationFaultKind) && !r.firedAt)
      .map((r) => ({ kind: r.kind as MigrationFaultKind, afterPass: params(r).afterPass ?? 1 })),
  };
}

/**
 * Called at the start of each attempt of a copy step. `attemptKey` names the attempt (e.g. the work
 * item id and attempt number): the count goes down exactly once per attempt, and re-asking for the same
 * attempt (re-run after a crash) answers the same without taking another. Throw the returned error.
 */
export async function consumeTransient(db: Db, clock: Clock, t: FaultTarget & { attemptKey: string }): Promise<{ fail: false } | { fail: true; remaining: number; error: InjectedError }> {
  const rows = await listFaults(db, { ...t });
  const f = rows.find((r) => r.kind === 'transientError');
  if (!f) return { fail: false };
  const r = await takeTransient(db, { ...t, kind: 'transientError' }, t.attemptKey, clock.iso());
  if (!r?.fail) return { fail: false };
  return { fail: true, remaining: r.remaining, error: { code: 'TransientError', message: params(f).message ?? TRANSIENT_MESSAGE } };
}

export interface FiredFault {
  kind: MigrationFaultKind;
  /** The error the move must stop with (aux archive, hold), or null when the change is content only. */
  error: InjectedError | null;
  /** sourceChangesBetweenPasses: what was changed in the source (the next incremental pass reads it from the change log). */
  changes?: { added: number; changed: number; deleted: number };
}

const MID_MOVE = new Set<MigrationFaultKind>(['auxArchiveDuringMove', 'holdDuringMove', 'sourceChangesBetweenPasses']);

/**
 * Makes the source-side change of every mid-move fault due after `completedPasses` sync passes (1 = the
 * initial sync is done), each in one transaction with its fired mark. Already-fired faults are skipped, so
 * the orchestrator may call this at every pass boundary and after a restart.
 */
export async function fireMidMoveFaults(store: Store, clock: Clock, t: FaultTarget & { completedPasses: number }): Promise<FiredFault[]> {
  if (t.workload !== 'Exchange') return [];
  const due = (await listFaults(store.db, t)).filter((r) => MID_MOVE.has(r.kind as MigrationFaultKind) && !r.firedAt && (params(r).afterPass ?? 1) <= t.completedPasses);
  const fired: FiredFault[] = [];
  for (const f of due) {
    const now = clock.iso();
    const kind = f.kind as MigrationFaultKind;
    const result = await inTransaction(store, async (trx): Promise<FiredFault | null> => {
      if (!(await markFired(trx, { ...t, kind }, now))) return null;
      const recipient = await sourceRecipient(trx, t.tenantId, t.userId);
      if (kind === 'auxArchiveDuringMove') {
        if (recipient) await addAuxArchive(trx, t.tenantId, t.userId, now);
        return { kind, error: { code: AUX_ARCHIVE_CODE, message: AUX_ARCHIVE_MESSAGE } };
      }
      if (kind === 'holdDuringMove') {
        const holds = withHold({ ...NO_HOLDS, ...(recipient ? parseJson<Partial<MailboxHolds>>(recipient.holds, {}) : {}) }, params(f).hold ?? 'litigationHold');
        if (recipient) await setRecipientHolds(trx, t.tenantId, t.userId, holds, now);
        return { kind, error: { code: sourceMailboxNoHolds.code, message: fill(sourceMailboxNoHolds.message, { hold: holdFindings(holds)[0]! }) } };
      }
      const p = params(f);
      const added = Array.from({ length: p.added ?? 0 }, (_, i) => ({
        id: deriveGuid('sourceChange', t.tenantId, t.userId, now, String(i)), subject: `Added between passes ${i + 1}`, bodyPreview: 'Arrived in the source mailbox during the move.', sizeBytes: 12_000,
      }));
      const changes = await changeSourceMail(trx, t.tenantId, t.userId, { added, changed: p.changed ?? 0, deleted: p.deleted ?? 0 }, now);
      return { kind, error: null, changes };
    });
    if (result) fired.push(result);
  }
  return fired;
}

function withHold(h: MailboxHolds, hold: NonNullable<MigrationFaultParams['hold']>): MailboxHolds {
  switch (hold) {
    case 'litigationHold': return { ...h, litigationHoldEnabled: true };
    case 'delayHold': return { ...h, delayHoldApplied: true };
    case 'complianceTagHold': return { ...h, complianceTagHoldApplied: true };
    case 'inPlaceHold': return { ...h, inPlaceHolds: [...h.inPlaceHolds, `UniH${deriveGuid('hold', String(h.inPlaceHolds.length)).replace(/-/g, '')}`] };
  }
}


// The per-user, per-workload move lifecycle as data (graph-api-surface.md §4.2; migration-domain.md
// rules 21–26, 41–45): every phase a move can be in, every event that moves it, and the status a
// client reads in each. migrationRepo.applyMoveEvent commits an event as a compare-and-set on the
// phases this table allows it from; nothing else changes a move's phase.
import type { ServiceStatus, Workload } from './enums.js';

export const MovePhases = [
  'notStarted', // job processing: validation re-check running
  'queued', // waiting for a per-tenant move slot
  'syncing', // Exchange initial sync
  'synced', // Exchange: initial sync done, incremental syncs until cutover
  'awaitingApproval', // Exchange: skipped items need an admin's approval (Data Consistency Score Investigate)
  'finalizing', // Exchange cutover: final incremental pass + conversion
  'waiting', // ODSP / Teams / Meeting: awaiting the mailbox cutover
  'moving', // ODSP / Teams / Meeting: copying
  'completed',
  'failed',
  'cancelling',
  'cancelled',
] as const;
export type MovePhase = (typeof MovePhases)[number];

export const TERMINAL_PHASES: readonly MovePhase[] = ['completed', 'failed', 'cancelled'];
export const OPEN_PHASES: readonly MovePhase[] = MovePhases.filter((p) => !TERMINAL_PHASES.includes(p));
/** Exchange phases that hold one of the tenant's move slots: the initial sync. */
export const SLOT_PHASES: readonly MovePhase[] = ['syncing'];
/** Exchange phases before the initial sync is done: the cutover waits while a move is in one. */
export const BEFORE_SYNCED_PHASES: readonly MovePhase[] = ['queued', 'syncing'];

export type MoveEvent =
  | 'slotGranted' // a per-tenant Exchange slot: the initial sync starts
  | 'initialSyncDone'
  | 'finalizeStarted' // the cutover reached this mailbox
  | 'approvalNeeded' // reconciliation: Investigate, skipped items wait for an admin
  | 'skippedApproved'
  | 'mailboxCutOver' // the mailbox is converted: the move completed
  | 'sourceReady' // the user's mailbox cutover: ODSP / Teams / Meeting start
  | 'moved' // ODSP / Teams / Meeting copied and reconciled
  | 'moveRejected' // reconciled with a failing verdict (e.g. Teams quality thresholds)
  | 'failed' // a permanent error or the last attempt
  | 'sourceFailed' // the mailbox move failed: the workloads waiting for its cutover fail with it
  | 'cancelRequested'
  | 'rolledBack';

export interface MoveTransition { from: MovePhase; event: MoveEvent; to: MovePhase }

const rows = (event: MoveEvent, to: MovePhase, from: readonly MovePhase[]): MoveTransition[] => from.map((f) => ({ from: f, event, to }));

/** Every allowed transition; any other (phase, event) is refused. */
export const MOVE_TRANSITIONS: readonly MoveTransition[] = [
  ...rows('slotGranted', 'syncing', ['queued']),
  ...rows('initialSyncDone', 'synced', ['syncing']),
  ...rows('finalizeStarted', 'finalizing', ['synced']),
  ...rows('approvalNeeded', 'awaitingApproval', ['finalizing']),
  ...rows('skippedApproved', 'synced', ['awaitingApproval']),
  ...rows('mailboxCutOver', 'completed', ['finalizing']),
  ...rows('sourceReady', 'moving', ['waiting']),
  ...rows('moved', 'completed', ['moving']),
  ...rows('moveRejected', 'failed', ['moving']),
  ...rows('failed', 'failed', OPEN_PHASES),
  ...rows('sourceFailed', 'failed', ['waiting']),
  // Cancel before cutover: a failed move is rolled back too (what it copied leaves the target).
  ...rows('cancelRequested', 'cancelling', [...OPEN_PHASES.filter((p) => p !== 'cancelling'), 'failed']),
  ...rows('rolledBack', 'cancelled', ['cancelling']),
];

/** The phase after `event` in `phase`, or undefined when the table does not allow it. */
export function nextPhase(phase: MovePhase, event: MoveEvent): MovePhase | undefined {
  return MOVE_TRANSITIONS.find((t) => t.from === phase && t.event === event)?.to;
}

/** The phases an event applies from and the one it leads to (every event has one target). */
export function eventRule(event: MoveEvent): { from: readonly MovePhase[]; to: MovePhase } {
  const ts = MOVE_TRANSITIONS.filter((t) => t.event === event);
  return { from: ts.map((t) => t.from), to: ts[0]!.to };
}

/** Phase → crossTenantMigrationServiceStatus. `finalizing` is Exchange-only; the others show `synced` while they wait. */
const STATUS: Readonly<Record<MovePhase, ServiceStatus | { Exchange: ServiceStatus; other: ServiceStatus }>> = {
  notStarted: 'notStarted',
  queued: { Exchange: 'syncing', other: 'synced' },
  syncing: { Exchange: 'syncing', other: 'synced' },
  synced: 'synced',
  awaitingApproval: 'synced',
  waiting: 'synced',
  finalizing: { Exchange: 'finalizing', other: 'inProgress' },
  moving: 'inProgress',
  completed: 'completed',
  failed: 'failed',
  cancelling: 'pendingCancel',
  cancelled: 'cancelled',
};

export function moveStatus(workload: Workload, phase: MovePhase): ServiceStatus {
  const s = STATUS[phase];
  return typeof s === 'string' ? s : workload === 'Exchange' ? s.Exchange : s.other;
}

// The lifecycle of a SharePoint cross-organization migration task as data (migration-domain.md §2.6):
// notStarted (Scheduled until preferredStartDateTime) → inProgress through the sub-stages Validation →
// Backup → Restore → Cleanup → completed | failed; cancelled before it starts. A task's place in it is
// its status, and its sub-stage while inProgress; spoMigrationRepo.applyStageEvent commits an event as
// compare-and-set on that place.
import type { MoveStage, MoveState, SpoTaskStatus } from './spoMigrationTask.js';

export const SpoTaskStages = ['notStarted', 'Validation', 'Backup', 'Restore', 'Cleanup', 'completed', 'failed', 'cancelled'] as const;
export type SpoTaskStage = (typeof SpoTaskStages)[number];

export type SpoStageEvent =
  | 'started' // preferredStartDateTime reached (or none)
  | 'expired' // not started by preferredLatestStartDateTime
  | 'cancelRequested' // Stop-SPOCrossTenant*ContentMove before the start
  | 'validated'
  | 'checksFailed'
  | 'chunkCopied' // a chunk copied, more to copy
  | 'copied' // the last chunk copied
  | 'cleanedUp'
  | 'moveFailed'; // SharePoint refused or failed the move (MnA* error)

export interface SpoStageTransition { from: SpoTaskStage; event: SpoStageEvent; to: SpoTaskStage }

const RUNNING: readonly SpoTaskStage[] = ['notStarted', 'Validation', 'Backup', 'Restore', 'Cleanup'];

export const SPO_STAGE_TRANSITIONS: readonly SpoStageTransition[] = [
  { from: 'notStarted', event: 'started', to: 'Validation' },
  { from: 'notStarted', event: 'expired', to: 'cancelled' },
  { from: 'notStarted', event: 'cancelRequested', to: 'cancelled' },
  { from: 'Validation', event: 'validated', to: 'Backup' },
  { from: 'Validation', event: 'checksFailed', to: 'failed' },
  // Backup: the source goes read-only, the target is created and the first chunk copies; Restore: the rest.
  { from: 'Backup', event: 'chunkCopied', to: 'Restore' },
  { from: 'Restore', event: 'chunkCopied', to: 'Restore' },
  { from: 'Backup', event: 'copied', to: 'Cleanup' },
  { from: 'Restore', event: 'copied', to: 'Cleanup' },
  { from: 'Cleanup', event: 'cleanedUp', to: 'completed' },
  ...RUNNING.map((from) => ({ from, event: 'moveFailed' as const, to: 'failed' as const })),
];

export function nextStage(from: SpoTaskStage, event: SpoStageEvent): SpoTaskStage | undefined {
  return SPO_STAGE_TRANSITIONS.find((t) => t.from === from && t.event === event)?.to;
}

/** Where a task stands, from its status and sub-stage columns. */
export function stageOf(t: { status: string; stage: string | null }): SpoTaskStage {
  return (t.status === 'inProgress' ? t.stage : t.status) as SpoTaskStage;
}

/**
 * The columns a stage writes: status and Get-SPOCrossTenant*ContentMoveState's state; `stage` while
 * inProgress only (a task that ended keeps the sub-stage it ended in).
 */
export function stageColumns(s: SpoTaskStage): { status: SpoTaskStatus; moveState: MoveState; stage?: MoveStage } {
  switch (s) {
    case 'notStarted': return { status: 'notStarted', moveState: 'NotStarted' };
    case 'completed': return { status: 'completed', moveState: 'Success' };
    case 'failed': return { status: 'failed', moveState: 'Failed' };
    case 'cancelled': return { status: 'cancelled', moveState: 'Stopped' };
    default: return { status: 'inProgress', moveState: 'InProgress', stage: s };
  }
}

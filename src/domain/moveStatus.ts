// What a client reads of a move besides its status (domain/movePhases.ts holds the lifecycle): the
// progress message, the Data Consistency Score and a user's outcome over its workloads.
import type { Workload } from './enums.js';
import { TERMINAL_PHASES, type MovePhase } from './movePhases.js';

export interface MoveProgress { itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; skipped: number; consistency: ConsistencyScore | null }

/** The `message` of a workload's status: progress while it runs, the reconciliation once it is done. */
export function moveMessage(workload: Workload, phase: MovePhase, p: MoveProgress): string {
  const counts = `${p.itemsDone}/${p.itemsTotal} items, ${mb(p.bytesDone)}/${mb(p.bytesTotal)} MB`;
  switch (phase) {
    case 'queued': return 'Queued: waiting for a free move slot in the tenant.';
    case 'syncing': return `Initial sync: ${counts} copied.`;
    case 'synced': return workload === 'Exchange' ? `Synced: ${counts}. Incremental syncs run until cutover.` : 'Waiting for the mailbox cutover.';
    case 'waiting': return workload === 'Exchange' ? '' : 'Waiting for the mailbox cutover.';
    case 'awaitingApproval': return `${p.skipped} skipped item(s) need an administrator's approval before cutover (Data Consistency Score ${p.consistency ?? 'Investigate'}).`;
    case 'finalizing': return `Final incremental sync and cutover: ${counts}.`;
    case 'moving': return `In progress: ${counts} copied.`;
    case 'completed': return p.skipped > 0 ? `Completed with Data Consistency Score ${p.consistency}: ${p.skipped} item(s) skipped.` : '';
    default: return '';
  }
}

function mb(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

// ---- Data Consistency Score (Exchange's grades; batch score = worst user's) ----------------------

export const ConsistencyScores = ['Perfect', 'Good', 'Investigate', 'Poor'] as const;
export type ConsistencyScore = (typeof ConsistencyScores)[number];

/**
 * Perfect: every source item is in the target. Good: a few skipped items (≤ 10 and ≤ 1 %).
 * Investigate: more skipped items (≤ 10 %); remote moves need an admin's approval. Poor: more than
 * that, or items missing that no skip explains. (docs/decisions.md: thresholds are xtm's.)
 */
export function consistencyScore(sourceCount: number, targetCount: number, skipped: number): ConsistencyScore {
  const unexplained = sourceCount - skipped - targetCount;
  if (unexplained > 0) return 'Poor';
  if (skipped === 0) return 'Perfect';
  const share = sourceCount === 0 ? 1 : skipped / sourceCount;
  if (skipped <= 10 && share <= 0.01) return 'Good';
  if (share <= 0.1) return 'Investigate';
  return 'Poor';
}

export function worstScore(scores: readonly (ConsistencyScore | null)[]): ConsistencyScore | null {
  let worst = -1;
  for (const s of scores) if (s) worst = Math.max(worst, ConsistencyScores.indexOf(s));
  return worst < 0 ? null : ConsistencyScores[worst]!;
}

/** A user completed when every selected workload completed; a cancelled user counts for neither side. */
export function userOutcome(phases: readonly MovePhase[]): 'completed' | 'failed' | 'cancelled' | 'running' {
  if (phases.length > 0 && phases.every((p) => p === 'cancelled')) return 'cancelled';
  if (phases.some((p) => !TERMINAL_PHASES.includes(p))) return 'running';
  return phases.every((p) => p === 'completed' || p === 'cancelled') ? 'completed' : 'failed';
}

/** Workloads that start only once the mailbox is cut over (migration-domain.md §0, rule 42). */
export const AFTER_CUTOVER: readonly Workload[] = ['ODSP', 'Teams', 'Meeting'];

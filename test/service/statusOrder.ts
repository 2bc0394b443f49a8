// "Never backwards", from the domain's own tables: a later reading of a job's status, or of a user's
// workload status, must be one the engine can reach from the earlier one without an admin request
// (domain/jobStateMachine.ts TRANSITIONS without the guarded ones; domain/movePhases.ts
// MOVE_TRANSITIONS, the statuses each phase reads as, and the phases a move is created in).
import { TRANSITIONS } from '../../src/domain/jobStateMachine.js';
import { MOVE_TRANSITIONS, moveStatus, MovePhases, type MovePhase } from '../../src/domain/movePhases.js';
import type { JobStatus, Workload } from '../../src/domain/enums.js';

function closure<T>(edges: [T, T][]): Map<T, Set<T>> {
  const next = new Map<T, Set<T>>();
  for (const [a, b] of edges) next.set(a, (next.get(a) ?? new Set()).add(b));
  const reach = new Map<T, Set<T>>();
  for (const start of new Set(edges.flat())) {
    const seen = new Set<T>([start]);
    for (const todo = [start]; todo.length;) for (const b of next.get(todo.pop()!) ?? []) if (!seen.has(b)) todo.push((seen.add(b), b));
    reach.set(start, seen);
  }
  return reach;
}

// Events whose next status depends on what they carry, in every variant (all passed, some failed, none passed…).
const VARIANTS = [
  { failedUsers: 0, totalUsers: 1, completedUsers: 1, cuttingOver: true, users: 1 },
  { failedUsers: 1, totalUsers: 1, completedUsers: 0, cuttingOver: false, users: 1 },
  { failedUsers: 1, totalUsers: 2, completedUsers: 1, cuttingOver: false, users: 1 },
];
// The engine's own progress: admin requests (validate, migrate, cancel, delete, approving skipped items)
// are not made while polling.
const jobReach = closure<JobStatus>(Object.entries(TRANSITIONS).flatMap(([event, r]) => (r.from === 'guarded' || event === 'adminActionResolved' ? []
  : r.from.flatMap((f) => VARIANTS.map((e) => [f, r.to({ status: f } as never, e, '').status] as [JobStatus, JobStatus])))));

/** True when the engine can take a job from `before` to `after` (or it is the same). */
export const jobStatusForward = (before: JobStatus, after: JobStatus) => before === after || !!jobReach.get(before)?.has(after);

// A move is created in one of these phases (engine/tasks/migration.start.ts); until then its user reads notStarted.
const CREATED_IN: MovePhase[] = ['queued', 'waiting', 'failed'];
const ADMIN_EVENTS = ['cancelRequested', 'rolledBack', 'skippedApproved'];
const phaseReach = closure<MovePhase>([
  ...MOVE_TRANSITIONS.filter((t) => !ADMIN_EVENTS.includes(t.event)).map((t) => [t.from, t.to] as [MovePhase, MovePhase]),
  ...CREATED_IN.map((p) => ['notStarted', p] as [MovePhase, MovePhase]),
]);

// The phases one kind of move passes through (movePhases.ts: syncing to finalizing are the mailbox's, waiting and moving the others').
const EXCHANGE_ONLY: MovePhase[] = ['syncing', 'synced', 'awaitingApproval', 'finalizing'];
const OTHERS_ONLY: MovePhase[] = ['waiting', 'moving'];

/** True when some phase of this workload reading `before` can reach one reading `after`. */
export function workloadStatusForward(workload: Workload, before: string, after: string): boolean {
  if (before === after) return true;
  const never = workload === 'Exchange' ? OTHERS_ONLY : EXCHANGE_ONLY;
  const reading = (s: string) => MovePhases.filter((p) => !never.includes(p) && moveStatus(workload, p) === s);
  return reading(before).some((p) => reading(after).some((q) => phaseReach.get(p)?.has(q)));
}

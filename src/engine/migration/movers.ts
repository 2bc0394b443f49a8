// The workload movers the orchestrator drives. A workload without a mover here fails honestly with
// WORKLOAD_UNAVAILABLE instead of pretending to move anything.
import type { MovedWorkload, WorkloadMover } from './workload.js';
import { exchangeMover } from './exchange.js';
import { oneDriveMover } from '../odsp/oneDriveMover.js';
import { meetingsMover } from './meetings.js';
import { teamsMover } from './teams.js';

export type MoverRegistry = Partial<Record<MovedWorkload, WorkloadMover>>;

export function defaultMovers(): MoverRegistry {
  return { Exchange: exchangeMover, ODSP: oneDriveMover, Teams: teamsMover, Meeting: meetingsMover };
}

// Timers come due as clock time passes, not only when someone enqueues or advances the clock: under a
// real or accelerated clock nothing else would wake a runner for them. The alarm wakes the runner when
// the next timer is due (in real time, through the clock's speed), or after the poll interval at the
// latest (another process may add an earlier timer; the clock may be changed elsewhere).
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import { workRepo } from '../../store/workRepo.js';

export class TimerAlarm {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly pollMs: number, private readonly wake: () => void) {}

  /** Sets the alarm for the next timer (`nextAtMs` when the caller just read it). */
  async arm(nextAtMs?: number | null): Promise<void> {
    const next = nextAtMs === undefined ? await workRepo.nextTimerAt(this.store.db) : nextAtMs ?? undefined;
    this.stop();
    const delay = next === undefined ? Infinity : this.clock.realDelayUntil(next);
    this.timer = setTimeout(this.wake, Math.max(1, Math.min(delay, this.pollMs))).unref(); // the heartbeat keeps a live runner's process up
  }

  /** Wakes at the latest after the poll interval (a failed look must not stop the runner for good). */
  retryLater(): void {
    this.stop();
    this.timer = setTimeout(this.wake, this.pollMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

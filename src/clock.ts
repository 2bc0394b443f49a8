// The one clock every schedule reads. Real time by default; accelerated (N× real time) or advanced
// by an admin call for tests and rehearsals. Virtual time stays within [its start, 9999-12-31] and
// never goes backwards, except through an explicit rehearsal reset (resetTo).
import { EventEmitter } from 'node:events';

export type ClockMode = 'real' | 'accelerated' | 'manual';

export interface ClockState {
  mode: ClockMode;
  factor: number;
  now: string;
  offsetMs: number;
}

/** What is persisted (xtm_settings 'clock'): virtual = anchorVirtualMs + (Date.now() - anchorRealMs) * factor. */
export interface ClockAnchors { factor: number; anchorRealMs: number; anchorVirtualMs: number }

/** The last instant the clock may show: Edm.DateTimeOffset has four-digit years. */
export const CLOCK_MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** The earliest instant a rehearsal reset may choose. */
export const CLOCK_MIN_MS = Date.UTC(1970, 0, 1);
export const CLOCK_MAX_FACTOR = 1e6;

export class Clock extends EventEmitter {
  // virtual = anchorVirtual + (real - anchorReal) * factor (factor 0 = frozen / manual)
  private anchorReal: number;
  private anchorVirtual: number;
  private factor: number;

  constructor(
    opts: { mode?: ClockMode; factor?: number; startAt?: number } = {},
    private readonly realNow: () => number = Date.now,
  ) {
    super();
    const mode = opts.mode ?? 'real';
    this.factor = mode === 'manual' ? 0 : mode === 'accelerated' ? (opts.factor ?? 60) : 1;
    this.anchorReal = this.realNow();
    this.anchorVirtual = Math.min(opts.startAt ?? this.anchorReal, CLOCK_MAX_MS);
  }

  static parse(spec: string | undefined, startAt?: number): Clock {
    if (!spec || spec === 'real') return new Clock({ startAt });
    if (spec === 'manual' || spec === 'frozen') return new Clock({ mode: 'manual', startAt });
    const m = /^accelerated(?:=(\d+(?:\.\d+)?))?$/.exec(spec);
    if (m) {
      const factor = Number(m[1] ?? 60);
      if (!(factor >= 1 && factor <= CLOCK_MAX_FACTOR)) throw new Error(`--clock accelerated=N needs 1 <= N <= 1000000, got ${m[1]}`);
      return new Clock({ mode: 'accelerated', factor, startAt });
    }
    throw new Error(`unknown clock '${spec}': use real, manual, or accelerated=N`);
  }

  /** Where persisted anchors put virtual time now (a process that was down kept counting, at the old speed). */
  static continuation(a: ClockAnchors, realNow: number = Date.now()): number {
    return Math.min(CLOCK_MAX_MS, a.anchorVirtualMs + Math.max(0, realNow - a.anchorRealMs) * a.factor);
  }

  get mode(): ClockMode {
    return this.factor === 0 ? 'manual' : this.factor === 1 ? 'real' : 'accelerated';
  }

  /** Virtual now; an accelerated clock stops at 9999-12-31T23:59:59.999Z rather than leave the range. */
  nowMs(): number {
    return Math.min(CLOCK_MAX_MS, this.anchorVirtual + (this.realNow() - this.anchorReal) * this.factor);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  iso(): string {
    return this.now().toISOString();
  }

  /** Moves virtual time forward by ms; emits 'advance' so schedulers wake at once. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a finite, non-negative number of milliseconds');
    const now = this.nowMs();
    if (ms > CLOCK_MAX_MS - now) throw new RangeError(`the clock can't go past ${new Date(CLOCK_MAX_MS).toISOString()}: it reads ${new Date(now).toISOString()}, so at most ${CLOCK_MAX_MS - now} ms remain`);
    this.rebase();
    this.anchorVirtual = Math.min(CLOCK_MAX_MS, this.anchorVirtual + ms);
    this.emit('advance', ms);
  }

  /** Jumps to an absolute time, never backwards. */
  setTo(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('the target time is not a valid instant');
    const delta = ms - this.nowMs();
    if (delta < 0) throw new RangeError('the clock cannot go backwards');
    this.advance(delta);
  }

  /**
   * Rehearsals only: puts virtual time at `ms` (earlier or later) and runs at `factor` from there. The
   * caller makes sure no work is in flight (admin API: 409 otherwise).
   */
  resetTo(ms: number, factor: number = this.factor): void {
    if (!Number.isFinite(ms) || ms < CLOCK_MIN_MS || ms > CLOCK_MAX_MS) throw new RangeError(`the clock can only be set between ${new Date(CLOCK_MIN_MS).toISOString()} and ${new Date(CLOCK_MAX_MS).toISOString()}`);
    this.checkFactor(factor);
    this.anchorReal = this.realNow();
    this.anchorVirtual = ms;
    this.factor = factor;
    this.emit('advance', 0);
  }

  setFactor(factor: number): void {
    this.checkFactor(factor);
    this.rebase();
    this.factor = factor;
    this.emit('advance', 0);
  }

  /** How long in real milliseconds until virtual time reaches `virtualMs` (Infinity when frozen or past the end). */
  realDelayUntil(virtualMs: number): number {
    const d = virtualMs - this.nowMs();
    if (d <= 0) return 0;
    if (virtualMs > CLOCK_MAX_MS) return Number.POSITIVE_INFINITY;
    return this.factor === 0 ? Number.POSITIVE_INFINITY : d / this.factor;
  }

  state(): ClockState {
    return { mode: this.mode, factor: this.factor, now: this.iso(), offsetMs: Math.round(this.nowMs() - this.realNow()) };
  }

  /** The persisted form (see ClockAnchors): enough for another process to read the same time. */
  anchors(): ClockAnchors {
    this.rebase();
    return { factor: this.factor, anchorRealMs: this.anchorReal, anchorVirtualMs: this.anchorVirtual };
  }

  /**
   * Takes anchors the clock's owner persisted or sent (a runner in another thread or process follows
   * the API's clock, rehearsal resets included); emits 'advance' so schedulers look again.
   */
  follow(a: ClockAnchors): void {
    const before = this.nowMs();
    const projected = Clock.continuation(a, this.realNow());
    if (a.factor === this.factor && Math.abs(projected - before) < 1) return;
    this.anchorReal = a.anchorRealMs;
    this.anchorVirtual = Math.min(CLOCK_MAX_MS, a.anchorVirtualMs);
    this.factor = a.factor;
    this.emit('advance', Math.max(0, this.nowMs() - before));
  }

  private checkFactor(factor: number): void {
    if (!Number.isFinite(factor) || factor < 0 || factor > CLOCK_MAX_FACTOR) throw new RangeError('factor must be between 0 and 1000000');
  }

  private rebase(): void {
    const real = this.realNow();
    this.anchorVirtual = Math.min(CLOCK_MAX_MS, this.anchorVirtual + (real - this.anchorReal) * this.factor);
    this.anchorReal = real;
  }
}

// The one clock every schedule reads. Real time by default; accelerated (N× real time) or advanced
// by an admin call for tests and rehearsals. Virtual time never goes backwards.
import { EventEmitter } from 'node:events';

export type ClockMode = 'real' | 'accelerated' | 'manual';

export interface ClockState {
  mode: ClockMode;
  factor: number;
  now: string;
  offsetMs: number;
}

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
    this.anchorVirtual = opts.startAt ?? this.anchorReal;
  }

  static parse(spec: string | undefined): Clock {
    if (!spec || spec === 'real') return new Clock();
    if (spec === 'manual' || spec === 'frozen') return new Clock({ mode: 'manual' });
    const m = /^accelerated(?:=(\d+(?:\.\d+)?))?$/.exec(spec);
    if (m) {
      const factor = Number(m[1] ?? 60);
      if (!(factor >= 1 && factor <= 1e6)) throw new Error(`--clock accelerated=N needs 1 <= N <= 1000000, got ${m[1]}`);
      return new Clock({ mode: 'accelerated', factor });
    }
    throw new Error(`unknown clock '${spec}': use real, manual, or accelerated=N`);
  }

  get mode(): ClockMode {
    return this.factor === 0 ? 'manual' : this.factor === 1 ? 'real' : 'accelerated';
  }

  nowMs(): number {
    return this.anchorVirtual + (this.realNow() - this.anchorReal) * this.factor;
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
    this.rebase();
    this.anchorVirtual += ms;
    this.emit('advance', ms);
  }

  /** Jumps to an absolute time, never backwards. */
  setTo(ms: number): void {
    const delta = ms - this.nowMs();
    if (delta < 0) throw new RangeError('the clock cannot go backwards');
    this.advance(delta);
  }

  setFactor(factor: number): void {
    if (!Number.isFinite(factor) || factor < 0 || factor > 1e6) throw new RangeError('factor must be between 0 and 1000000');
    this.rebase();
    this.factor = factor;
    this.emit('advance', 0);
  }

  /** How long in real milliseconds until virtual time reaches `virtualMs` (Infinity when frozen). */
  realDelayUntil(virtualMs: number): number {
    const d = virtualMs - this.nowMs();
    if (d <= 0) return 0;
    return this.factor === 0 ? Number.POSITIVE_INFINITY : d / this.factor;
  }

  state(): ClockState {
    return { mode: this.mode, factor: this.factor, now: this.iso(), offsetMs: Math.round(this.nowMs() - this.realNow()) };
  }

  private rebase(): void {
    const real = this.realNow();
    this.anchorVirtual = this.anchorVirtual + (real - this.anchorReal) * this.factor;
    this.anchorReal = real;
  }
}

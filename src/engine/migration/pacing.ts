// Pacing in clock time: a throughput model per workload. Under --clock real a chunk's copy "takes"
// the time the model gives it, so a large mailbox syncs over hours like MRS; under manual and
// accelerated clocks the next chunk runs at once, so the same job completes as fast as the store copies.
import type { Clock } from '../../clock.js';
import type { MovedWorkload } from './workload.js';

export interface Throughput {
  /** Items per clock hour for one mailbox / OneDrive / user. */
  itemsPerHour: number;
  /** Bytes per clock hour for one mailbox / OneDrive / user. */
  bytesPerHour: number;
  /** Moves of this workload running at once per target tenant; the rest wait (queued). */
  perTenantConcurrency: number;
  /** Items per chunk (one transaction). */
  chunkItems: number;
}

const GB = 1024 ** 3;

/**
 * Defaults consistent with migration-domain.md §6: a mailbox under 1 GB moves in about a day at p50
 * (≈ 1 GB/day ≈ 45 MB/h per mailbox); OneDrive moves are whole-site backup/restore jobs, faster per item;
 * Teams imports messages through an API with per-user throttling. No published concurrency figure
 * exists; 100 moves per tenant keeps a 2,000-user batch bounded.
 */
export const DEFAULT_THROUGHPUT: Record<MovedWorkload, Throughput> = {
  Exchange: { itemsPerHour: 5_000, bytesPerHour: GB / 24, perTenantConcurrency: 100, chunkItems: 500 },
  ODSP: { itemsPerHour: 20_000, bytesPerHour: 4 * GB, perTenantConcurrency: 100, chunkItems: 500 },
  Teams: { itemsPerHour: 3_000, bytesPerHour: GB, perTenantConcurrency: 100, chunkItems: 500 },
  Meeting: { itemsPerHour: 600, bytesPerHour: GB, perTenantConcurrency: 100, chunkItems: 200 },
};

export function throughputFor(workload: MovedWorkload, overrides?: Partial<Record<MovedWorkload, Partial<Throughput>>>): Throughput {
  return { ...DEFAULT_THROUGHPUT[workload], ...(overrides?.[workload] ?? {}) };
}

/**
 * When the next chunk may start: after the clock time the model gives this chunk. Under manual and
 * accelerated clocks at once, unless a rehearsed slow-throughput fault (factor < 1) slows the move.
 */
export function nextChunkAt(clock: Clock, t: Throughput, items: number, bytes: number, factor = 1): Date {
  if (clock.mode !== 'real' && factor >= 1) return clock.now();
  const hours = Math.max(items / t.itemsPerHour, bytes / t.bytesPerHour) / Math.max(factor, 0.001);
  return new Date(clock.nowMs() + Math.round(hours * 3_600_000));
}

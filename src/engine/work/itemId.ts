// Work item ids are time-ordered (UUIDv7 layout: 48-bit Unix ms, version 7, random rest). A batch that is
// claimed and deleted together then sits on neighbouring index pages; random v4 ids dirtied a page per
// item, and every runner commit paid for it in WAL writes and checkpoints. randomUUID supplies the random
// bits from Node's cached entropy (a per-id randomFillSync cost more than the rest of the enqueue).
import { randomUUID } from 'node:crypto';

export function itemId(nowMs: number = Date.now()): string {
  const t = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0').slice(-12);
  const r = randomUUID();
  return `${t.slice(0, 8)}-${t.slice(8)}-7${r.slice(15)}`;
}

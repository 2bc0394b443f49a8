// The sweep that frees stored content nothing refers to any more: blobs (bytes in the blob store) and
// content documents whose last item or version was deleted, and the staged parts of expired upload
// sessions. Never inline with a delete: a reference can come back (a move copies content_hash, an
// upload of the same bytes registers the digest again), so only what stayed unreferenced for the grace
// period (and was not registered again during it) is freed. The database row goes first, then the bytes.
import type { Store } from './db.js';
import type { BlobStore } from './blobStore.js';
import { blobRepo } from './blobRepo.js';
import { uploadSessionsRepo } from './driveRepo.js';

export interface SweepReport { blobsFreed: number; bytesFreed: number; docsFreed: number; sessionsExpired: number }

export async function sweepContent(store: Store, blobs: BlobStore, nowIso: string, graceMs: number): Promise<SweepReport> {
  const cutoff = new Date(Date.parse(nowIso) - graceMs).toISOString();
  const report: SweepReport = { blobsFreed: 0, bytesFreed: 0, docsFreed: 0, sessionsExpired: 0 };
  for (;;) {
    const shas = await blobRepo.unreferencedBlobs(store.db, cutoff, 500);
    if (!shas.length) break;
    for (const sha of shas) {
      const size = await blobs.backend.objectSize(`blobs/${sha}`);
      if (!(await blobRepo.forgetBlob(store.db, sha, cutoff))) continue;
      await blobs.delete(sha);
      report.blobsFreed++;
      report.bytesFreed += size ?? 0;
    }
    if (shas.length < 500) break;
  }
  for (;;) {
    const docs = await blobRepo.unreferencedDocs(store.db, cutoff, 500);
    report.docsFreed += await blobRepo.forgetDocs(store.db, docs, cutoff);
    if (docs.length < 500) break;
  }
  for (const id of await uploadSessionsRepo.expired(store.db, nowIso, 1000)) {
    await blobs.discard(id);
    await uploadSessionsRepo.remove(store.db, id);
    report.sessionsExpired++;
  }
  return report;
}

// Moves changing in concurrent transactions (several workers on PostgreSQL; SQLite's writers are serial and
// run it too). The job ends when its last moves finish at once: a finishing workload holds an open move
// instead of the job's lock while work is left (holdOpenMove), so whichever transaction commits last must
// still see every other one. Exchange slots: a finished sync hands its slot to a queued mailbox without
// waiting for other grants, and slots counted free are granted one transaction at a time: never more
// syncing mailboxes than the tenant's limit, and none left free while mailboxes wait.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { fillSlots, finishIfDone, type MigrationDeps } from '../../src/engine/migration/orchestrator.js';
import type { WorkQueue } from '../../src/engine/queue.js';
import type { Store } from '../../src/store/db.js';
import { initialStatus, type MigrationJob } from '../../src/domain/job.js';
import { jobsRepo } from '../../src/store/jobsRepo.js';
import { migrationRepo } from '../../src/store/migrationRepo.js';
import { inTransaction } from '../../src/store/unitOfWork.js';
import { openTestStore } from '../pg.js';

const SRC = '11111111-1111-4111-8111-111111111111';
type Phase = Parameters<typeof migrationRepo.startMoves>[1][number]['phase'];
const TGT = '22222222-2222-4222-8222-222222222222';
const NOW = '2026-06-02T00:00:00.000Z';
const USERS = 12;

const newJob = (name: string, workloads: MigrationJob['workloads'], status: MigrationJob['status']): MigrationJob => ({
  id: randomUUID(), tenantId: TGT, displayName: name, jobType: 'migrate', status, message: '', completeAfterDateTime: NOW,
  sourceTenantId: SRC, exchangeSettings: null, workloads, resourceType: 'Users', resources: [], createdBy: TGT,
  completeAfterAsSent: NOW, workloadsAsSent: workloads,
  createdDateTime: NOW, lastUpdatedDateTime: NOW, validatedAt: NOW, opSeq: 1,
});

/** The job with `users` tasks and a move per workload in the phase `phase(i)` gives user i. */
async function seed(store: Store, job: MigrationJob, users: number, phase: (i: number) => Phase) {
  const ids = Array.from({ length: users }, () => randomUUID());
  await jobsRepo.insert(store.db, job, ids.map((id) => ({ jobId: job.id, id, taskType: 'Users', currentStatus: initialStatus(job.workloads), cancelled: false, lastUpdatedDateTime: NOW })));
  const moves = ids.flatMap((userId, i) => job.workloads.map((workload) => ({ jobId: job.id, userId, workload, phase: phase(i) })));
  await migrationRepo.startMoves(store.db, moves.map((m) => ({ ...m, tenantId: TGT, sourceTenantId: SRC, sourceUserId: m.userId, nowIso: NOW })));
  return moves.map(({ phase: _, ...m }) => m);
}

test('the last of many concurrently finishing moves ends the job, once', async () => {
  const store = await openTestStore();
  try {
    for (let round = 0; round < 4; round++) {
      const job = newJob(`finish ${round}`, ['Teams', 'Meeting'], 'cuttingOver');
      const moves = await seed(store, job, USERS, () => 'moving');
      // Every move finishes in its own transaction, all at once; a pause between the move's change and the
      // check spreads the commits so that checks see others' moves changed and not yet committed.
      await Promise.all(moves.map((m, i) => inTransaction(store, async (tx) => {
        assert.ok(await migrationRepo.applyMoveEvent(tx, m, 'moved', { updatedAt: NOW }));
        await new Promise((r) => setTimeout(r, (i * 7) % 23));
        await finishIfDone(tx, job.id, NOW);
      })));
      const after = await jobsRepo.byIdAnyTenant(store.db, job.id);
      assert.equal(after?.status, 'completed', `round ${round}: every move completed, so the job did`);
    }
  } finally {
    await store.close();
  }
});

test('Exchange slots: handed over and topped up by concurrent transactions, never above the limit', async () => {
  const store = await openTestStore();
  const LIMIT = 3;
  const deps = { config: { migrationThroughput: { Exchange: { perTenantConcurrency: LIMIT } } } } as unknown as MigrationDeps;
  const queue = { enqueue: async () => undefined, enqueueMany: async () => undefined } as unknown as WorkQueue;
  const phases = async (jobId: string) => {
    const n: Record<string, number> = {};
    for (const m of await migrationRepo.ofJob(store.db, jobId)) n[m.phase] = (n[m.phase] ?? 0) + 1;
    return n;
  };
  try {
    // At the limit: three finished syncs at once each hand their slot to a different queued mailbox.
    const job = newJob('slots', ['Exchange'], 'inProgress');
    const moves = await seed(store, job, 12, (i) => (i < LIMIT ? 'syncing' : 'queued'));
    await Promise.all(moves.slice(0, LIMIT).map((m, i) => inTransaction(store, async (tx) => {
      assert.ok(await migrationRepo.applyMoveEvent(tx, m, 'initialSyncDone', { updatedAt: NOW }));
      await fillSlots(tx, queue, deps, TGT, NOW, 1);
      await new Promise((r) => setTimeout(r, 5 * i));
    })));
    assert.deepEqual(await phases(job.id), { synced: 3, syncing: 3, queued: 6 }, 'each finished sync passed its slot on');
    // Slots counted free (a move failed, another job starts): concurrent top-ups grant exactly what is free.
    const syncing = (await migrationRepo.ofJob(store.db, job.id)).filter((m) => m.phase === 'syncing');
    for (const m of syncing.slice(0, 2)) await migrationRepo.applyMoveEvent(store.db, m, 'failed', { updatedAt: NOW });
    await Promise.all(Array.from({ length: 4 }, () => inTransaction(store, async (tx) => {
      await fillSlots(tx, queue, deps, TGT, NOW);
      await new Promise((r) => setTimeout(r, 20)); // the others count while this one's grants are not committed
    })));
    assert.deepEqual(await phases(job.id), { synced: 3, failed: 2, syncing: 3, queued: 4 }, 'the two free slots were granted, once each');
  } finally {
    await store.close();
  }
});

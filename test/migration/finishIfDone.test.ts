// The job ends when its last moves finish at the same time in concurrent transactions. On PostgreSQL a
// finishing workload holds an open move instead of the job's lock while work is left (holdOpenMove):
// whichever transaction commits last must still see every other one and end the job, exactly once.
// Runs on SQLite too (serial writers), where finishIfDone takes the job's lock as before.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { finishIfDone } from '../../src/engine/migration/orchestrator.js';
import { initialStatus, type MigrationJob } from '../../src/domain/job.js';
import { jobsRepo } from '../../src/store/jobsRepo.js';
import { migrationRepo } from '../../src/store/migrationRepo.js';
import { inTransaction } from '../../src/store/unitOfWork.js';
import { openTestStore } from '../pg.js';

const SRC = '11111111-1111-4111-8111-111111111111';
const TGT = '22222222-2222-4222-8222-222222222222';
const NOW = '2026-06-02T00:00:00.000Z';
const USERS = 12;

test('the last of many concurrently finishing moves ends the job, once', async () => {
  const store = await openTestStore();
  try {
    for (let round = 0; round < 4; round++) {
      const job: MigrationJob = {
        id: randomUUID(), tenantId: TGT, displayName: `finish ${round}`, jobType: 'migrate', status: 'cuttingOver', message: '', completeAfterDateTime: NOW,
        sourceTenantId: SRC, exchangeSettings: null, workloads: ['Teams', 'Meeting'], resourceType: 'Users', resources: [], createdBy: TGT,
        createdDateTime: NOW, lastUpdatedDateTime: NOW, validatedAt: NOW, opSeq: 1,
      };
      const users = Array.from({ length: USERS }, () => randomUUID());
      await jobsRepo.insert(store.db, job, users.map((id) => ({ jobId: job.id, id, taskType: 'Users', currentStatus: initialStatus(job.workloads), cancelled: false, lastUpdatedDateTime: NOW })));
      const moves = users.flatMap((userId) => job.workloads.map((workload) => ({ jobId: job.id, userId, workload })));
      await migrationRepo.startMoves(store.db, moves.map((m) => ({ ...m, tenantId: TGT, sourceTenantId: SRC, sourceUserId: m.userId, phase: 'moving' as const, nowIso: NOW })));
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

// The move phases and the SharePoint task stages are tables (domain/movePhases.ts, domain/spoTaskStages.ts);
// their repositories commit events as compare-and-set. Every (state, event) pair of each table is tried
// on a stored row: an allowed one lands on the table's target, any other is refused and changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openTestStore } from '../pg.js';
import { migrationRepo } from '../../src/store/migrationRepo.js';
import { spoMigrationRepo } from '../../src/store/spoMigrationRepo.js';
import { MOVE_TRANSITIONS, MovePhases, nextPhase, type MoveEvent } from '../../src/domain/movePhases.js';
import { SPO_STAGE_TRANSITIONS, SpoTaskStages, nextStage, stageColumns, stageOf, type SpoStageEvent } from '../../src/domain/spoTaskStages.js';

const MOVE_EVENTS = [...new Set(MOVE_TRANSITIONS.map((t) => t.event))] as MoveEvent[];
const STAGE_EVENTS = [...new Set(SPO_STAGE_TRANSITIONS.map((t) => t.event))] as SpoStageEvent[];
const NOW = '2026-06-01T00:00:00.000Z';

test('move phases: the table is deterministic and every event leads to one phase', () => {
  for (const p of MovePhases) for (const e of MOVE_EVENTS) assert.ok(MOVE_TRANSITIONS.filter((t) => t.from === p && t.event === e).length <= 1, `${p} × ${e}`);
  for (const e of MOVE_EVENTS) assert.equal(new Set(MOVE_TRANSITIONS.filter((t) => t.event === e).map((t) => t.to)).size, 1, e);
  assert.equal(nextPhase('completed', 'failed'), undefined, 'a terminal phase stays');
  assert.equal(nextPhase('queued', 'slotGranted'), 'syncing');
});

test('move phases: every (phase, event) on a stored move — allowed ones commit the target, others change nothing', async () => {
  const store = await openTestStore();
  try {
    const key = { jobId: 'job-1', userId: 'u-1', workload: 'Exchange' as const };
    for (const from of MovePhases) {
      for (const event of MOVE_EVENTS) {
        await migrationRepo.startMoves(store.db, [{ ...key, tenantId: 't', sourceTenantId: 's', sourceUserId: 'su', phase: from, nowIso: NOW }]);
        await migrationRepo.patch(store.db, key, { itemsDone: 7, errorCode: null });
        const before = (await migrationRepo.get(store.db, key.jobId, key.userId, key.workload))!;
        assert.equal(before.phase, from);
        const ok = await migrationRepo.applyMoveEvent(store.db, key, event, { errorCode: 'X' });
        const after = (await migrationRepo.get(store.db, key.jobId, key.userId, key.workload))!;
        const to = nextPhase(from, event);
        assert.equal(ok, to !== undefined, `${from} × ${event}`);
        if (to) assert.deepEqual({ phase: after.phase, errorCode: after.errorCode }, { phase: to, errorCode: 'X' }, `${from} × ${event}`);
        else assert.deepEqual(after, before, `${from} × ${event} refused: nothing changes`);
      }
    }
    // The job-wide form applies only where the table allows it.
    await migrationRepo.startMoves(store.db, [
      { jobId: 'job-2', userId: 'a', workload: 'ODSP', tenantId: 't', sourceTenantId: 's', sourceUserId: 'sa', phase: 'waiting', nowIso: NOW },
      { jobId: 'job-2', userId: 'b', workload: 'ODSP', tenantId: 't', sourceTenantId: 's', sourceUserId: 'sb', phase: 'completed', nowIso: NOW },
    ]);
    const changed = await migrationRepo.applyMoveEventToJob(store.db, 'job-2', 'cancelRequested', { updatedAt: NOW });
    assert.deepEqual(changed.map((m) => [m.userId, m.phase]), [['a', 'cancelling']]);
    assert.equal((await migrationRepo.get(store.db, 'job-2', 'b', 'ODSP'))!.phase, 'completed');
  } finally {
    await store.close();
  }
});

test('SharePoint task stages: every (stage, event) on a stored task — allowed ones commit the target, others change nothing', async () => {
  const store = await openTestStore();
  try {
    let n = 0;
    for (const from of SpoTaskStages) {
      for (const event of STAGE_EVENTS) {
        const id = `task-${n++}`;
        const cols = stageColumns(from);
        await spoMigrationRepo.insert(store.db, {
          id, tenant_id: 't', target_tenant_id: 'u', task_type: 'site', source_key: id, parameters: '{}', status: cols.status, move_state: cols.moveState,
          stage: cols.stage ?? (from === 'completed' ? 'Cleanup' : null), error: null, preferred_start: null, preferred_latest_start: null, started_at: null, finished_at: null, created_at: NOW, updated_at: NOW,
        });
        const before = (await spoMigrationRepo.byIdAnyTenant(store.db, id))!;
        assert.equal(stageOf(before), from);
        const ok = await spoMigrationRepo.applyStageEvent(store.db, id, from, event, { updated_at: '2026-06-02T00:00:00.000Z' });
        const after = (await spoMigrationRepo.byIdAnyTenant(store.db, id))!;
        const to = nextStage(from, event);
        assert.equal(ok, to !== undefined, `${from} × ${event}`);
        if (to) {
          assert.equal(stageOf(after), to, `${from} × ${event}`);
          assert.equal(after.move_state, stageColumns(to).moveState);
          assert.equal(after.updated_at, '2026-06-02T00:00:00.000Z');
        } else assert.deepEqual(after, before, `${from} × ${event} refused: nothing changes`);
        // Compare-and-set: the same event from a stage the task has left is refused.
        if (to && to !== from) assert.equal(await spoMigrationRepo.applyStageEvent(store.db, id, from, event), false);
      }
    }
  } finally {
    await store.close();
  }
});

// The one task registry: every durable task xtm runs, one file per task identifier beside this one,
// built from its dependencies. The API thread, the worker thread and `xtm worker` all build the list
// here, so a task added here runs everywhere.
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import { groupCommit, type TaskList } from '../queue.js';
import { defaultMovers } from '../migration/movers.js';
import type { MigrationDeps } from '../migration/orchestrator.js';
import { storeFaults } from '../migration/faultHooks.js';
import { SPO_TASK } from '../odsp/spoTaskService.js';
import { jobValidate } from './job.validate.js';
import { jobCancel } from './job.cancel.js';
import { jobDelete } from './job.delete.js';
import { taskCancel } from './task.cancel.js';
import { migrationStart } from './migration.start.js';
import { exchangeSync } from './exchange.sync.js';
import { exchangeIncremental } from './exchange.incremental.js';
import { migrationCutover } from './migration.cutover.js';
import { exchangeFinalize } from './exchange.finalize.js';
import { migrationApprove } from './migration.approve.js';
import { workloadMove } from './workload.move.js';
import { spoTask } from './spo.task.js';

export interface TaskDeps {
  config: XtmConfig;
  clock: Clock;
  validate: ValidationExecutor;
}

export function buildTasks(deps: TaskDeps): TaskList {
  const migration: MigrationDeps = { config: deps.config, clock: deps.clock, validate: deps.validate, movers: defaultMovers(), faults: storeFaults };
  return {
    'job.validate': jobValidate(deps),
    'job.cancel': jobCancel({ migration }),
    'job.delete': jobDelete(),
    'task.cancel': taskCancel({ migration }),
    'migration.start': migrationStart(migration),
    // The per-user steps commit in groups on SQLite: thousands of them a batch, each a few statements.
    'exchange.sync': groupCommit(exchangeSync(migration)),
    'exchange.incremental': groupCommit(exchangeIncremental(migration)),
    'migration.cutover': migrationCutover(migration),
    'exchange.finalize': groupCommit(exchangeFinalize(migration)),
    'migration.approve': migrationApprove(migration),
    'workload.move': groupCommit(workloadMove(migration)),
    [SPO_TASK]: spoTask({ clock: deps.clock }),
  };
}

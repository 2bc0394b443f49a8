// The one task registry: every durable task xtm runs, built from its dependencies. The API thread,
// the worker thread and `xtm worker` all build the list here, so a task added here runs everywhere.
import type { Clock } from '../../clock.js';
import type { XtmConfig } from '../../config.js';
import type { ValidationExecutor } from '../jobs/validationPort.js';
import type { TaskList } from '../queue.js';
import { jobTasks } from './jobTasks.js';
import { migrationTasks } from '../migration/tasks.js';
import { defaultMovers } from '../migration/movers.js';
import type { MigrationDeps } from '../migration/orchestrator.js';
import { spoTasks } from '../odsp/spoTaskService.js';
import { storeFaults } from '../migration/faultHooks.js';

export interface TaskDeps {
  config: XtmConfig;
  clock: Clock;
  validate: ValidationExecutor;
}

export function buildTasks(deps: TaskDeps): TaskList {
  const migration: MigrationDeps = { config: deps.config, clock: deps.clock, validate: deps.validate, movers: defaultMovers(), faults: storeFaults };
  return {
    ...jobTasks({ ...deps, migration }),
    ...migrationTasks(migration),
    ...spoTasks({ clock: deps.clock }),
  };
}

// Optional modules wired into the server: the tenant model's routes and scenario loader, and the
// validation rules engine. Kept in one place so server.ts stays the same as they are added.
import type { RouteModule } from './graph/app.js';
import type { Clock } from './clock.js';
import type { Store } from './store/db.js';
import type { ValidationExecutor } from './engine/jobs/validationPort.js';

export const extraRouteModules: { graph: RouteModule[]; root: RouteModule[] } = { graph: [], root: [] };

export async function scenarioLoader(_store: Store, _clock: Clock, path: string): Promise<Record<string, unknown>> {
  throw new Error(`scenario loading is not wired yet (${path})`);
}

export const validationExecutor: ValidationExecutor | undefined = undefined;

export async function offlineValidate(_o: { scenario: string; job: string; json: boolean }): Promise<number> {
  console.error('offline validation is not wired yet');
  return 2;
}

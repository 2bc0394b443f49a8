// The feature modules wired into the server and CLI: the tenant model's Graph read endpoints and admin
// API, the scenario loader, and the validation rules engine.
import type { RouteModule } from './graph/app.js';
import type { Clock } from './clock.js';
import type { Store } from './store/db.js';
import type { ValidationExecutor } from './engine/jobs/validationPort.js';
import { directoryRoutes } from './graph/directory/index.js';
import { adminRoutes } from './graph/admin/index.js';
import { sharePointMigrationRoutes } from './graph/sharepointMigrations/index.js';
import { throttleAdminRoutes, throttleModule } from './graph/throttle/throttle.js';
import { uploadSessionRoutes } from './graph/directory/driveWrites.js';
import { contentAdminRoutes } from './graph/directory/contentAdmin.js';
import { progressSummaryRoutes } from './graph/migrationJobs/progressSummary.js';
import { consoleRoutes } from './graph/console.js';
import { loadScenarioFile, type LoadReport } from './tenants/scenario/index.js';
import { runValidation } from './engine/validation/runValidation.js';
import { validateOffline } from './cli/validateCommand.js';

export const extraRouteModules: { graph: RouteModule[]; root: RouteModule[] } = { graph: [throttleModule, directoryRoutes, sharePointMigrationRoutes, progressSummaryRoutes], root: [adminRoutes, throttleAdminRoutes, uploadSessionRoutes, contentAdminRoutes, consoleRoutes] };

export const scenarioLoader = (store: Store, clock: Clock, path: string): Promise<LoadReport> => loadScenarioFile(store, clock, path);

export const validationExecutor: ValidationExecutor = runValidation;

export const offlineValidate = (o: { scenario: string; job: string; json: boolean }): Promise<number> => validateOffline(o);

// /solutions/sharePoint/migrations: tasks and identity mappings.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { spoTaskRoutes } from './taskRoutes.js';
import { spoMappingRoutes } from './mappingRoutes.js';

export function sharePointMigrationRoutes(app: GraphApp, deps: AppDeps): void {
  spoTaskRoutes(app, deps);
  spoMappingRoutes(app, deps);
}

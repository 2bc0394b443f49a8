// The xtm admin API (/xtm/admin/…): xtm's own control plane, named after the cmdlets each operation stands
// for (docs/admin-api.md). No Graph token: it is meant for local use; a later issue adds an admin key.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { adminTenantRoutes } from './tenants.js';
import { adminUserRoutes } from './users.js';
import { adminMailRoutes } from './mail.js';
import { adminGroupRoutes } from './groups.js';
import { adminAppRoutes } from './apps.js';
import { adminExchangeRoutes } from './exchange.js';
import { adminSharePointRoutes } from './sharepoint.js';
import { adminIdentityRoutes } from './identity.js';
import { adminFaultRoutes } from './faults.js';
import { adminSpoMigrationRoutes } from './spoMigration.js';
import { adminRehearsalRoutes } from './rehearsal.js';
import { adminTokenRoutes } from './cliToken.js';

export function adminRoutes(app: GraphApp, deps: AppDeps): void {
  adminTenantRoutes(app, deps);
  adminUserRoutes(app, deps);
  adminMailRoutes(app, deps);
  adminGroupRoutes(app, deps);
  adminAppRoutes(app, deps);
  adminExchangeRoutes(app, deps);
  adminSharePointRoutes(app, deps);
  adminIdentityRoutes(app, deps);
  adminFaultRoutes(app, deps);
  adminSpoMigrationRoutes(app, deps);
  adminRehearsalRoutes(app, deps);
  adminTokenRoutes(app, deps);
}

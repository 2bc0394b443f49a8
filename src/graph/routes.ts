// THE ROUTE LIST: every route module xtm serves is registered here and nowhere else.
//
// To add routes: write a module `(app: GraphApp, deps: AppDeps) => void` beside the area it serves, import
// it here and add ONE line to the scope it belongs to (a merge of two helpers' additions is then a
// one-line conflict at most):
//   global: hooks that must see every request before routing (the admin key guard);
//   root:   outside Graph: the identity platform, health probes, /openapi.json;
//   admin:  /xtm/admin/* (xtm's control plane; bodies are checked by the tenant model's schemas, admin/validate.ts);
//   graph:  Microsoft Graph, served under both /beta and /v1.0 (the token guard comes first).
// Every route declares its TypeBox schema — params, querystring, body where it reads one, response — in
// its `schema` option (graph/routeSchemas.ts has the shared pieces: OData query options, entities and
// collections of the $metadata model, no-content answers). test/clients/openapi.test.ts fails on a route
// without one; a Graph route with no response schema gets the one its URL resolves to in the $metadata model.
import type { RouteModule } from './app.js';
import type { SigningKey } from './auth/keys.js';
import type { TokenAuthority } from './auth/tokens.js';
import { installAuth } from './auth/guard.js';
import { identityRoutes } from './auth/identityRoutes.js';
import { adminAuthModule } from './admin/auth.js';
import { adminClockRoutes } from './admin/clock.js';
import { adminTenantRoutes } from './admin/tenants.js';
import { adminUserRoutes } from './admin/users.js';
import { adminMailRoutes } from './admin/mail.js';
import { adminGroupRoutes } from './admin/groups.js';
import { adminAppRoutes } from './admin/apps.js';
import { adminExchangeRoutes } from './admin/exchange.js';
import { adminSharePointRoutes } from './admin/sharepoint.js';
import { adminIdentityRoutes } from './admin/identity.js';
import { adminFaultRoutes } from './admin/faults.js';
import { adminSpoMigrationRoutes } from './admin/spoMigration.js';
import { adminRehearsalRoutes } from './admin/rehearsal.js';
import { adminTokenRoutes } from './admin/cliToken.js';
import { healthRoutes, requestLogModule, type Readiness } from './health.js';
import { metricsRoutes, type Metrics } from './metrics.js';
import { loopbackHostModule } from './hostCheck.js';
import { throttleAdminRoutes, throttleModule } from './throttle/throttle.js';
import { uploadSessionRoutes } from './directory/driveWrites.js';
import { contentAdminRoutes } from './directory/contentAdmin.js';
import { progressSummaryRoutes } from './migrationJobs/progressSummary.js';
import { consoleRoutes } from './console.js';
import type { AppDeps } from './deps.js';
import { openApiRoutes } from './openapi.js';
import { migrationJobRoutes } from './migrationJobs/routes.js';
import { spoTaskRoutes } from './sharepointMigrations/taskRoutes.js';
import { spoMappingRoutes } from './sharepointMigrations/mappingRoutes.js';
import { directoryRoutes } from './directory/index.js';
import { batchRoutes } from './batch/routes.js';
import { metadataRoutes } from './metadata/routes.js';

export interface RouteList {
  global: RouteModule[];
  root: RouteModule[];
  admin: RouteModule[];
  graph: RouteModule[];
}

/** What the modules that are not plain (app, deps) functions need from the composition root. */
export interface RouteContext {
  authority: TokenAuthority;
  signingKey: SigningKey;
  /** The admin API's key; undefined when admin auth is off (loopback only). */
  adminKey?: string;
  deps: AppDeps;
  readiness: Readiness;
  metrics: Metrics;
}

export function routeList(ctx: RouteContext): RouteList {
  return {
    global: [
      requestLogModule(ctx.metrics),
      // Without the admin key only loopback Host names are served (a DNS-rebinding page gets a 403).
      ctx.adminKey ? adminAuthModule(ctx.adminKey) : loopbackHostModule,
    ],
    root: [
      identityRoutes(ctx.authority, ctx.signingKey),
      adminClockRoutes, // /xtm/admin/clock, but its bodies answer Graph-style (Invalid value for property 'by')
      healthRoutes(ctx.deps, ctx.readiness),
      metricsRoutes(ctx.metrics),
      openApiRoutes,
      throttleAdminRoutes,
      uploadSessionRoutes,
      contentAdminRoutes,
      consoleRoutes,
    ],
    admin: [
      adminTenantRoutes,
      adminUserRoutes,
      adminMailRoutes,
      adminGroupRoutes,
      adminAppRoutes,
      adminExchangeRoutes,
      adminSharePointRoutes,
      adminIdentityRoutes,
      adminFaultRoutes,
      adminSpoMigrationRoutes,
      adminRehearsalRoutes,
      adminTokenRoutes,
    ],
    graph: [
      (app) => installAuth(app, ctx.authority),
      migrationJobRoutes,
      batchRoutes,
      metadataRoutes,
      throttleModule, // after these three, as before: hooks added here reach the routes registered after them
      spoTaskRoutes,
      spoMappingRoutes,
      directoryRoutes,
      progressSummaryRoutes,
    ],
  };
}

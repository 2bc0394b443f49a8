// Authentication and authorization for Graph routes: a verified bearer token, then one of the
// route's permissions (app `roles` or delegated `scp`), then, for delegated callers, a directory role.
import type { FastifyRequest } from 'fastify';
import { DirectoryRoles, type DirectoryRoleName } from '../../domain/tenantVocabulary.js';
import { Errors } from '../errors.js';
import type { GraphApp } from '../app.js';
import type { TokenAuthority } from './tokens.js';
import { requestOrigin } from '../odataResponse.js';
import type { Principal } from './principal.js';

export const Permissions = {
  jobsRead: ['CrossTenantContentMigration.Read.All', 'CrossTenantContentMigration.ReadWrite.All'],
  jobsWrite: ['CrossTenantContentMigration.ReadWrite.All'],
  spRead: ['SharePointCrossTenantMigration.Read.All', 'SharePointCrossTenantMigration.Manage.All'],
  spManage: ['SharePointCrossTenantMigration.Manage.All'],
  directoryRead: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All', 'CrossTenantContentMigration.Read.All', 'CrossTenantContentMigration.ReadWrite.All'],
} as const;

export const MigrationAdminRoles: readonly DirectoryRoleName[] = ['Global Administrator', 'Microsoft 365 Migration Administrator'];

export function installAuth(app: GraphApp, authority: TokenAuthority): void {
  // Callback style, and no promise for a token already verified: this runs on every Graph request.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.routeOptions.config?.anonymous) return done();
    const admit = (principal: Principal) => {
      req.principal = principal;
      authorize(principal, req.routeOptions.config?.permissions, req.routeOptions.config?.roles);
    };
    try {
      const token = bearerToken(req);
      const origin = requestOrigin(req);
      const cached = authority.verifyCached(token, origin);
      if (cached) {
        admit(cached);
        return done();
      }
      authority.verify(token, origin).then((p) => {
        admit(p);
        done();
      }).catch((err: Error) => done(err));
    } catch (err) {
      done(err as Error);
    }
  });
}

function bearerToken(req: FastifyRequest): string {
  const header = req.headers.authorization;
  if (!header) throw Errors.tokenMissing();
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw Errors.tokenInvalid('Authorization header must be of the form: Bearer <token>.');
  return m[1]!;
}

export function authorize(p: Principal, permissions?: readonly string[], roles?: readonly string[]): void {
  if (!permissions || permissions.length === 0) return;
  const held = p.kind === 'app' ? p.roles : p.scopes;
  if (!permissions.some((perm) => held.includes(perm))) {
    throw Errors.forbidden(`Insufficient privileges to complete the operation. The caller needs one of these ${p.kind === 'app' ? 'application' : 'delegated'} permissions: ${permissions.join(', ')}.`);
  }
  if (p.kind === 'user' && roles && roles.length > 0) {
    const needed = roles.map((r) => (DirectoryRoles as Record<string, string>)[r]).filter(Boolean);
    if (!needed.some((id) => p.wids.includes(id!))) {
      throw Errors.forbidden(`Insufficient privileges to complete the operation. The signed-in user must be assigned one of these roles: ${roles.join(', ')}.`);
    }
  }
}

/** The caller's principal; routes behind installAuth always have one. */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw Errors.tokenMissing();
  return req.principal;
}

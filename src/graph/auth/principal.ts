// Who is calling, as read from a verified access token.
export interface Principal {
  kind: 'app' | 'user';
  tenantId: string; // tid: the caller's tenant (the target tenant for migration jobs)
  appId: string; // appid / azp
  objectId: string; // oid
  roles: string[]; // application permissions (app tokens)
  scopes: string[]; // delegated permissions (user tokens)
  wids: string[]; // directory role template ids (user tokens)
  upn?: string;
}

/** The creator name the real service records: the UPN for a user, the app id for an application. */
export function principalName(p: Principal): string {
  return p.kind === 'user' && p.upn ? p.upn : p.appId;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Permissions that satisfy the route (any one of them); see graph/auth/guard.ts. */
    permissions?: readonly string[];
    /** Delegated callers must also hold one of these directory roles. */
    roles?: readonly string[];
    /** Skip authentication (identity platform endpoints). */
    anonymous?: boolean;
    /** Graph type name used in request-validation messages. */
    graphType?: string;
    /** Accept application/x-www-form-urlencoded bodies (the token endpoint only; elsewhere 415). */
    formBody?: boolean;
  }
}

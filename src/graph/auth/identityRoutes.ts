// The local token authority, shaped like login.microsoftonline.com so @azure/identity and MSAL can
// be pointed at it (authorityHost + disableInstanceDiscovery): discovery, JWKS and the token endpoint.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import { requestOrigin } from '../odataResponse.js';
import type { SigningKey } from './keys.js';
import { AadError, type TokenAuthority } from './tokens.js';
import { identitySchemas } from './identitySchemas.js';

export function identityRoutes(authority: TokenAuthority, key: SigningKey) {
  return async (app: GraphApp) => {
    const anon = { config: { anonymous: true } };

    app.get('/:tenant/v2.0/.well-known/openid-configuration', { ...anon, schema: identitySchemas.discovery }, async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const tid = await authority.resolveTenant(tenant);
      if (!tid) return aadError(req, reply, new AadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`));
      const base = authority.issuerBase(requestOrigin(req));
      return {
        token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${base}/${tid}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${base}/oidc/userinfo`,
        authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/${tid}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'oid', 'upn', 'roles', 'scp', 'wids'],
        tenant_region_scope: 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      };
    });

    app.get('/:tenant/discovery/v2.0/keys', { ...anon, schema: identitySchemas.keys }, async () => ({ keys: [key.publicJwk] }));
    app.get('/:tenant/discovery/keys', { ...anon, schema: identitySchemas.keys }, async () => ({ keys: [key.publicJwk] }));

    app.post('/:tenant/oauth2/v2.0/token', { config: { anonymous: true, formBody: true }, schema: identitySchemas.token }, async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const form = (req.body ?? {}) as Record<string, string | undefined>;
      const basic = basicCredentials(req.headers.authorization);
      const clientId = form.client_id ?? basic?.id ?? '';
      const secret = form.client_secret ?? basic?.secret ?? '';
      const base = authority.issuerBase(requestOrigin(req));
      try {
        if (!/^application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''))) {
          throw new AadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
        }
        let token: string;
        switch (form.grant_type) {
          case 'client_credentials':
            if (!clientId) throw new AadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
            if (!secret) throw new AadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            token = await authority.clientCredentials(tenant, clientId, secret, form.scope ?? '', base);
            break;
          case 'password':
            token = await authority.password(tenant, clientId, form.username ?? '', form.password ?? '', form.scope ?? '', base, req.ip);
            break;
          case undefined:
            throw new AadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
          default:
            throw new AadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type}'. xtm supports client_credentials and password.`);
        }
        return reply.header('cache-control', 'no-store, no-cache').send({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      } catch (e) {
        if (e instanceof AadError) return aadError(req, reply, e);
        throw e;
      }
    });
  };
}

function aadError(req: FastifyRequest, reply: FastifyReply, e: AadError) {
  const correlation = String(req.headers['client-request-id'] ?? randomUUID());
  return reply.code(e.status).header('cache-control', 'no-store, no-cache').send(e.body(req.id, correlation));
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header && /^Basic\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const [id, ...rest] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':');
  return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(rest.join(':')) };
}

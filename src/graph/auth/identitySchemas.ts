// Route schemas of the local token authority (identityRoutes.ts): what login.microsoftonline.com's
// discovery, JWKS and token endpoints take and answer. Errors are AAD's, not Graph's envelope.
import { Type } from 'typebox';

export const TenantParams = Type.Object({ tenant: Type.String({ minLength: 1, maxLength: 256, description: 'Tenant id or verified domain.' }) });

export const AadErrorBody = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  error_codes: Type.Array(Type.Integer()),
  timestamp: Type.String(),
  trace_id: Type.String(),
  correlation_id: Type.String(),
}, { additionalProperties: true, description: 'An Entra ID (AAD) OAuth error.' });

export const OpenIdConfiguration = Type.Object({
  token_endpoint: Type.String(), jwks_uri: Type.String(), issuer: Type.String(), authorization_endpoint: Type.String(),
}, { additionalProperties: true, description: 'OpenID Connect discovery document.' });

export const Jwks = Type.Object({ keys: Type.Array(Type.Object({ kty: Type.Optional(Type.String()), kid: Type.Optional(Type.String()) }, { additionalProperties: true })) });

/** The form body (application/x-www-form-urlencoded) of the token request; which fields a grant needs is checked by the grant. */
export const TokenForm = Type.Object({
  grant_type: Type.Optional(Type.String({ description: 'client_credentials or password.' })),
  client_id: Type.Optional(Type.String()),
  client_secret: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
}, { additionalProperties: true });

export const TokenResponse = Type.Object({
  token_type: Type.Literal('Bearer'), expires_in: Type.Integer(), ext_expires_in: Type.Integer(), access_token: Type.String(),
});

export const identitySchemas = {
  discovery: { params: TenantParams, response: { 200: OpenIdConfiguration, default: AadErrorBody } },
  keys: { params: TenantParams, response: { 200: Jwks } },
  // Every form field is optional here: which a grant needs is the grant's check, answered with AAD's own error.
  token: { params: TenantParams, body: { content: { 'application/x-www-form-urlencoded': { schema: TokenForm } } }, response: { 200: TokenResponse, default: AadErrorBody } },
};

// Shared plumbing of the xtm admin API: tenant lookup (404), writes through the tenant model's
// applyTenantChanges (400 naming the field, nothing written), and small request helpers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { applyTenantChanges, type TenantChange } from '../../tenants/writers.js';
import type { Issue } from '../../tenants/invariants.js';
import { getTenant, type KeyPage, type KeyPaged } from '../../store/tenantsRepo.js';
import { requestOrigin } from '../odataResponse.js';
import type { TenantRecord } from '../../domain/tenantRecords.js';

export const ADMIN = '/xtm/admin';
export const T = `${ADMIN}/tenants/:tenant`;

export const param = (req: FastifyRequest, name: string): string => decodeURIComponent(String((req.params as Record<string, string>)[name] ?? ''));
export const query = (req: FastifyRequest, name: string): string | undefined => {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
};
export const lower = (s: string): string => s.toLowerCase();

/** The tenant named in the path, by id or by one of its domains. */
export async function requireTenant(deps: AppDeps, ref: string): Promise<TenantRecord> {
  const t = await getTenant(deps.store, ref);
  if (!t) throw Errors.adminTenantNotFound(ref);
  return t;
}
export const tenantOfReq = (deps: AppDeps, req: FastifyRequest) => requireTenant(deps, param(req, 'tenant'));

/**
 * Creates or replaces objects through the tenant model (every invariant, one transaction). Issue paths
 * like `users[0].userPrincipalName` lose the `strip` prefix so they name the field of the request body.
 */
export async function apply(deps: AppDeps, changes: TenantChange[], strip?: RegExp | ((path: string) => string)): Promise<void> {
  const r = await applyTenantChanges(deps.store, deps.clock, changes);
  if (r.ok) return;
  const rename = typeof strip === 'function' ? strip : (p: string) => (strip ? p.replace(strip, '') || p : p);
  throw Errors.adminIssues(r.issues.map((i): Issue => ({ path: rename(i.path), message: i.message })));
}

export const created = (reply: FastifyReply, body: unknown) => reply.code(201).send(body);
export const list = <T>(value: T[]) => ({ value });

const MAX_TOP = 999;
const DEFAULT_TOP = 100;

/** `$top` (1–999, default 100) and `$skiptoken` (an opaque keyset position) of a paged admin list. */
export function pageOf(req: FastifyRequest): KeyPage {
  const top = query(req, '$top');
  const token = query(req, '$skiptoken');
  let limit = DEFAULT_TOP;
  if (top !== undefined) {
    if (!/^\d{1,4}$/.test(top) || Number(top) < 1 || Number(top) > MAX_TOP) throw Errors.badRequest(`Invalid value '${top}' for $top: an integer from 1 to ${MAX_TOP}.`, '$top');
    limit = Number(top);
  }
  if (token === undefined) return { limit };
  let after: unknown;
  try {
    after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    after = undefined;
  }
  if (!Array.isArray(after) || after.length === 0 || after.length > 2 || !after.every((k) => typeof k === 'string')) throw Errors.badRequest('The $skiptoken is not valid. Use the @odata.nextLink of the previous page.', '$skiptoken');
  return { limit, after };
}

/** `{ value, @odata.nextLink }` as Graph pages: the link repeats the request with the next position. */
export function paged<T>(req: FastifyRequest, page: KeyPaged<T>): { value: T[]; '@odata.nextLink'?: string } {
  if (!page.next) return { value: page.value };
  const url = new URL(req.url, requestOrigin(req));
  url.searchParams.set('$skiptoken', Buffer.from(JSON.stringify(page.next)).toString('base64url'));
  return { value: page.value, '@odata.nextLink': url.toString() };
}

/** Deep merge of plain objects: patch values win, arrays and nulls replace. */
export function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (!isPlain(base) || !isPlain(patch)) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out as T;
}
const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

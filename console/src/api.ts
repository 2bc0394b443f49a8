// The console's only way to the server: the Graph API with the token xtm's token endpoint issued,
// and (for the clock and the tenants' readiness) the admin API with the admin key. Both are kept in
// sessionStorage, so a reload keeps the session and closing the tab ends it.

export interface Session {
  tenant: string;
  clientId: string;
  token: string;
  expiresAt: number;
  /** The signed-in tenant's id (the token's `tid`). */
  tenantId: string;
  adminKey: string | null;
}

const KEY = 'xtm.console.session';

export function loadSession(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}

/** A Graph (or admin) error with the server's code and message, as the API reported it. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? String(res.status), body.error.message);
    if (body.error_description) return new ApiError(res.status, body.error ?? String(res.status), body.error_description);
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, String(res.status), text || res.statusText);
}

/** Signs in with client credentials (app secret) or an admin's password, through xtm's token endpoint. */
export async function signIn(o: { tenant: string; clientId: string; secret?: string; username?: string; password?: string; adminKey: string | null }): Promise<Session> {
  const form = new URLSearchParams({ client_id: o.clientId, scope: 'https://graph.microsoft.com/.default' });
  if (o.username) {
    form.set('grant_type', 'password');
    form.set('username', o.username);
    form.set('password', o.password ?? '');
  } else {
    form.set('grant_type', 'client_credentials');
    form.set('client_secret', o.secret ?? '');
  }
  const res = await fetch(`/${encodeURIComponent(o.tenant)}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  if (!res.ok) throw await failure(res);
  const body = (await res.json()) as { access_token: string; expires_in: number };
  const claims = JSON.parse(atob(body.access_token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { tid: string };
  if (o.adminKey) await adminCall(o.adminKey, 'GET', 'clock');
  return { tenant: o.tenant, clientId: o.clientId, token: body.access_token, expiresAt: Date.now() + (body.expires_in - 60) * 1000, tenantId: claims.tid, adminKey: o.adminKey };
}

let current: Session | null = null;
let onExpired: () => void = () => {};
export function useSession(s: Session | null, expired: () => void): void {
  current = s;
  onExpired = expired;
}

/** A Graph beta call; `path` is relative to /beta or an absolute nextLink. */
// A request that never answers must not stop a page's polling loop: it fails and the next poll runs.
const REQUEST_TIMEOUT_MS = 20_000;

export async function graph<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  if (!current) throw new ApiError(401, 'InvalidAuthenticationToken', 'Not signed in.');
  const url = /^https?:/.test(path) ? path : `/beta${path}`;
  const res = await fetch(url, {
    method,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: { authorization: `Bearer ${current.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) onExpired();
  if (!res.ok) throw await failure(res);
  if (res.status === 204 || res.status === 202 && res.headers.get('content-length') === '0') return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function adminCall<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/xtm/admin/${path}`, {
    method,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The admin API (clock, readiness reads); only with an admin key given at sign-in. */
export function admin<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  if (!current?.adminKey) return Promise.reject(new ApiError(401, 'Unauthorized', 'No admin key was given at sign-in.'));
  return adminCall<T>(current.adminKey, method, path, body);
}

export const hasAdmin = (): boolean => !!current?.adminKey;

/** The signed-in tenant's id: the target tenant of its migration jobs. */
export const signedInTenantId = (): string | null => current?.tenantId ?? null;

export const JOBS = '/solutions/migrations/crossTenantMigrationJobs';
export const SP = '/solutions/sharePoint/migrations';

/** An OData string literal ('' doubles a quote). */
export const odataString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

// The CLI's Graph client: finds the server (--url / XTM_URL, else the data directory's server.json,
// else --host/--port), gets its own token (client credentials when a secret is given, else the admin
// key's POST /xtm/admin/token), and turns every failure into a CliError: the Graph error's message
// plus a hint, and the exit code scripts rely on (1: the server said no; 2: usage / unreachable).
import { Command } from 'commander';
import { DEFAULTS } from '../config.js';
import { adminHeaders, serverUrl } from './flags.js';

export class CliError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2, readonly hint?: string) {
    super(message);
  }
}

/** Options every server command takes (the same lookup as `xtm clock`). */
export function serverOptions(c: Command): Command {
  return c
    .option('--url <url>', 'server base URL (default: XTM_URL, else found from the data directory, else --host/--port)')
    .option('--data-dir <dir>', 'the server\'s data directory (server.json, admin.key)', process.env.XTM_DATA_DIR ?? DEFAULTS.dataDir)
    .option('--host <host>', 'the server\'s host', process.env.XTM_HOST ?? DEFAULTS.host)
    .option('--port <port>', 'the server\'s http port', process.env.XTM_PORT ?? String(DEFAULTS.port));
}

/** Options of commands that call the Graph API as a tenant's app. */
export function graphOptions(c: Command, side: 'target' | 'source' = 'target'): Command {
  return serverOptions(c)
    .option('--tenant <id|domain>', `tenant to act in (default: XTM_TENANT, else the ${side} tenant)`, process.env.XTM_TENANT)
    .option('--client-id <appId>', 'app id for a client credentials token (with --client-secret)', process.env.XTM_CLIENT_ID)
    .option('--client-secret <secret>', 'app secret (default XTM_CLIENT_SECRET; without one the admin key is used)', process.env.XTM_CLIENT_SECRET);
}

export interface ServerOpts { url?: string; dataDir: string; host?: string; port?: string; tenant?: string; clientId?: string; clientSecret?: string; json?: boolean }

export interface Response<T = any> { status: number; body: T; text: string; headers: Headers }

export class XtmClient {
  readonly url: string;
  private token?: string;

  constructor(private readonly o: ServerOpts, private readonly side: 'target' | 'source' = 'target') {
    this.url = serverUrl({ ...o, url: o.url ?? process.env.XTM_URL });
  }

  /** fetch with the URL it tried named when the server can't be reached. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    let res: globalThis.Response;
    try {
      res = await fetch(`${this.url}${path}`, init);
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach the xtm server at ${this.url} (${cause?.code ?? cause?.message ?? String(e)})`, 2, 'is `xtm serve` running with this --data-dir? Or pass --url / set XTM_URL');
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch { /* CSV, plain text */ }
    return { status: res.status, body, text, headers: res.headers };
  }

  /** An admin API call with the data directory's key; a 4xx/5xx is a CliError. */
  async admin(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    const headers: Record<string, string> = { ...adminHeaders(this.o.dataDir) };
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await this.fetch(`/xtm/admin${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body) });
    if (res.status >= 400) throw graphFailure(res, method, path);
    return res;
  }

  /** A Graph call (`path` under /beta) with this CLI's token; a 4xx/5xx is a CliError. */
  async graph(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { authorization: `Bearer ${await this.accessToken()}`, ...headers };
    if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
    const res = await this.fetch(`/beta${path}`, { method, headers: h, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    if (res.status >= 400) throw graphFailure(res, method, `/beta${path}`);
    return res;
  }

  async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const { tenant, clientId, clientSecret } = this.o;
    if (clientSecret) {
      if (!tenant || !clientId) throw new CliError('--client-secret needs --tenant and --client-id', 2);
      const res = await this.fetch(`/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default' }),
      });
      const b = res.body as { access_token?: string; error_description?: string };
      if (!b?.access_token) throw new CliError(`token: ${b?.error_description ?? res.text}`, 1, 'check --tenant, --client-id and --client-secret');
      return (this.token = b.access_token);
    }
    const res = await this.admin('POST', '/token', { ...(tenant ? { tenant } : { side: this.side }), ...(clientId ? { clientId } : {}) });
    return (this.token = (res.body as { access_token: string }).access_token);
  }
}

/** Every page of a collection (follows @odata.nextLink on the same server). */
export async function listAll<T>(c: XtmClient, path: string): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const res = await c.graph('GET', next);
    out.push(...((res.body as { value: T[] }).value));
    const link = (res.body as { '@odata.nextLink'?: string })['@odata.nextLink'];
    next = link ? new URL(link).pathname.replace(/^\/beta/, '') + new URL(link).search : undefined;
  }
  return out;
}

const HINTS: Record<string, string> = {
  '401': 'the token was refused: with --client-secret check the app\'s secret; without, check the admin key in --data-dir',
  '403': 'the app lacks the permission for this call, or the admin key is wrong (see the data directory\'s admin.key)',
  '404': 'check the id or display name (`xtm jobs list`) and --tenant',
  '409': 'the job is not in a state that allows this; see `xtm jobs show <id>`',
  '422': 'the request was understood but refused; the message above says which field',
};

function graphFailure(res: Response, method: string, path: string): CliError {
  const b = res.body as { error?: { code?: string; message?: string; details?: { message?: string }[] } } | undefined;
  const err = b?.error;
  const msg = err ? `${err.code ?? 'Error'}: ${err.message ?? ''}${err.details?.length ? `\n  ${err.details.map((d) => d.message).join('\n  ')}` : ''}` : `${res.status} ${res.text.slice(0, 300)}`;
  return new CliError(`${method} ${path} → ${res.status} ${msg}`, res.status >= 500 ? 2 : 1, HINTS[String(res.status)]);
}

/** Runs a command body: prints a CliError with its hint and exits with its code. */
export function runCli(fn: () => Promise<number | void>): Promise<never> {
  return fn().then((code) => process.exit(code ?? 0), (e) => {
    if (e instanceof CliError) {
      console.error(`xtm: ${e.message}`);
      if (e.hint) console.error(`hint: ${e.hint}`);
      process.exit(e.exitCode);
    }
    console.error(`xtm: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  });
}

/** --json: the body as JSON; otherwise the human rendering. */
export function print(json: boolean | undefined, value: unknown, human: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : human());
}

/** A job by id or display name, as the key segment Graph takes. */
export const jobPath = (ref: string) => `/solutions/migrations/crossTenantMigrationJobs/${encodeURIComponent(ref)}`;

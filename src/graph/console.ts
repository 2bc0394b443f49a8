// The web console's static files at /console (built into console/dist by `npm run build:console`,
// which npm install's prepare step runs), the rules document it links to, and `/` sending a browser
// there. Only the files the build wrote are served, read once into memory; nothing under /console
// is an API, so none of it is in $metadata or OpenAPI.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GraphApp } from './app.js';
import { Type } from 'typebox';
import { Errors } from './errors.js';
import { GraphErrorBody, NoContent, NoQuery } from './routeSchemas.js';

const DIST = fileURLToPath(new URL('../../console/dist/', import.meta.url));
const RULES_DOC = fileURLToPath(new URL('../../docs/validation-rules.md', import.meta.url));

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', map: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8',
};
// Same-origin only: the bundle, its stylesheet and the API. Inline style attributes are Preact's (progress bars).
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

let files: Map<string, Buffer> | undefined;

/** The built files (read on first use, so a build after start-up is picked up once); undefined when not built. */
function built(): Map<string, Buffer> | undefined {
  if (files) return files;
  try {
    const names = readdirSync(DIST).filter((n) => /^[\w.-]+\.(html|js|css|map)$/.test(n));
    if (!names.includes('index.html')) return undefined;
    files = new Map(names.map((n) => [n, readFileSync(DIST + n)]));
    files.set('validation-rules.md', readFileSync(RULES_DOC));
    return files;
  } catch {
    return undefined;
  }
}

const notBuilt = Errors.consoleNotBuilt;

export function consoleRoutes(app: GraphApp): void {
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const all = built();
    if (!all) throw notBuilt();
    const body = all.get(name);
    if (!body) throw Errors.consoleFileNotFound(name);
    return reply
      .header('content-type', TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP)
      .header('referrer-policy', 'no-referrer')
      .send(body);
  };
  // Hidden from OpenAPI (not an API), but described like every route: the file as its own media type, or the Graph 404.
  const file = { content: Object.fromEntries(Object.values(TYPES).map((t) => [t.replace(/;.*/, ''), { schema: Type.String() }])) };
  const response = { 200: file, default: GraphErrorBody };
  app.get('/', { schema: { hide: true, querystring: NoQuery, response: { 302: NoContent, default: GraphErrorBody } } }, async (_req, reply) => reply.redirect('/console/', 302));
  app.get('/console', { schema: { hide: true, querystring: NoQuery, response } }, send('index.html'));
  app.get('/console/:file', { schema: { hide: true, params: Type.Object({ file: Type.String() }), response } }, async (req, reply) => send((req.params as { file: string }).file || 'index.html')(req, reply));
}

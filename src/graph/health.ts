// GET /healthz: the process answers (liveness). Anonymous; not part of Graph.
import { Type } from 'typebox';
import type { GraphApp } from './app.js';
import { NoQuery } from './routeSchemas.js';

export function healthRoutes(app: GraphApp): void {
  app.get('/healthz', { config: { anonymous: true }, schema: { querystring: NoQuery, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
}

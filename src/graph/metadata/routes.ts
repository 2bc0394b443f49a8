// GET /$metadata (both versions): the CSDL document every @odata.context points at. Anonymous, as on
// graph.microsoft.com; rendered once at start-up from the model.
import type { GraphApp } from '../app.js';
import { Type } from 'typebox';
import { renderCsdl } from './csdl.js';
import { NoQuery } from '../routeSchemas.js';
import { modelModules } from './model/index.js';

export function metadataRoutes(app: GraphApp): void {
  const xml = renderCsdl(modelModules);
  app.get('/$metadata', { config: { anonymous: true }, schema: { summary: 'OData CSDL of the types, entity sets, navigation properties and bound operations xtm serves', querystring: NoQuery, response: { 200: { content: { 'application/xml': { schema: Type.String({ description: 'CSDL 4.0 (EDMX).' }) } } } } } }, async (_req, reply) =>
    reply.code(200).header('content-type', 'application/xml').header('odata-version', '4.0').send(xml));
}

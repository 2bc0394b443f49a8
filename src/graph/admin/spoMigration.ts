// SharePoint migration administration: the identity-map CSV (Add-SPOTenantIdentityMap: 6 columns, no
// header; an import replaces the whole map), where a URL resolves after moves (redirect sites), and the
// documented xtm extension with a SharePoint task's move state, sub-stage and progress.
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { ADMIN, T, param, query, tenantOfReq } from './common.js';
import { IncomingMessage } from 'node:http';
import { IdentityMapCsvError, formatIdentityMapCsv, parseIdentityMapCsv } from '../../domain/spoIdentityMap.js';
import { asGraph, readIdentityMapCsv } from './csvImport.js';
import { spoMappingRepo } from '../../store/spoMappingRepo.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { driveMoveRepo, resolveSiteUrl } from '../../store/driveMoveRepo.js';
import { taskToGraph } from '../sharepointMigrations/taskSerialize.js';
import { AdminObject, CsvBody, CsvImported, CsvText, QueryParams } from './schemas.js';
import { NoQuery, PathParams } from '../routeSchemas.js';


export function adminSpoMigrationRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  // text/csv is read as a stream by the route (csvImport.ts), not buffered under the JSON body limit.
  app.addContentTypeParser(/^text\/(csv|plain)/i, (_req, payload, done) => done(null, payload));

  const MAP = `${T}/spoIdentityMap.csv`;
  app.get(MAP, { schema: { params: PathParams('tenant'), response: { 200: CsvText } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const { users, groups } = await spoMappingRepo.exportAll(db, t.id);
    return reply.code(200).header('content-type', 'text/csv; charset=utf-8').send(formatIdentityMapCsv(users, groups));
  });
  // The body is the CSV itself (text/csv, streamed, up to CSV_BODY_LIMIT), or JSON {"csv": "..."} (under the JSON body limit).
  // An import replaces the whole map, in one transaction, after every row passed.
  app.put(MAP, { schema: { params: PathParams('tenant'), body: CsvBody, response: { 200: CsvImported } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const body = req.body as unknown;
    let parsed;
    if (body instanceof IncomingMessage) parsed = await readIdentityMapCsv(body);
    else if (typeof (body as { csv?: unknown } | undefined)?.csv === 'string') {
      try {
        parsed = parseIdentityMapCsv((body as { csv: string }).csv);
      } catch (e) {
        throw e instanceof IdentityMapCsvError ? asGraph(e) : e;
      }
    } else throw Errors.identityMapBody();
    await spoMappingRepo.replaceAll(db, t.id, parsed.users, parsed.groups, deps.clock.iso());
    return { users: parsed.users.length, groups: parsed.groups.length };
  });

  app.get(`${ADMIN}/sharepoint/resolve`, { schema: { querystring: QueryParams('url'), response: { 200: AdminObject } } }, async (req) => {
    const url = query(req, 'url');
    if (!url) throw Errors.siteUrlRequired();
    const r = await resolveSiteUrl(db, url);
    if (!r) throw Errors.siteUrlNotFound(url);
    return { url: r.site.url, tenantId: r.site.tenant_id, siteId: r.site.id, kind: r.site.kind, template: r.site.template, redirectedFrom: r.redirectedFrom };
  });

  // Get-SPOCrossTenant*ContentMoveState for one task: state, sub-stage and progress of the move.
  app.get(`${ADMIN}/sharepoint/migrations/tasks/:id`, { schema: { params: PathParams('id'), response: { 200: AdminObject } } }, async (req) => {
    const task = await spoMigrationRepo.byIdAnyTenant(db, param(req, 'id'));
    if (!task) throw Errors.adminSpoTaskNotFound(param(req, 'id'));
    const move = await driveMoveRepo.get(db, `spo:${task.id}`);
    const { '@xtm.moveState': _s, '@xtm.moveStage': _g, ...graph } = taskToGraph(task);
    return {
      task: graph, moveState: task.move_state, stage: task.stage, sourceTenantId: task.tenant_id, targetTenantId: task.target_tenant_id,
      move: move ? {
        sourceUrl: move.source_url, targetUrl: move.target_url, phase: move.phase, itemsTotal: Number(move.source_items), itemsCopied: Number(move.items_copied),
        bytesTotal: Number(move.source_bytes), bytesCopied: Number(move.bytes_copied), permissionsKept: Number(move.permissions_kept),
        permissionsDropped: Number(move.permissions_dropped),
      } : null,
    };
  });
}

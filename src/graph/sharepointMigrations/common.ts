// Shared pieces of /solutions/sharePoint/migrations: base paths, permissions (graph-api-surface §9.2),
// key parsing and single-entity answers with $select.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Permissions } from '../auth/guard.js';
import { metadataContext, parseKeySegment, sendOData } from '../odataResponse.js';
import { parseEntityQuery, type RawQuery } from '../odata/query.js';
import { applySelect, entityContextForSelect } from '../odata/paging.js';

export const ROOT = '/solutions/sharePoint/migrations';
export const TASKS = `${ROOT}/crossOrganizationMigrationTasks`;
export const USER_MAPPINGS = `${ROOT}/crossOrganizationUserMappings`;
export const GROUP_MAPPINGS = `${ROOT}/crossOrganizationGroupMappings`;

// No directory role is documented for these APIs; delegated callers are SharePoint's admins.
export const SharePointAdminRoles = ['Global Administrator', 'SharePoint Administrator'] as const;
export const spRead = (graphType: string) => ({ permissions: Permissions.spRead, roles: SharePointAdminRoles, graphType });
export const spManage = (graphType: string) => ({ permissions: Permissions.spManage, roles: SharePointAdminRoles, graphType });

export const keyOf = (req: FastifyRequest, name = 'key') => parseKeySegment((req.params as Record<string, string>)[name] ?? '');

/** One entity with `@odata.context` (fragment + $select list) and $select applied. */
export function sendEntity(req: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>, fragment: string, typeName: string, selectable: readonly string[], status = 200) {
  const { select } = parseEntityQuery(req.query as RawQuery, { typeName, selectable });
  const context = entityContextForSelect(fragment, select);
  return sendOData(reply, status, { '@odata.context': metadataContext(req, context), ...applySelect(body, select) });
}

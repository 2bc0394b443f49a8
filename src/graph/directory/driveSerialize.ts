// Sites, drives, driveItems and permissions → Graph JSON. A drive is a site's document library:
// its id is `b!` + base64url(site id) like SharePoint's, so one site id round-trips through every URL.
import type { SitesTable } from '../../store/schema.js';
import type { DriveItemRow, PermissionRow } from '../../store/driveRepo.js';
import { deriveGuid } from '../../tenants/ids.js';
import type { Entity } from './common.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

export function driveIdOf(siteId: string): string {
  return `b!${Buffer.from(siteId, 'utf8').toString('base64url')}`;
}

export function siteIdOfDrive(driveId: string): string | undefined {
  if (!driveId.startsWith('b!')) return undefined;
  const decoded = Buffer.from(driveId.slice(2), 'base64url').toString('utf8');
  return decoded.length > 0 && driveIdOf(decoded) === driveId ? decoded : undefined;
}

/** Libraries without a stored root row get a stable synthetic root id. */
export function syntheticRootId(siteId: string): string {
  return deriveGuid('xtm-drive-root', siteId);
}

export const hostOf = (url: string): string => new URL(url).host;

/** Graph's composite site id: `<hostname>,<site collection id>,<web id>`. */
export function graphSiteId(s: SitesTable): string {
  return `${hostOf(s.url)},${s.id},${deriveGuid('xtm-web', s.id)}`;
}

export function siteToGraph(s: SitesTable, rootSiteHost: string): Entity {
  const u = new URL(s.url);
  const isRoot = u.pathname === '/' || u.pathname === '';
  const out: Entity = {
    createdDateTime: formatDateTimeOffset(s.created_at),
    description: '',
    id: graphSiteId(s),
    lastModifiedDateTime: formatDateTimeOffset(s.created_at),
    name: isRoot ? '' : decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() ?? ''),
    webUrl: s.url,
    displayName: s.title,
    siteCollection: { hostname: u.host },
  };
  if (isRoot && s.url.toLowerCase().startsWith(rootSiteHost.toLowerCase())) out.root = {};
  return out;
}

export function driveToGraph(s: SitesTable, owner: { id: string; displayName: string } | null, usedBytes: number): Entity {
  const personal = s.kind === 'OneDrive' || s.template.startsWith('SPSPERS');
  return {
    createdDateTime: formatDateTimeOffset(s.created_at),
    description: '',
    id: driveIdOf(s.id),
    lastModifiedDateTime: formatDateTimeOffset(s.created_at),
    name: personal ? 'OneDrive' : 'Documents',
    webUrl: `${s.url}/Documents`,
    driveType: personal ? 'business' : 'documentLibrary',
    createdBy: { user: { displayName: 'System Account' } },
    owner: owner ? { user: { id: owner.id, displayName: owner.displayName } } : { group: { id: s.group_id, displayName: s.title } },
    quota: {
      deleted: 0,
      remaining: Math.max(0, s.storage_quota_bytes - usedBytes),
      state: 'normal',
      total: s.storage_quota_bytes,
      used: usedBytes,
    },
  };
}

const MIME: Record<string, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  pdf: 'application/pdf',
  txt: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  zip: 'application/zip',
};
export const mimeOf = (name: string) => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

export type { DriveItemRow, PermissionRow };

export interface DriveContext { site: SitesTable; driveId: string; rootId: string }

/** parentReference.path as Graph writes it: `/drives/<driveId>/root:` plus the parent's path. */
function parentPath(ctx: DriveContext, itemPath: string): string {
  const parent = itemPath.slice(0, Math.max(0, itemPath.lastIndexOf('/')));
  return `/drives/${ctx.driveId}/root:${parent}`;
}

export function rootToGraph(ctx: DriveContext, childCount: number): Entity {
  return {
    createdDateTime: formatDateTimeOffset(ctx.site.created_at),
    id: ctx.rootId,
    lastModifiedDateTime: formatDateTimeOffset(ctx.site.created_at),
    name: 'root',
    webUrl: `${ctx.site.url}/Documents`,
    size: 0,
    parentReference: { driveType: ctx.site.kind === 'OneDrive' ? 'business' : 'documentLibrary', driveId: ctx.driveId },
    fileSystemInfo: { createdDateTime: formatDateTimeOffset(ctx.site.created_at), lastModifiedDateTime: formatDateTimeOffset(ctx.site.created_at) },
    folder: { childCount },
    root: {},
  };
}

export function driveItemToGraph(ctx: DriveContext, r: DriveItemRow): Entity {
  const by = r.created_by ? { user: { id: r.created_by, displayName: r.created_by_name ?? null } } : { user: { displayName: 'System Account' } };
  const out: Entity = {
    createdDateTime: formatDateTimeOffset(r.modified_at),
    id: r.id,
    lastModifiedDateTime: formatDateTimeOffset(r.modified_at),
    name: r.name,
    webUrl: `${ctx.site.url}/Documents${r.path.split('/').map(encodeURIComponent).join('/')}`,
    size: Number(r.size_bytes),
    createdBy: by,
    lastModifiedBy: by,
    parentReference: {
      driveType: ctx.site.kind === 'OneDrive' ? 'business' : 'documentLibrary',
      driveId: ctx.driveId,
      id: r.parent_id ?? ctx.rootId,
      path: parentPath(ctx, r.path),
    },
    fileSystemInfo: { createdDateTime: formatDateTimeOffset(r.modified_at), lastModifiedDateTime: formatDateTimeOffset(r.modified_at) },
  };
  if (r.is_folder === 1) out.folder = { childCount: Number(r.child_count ?? 0) };
  else out.file = { mimeType: mimeOf(r.name), hashes: r.content_hash ? { sha256Hash: r.content_hash.toUpperCase() } : {} };
  return out;
}

/** One permission; rows stored on an ancestor or on the site carry `inheritedFrom`. */
export function permissionToGraph(ctx: DriveContext, ownItemId: string, p: PermissionRow): Entity {
  const id = Buffer.from(`${p.item_id}|${p.principal_type}|${p.principal_id}`, 'utf8').toString('base64url');
  const out: Entity = { id, roles: [p.role] };
  if (p.principal_type === 'link') {
    out.link = { scope: p.link_scope ?? 'organization', type: p.role === 'read' ? 'view' : 'edit', webUrl: `${ctx.site.url}/:f:/s/${p.principal_id}` };
    out.hasPassword = false;
  } else {
    const who = { id: p.principal_id, displayName: p.display_name };
    out.grantedToV2 = p.principal_type === 'group' ? { group: who } : { user: who };
  }
  if (p.item_id !== ownItemId) out.inheritedFrom = { driveId: ctx.driveId, id: p.item_id === '' ? ctx.rootId : p.item_id };
  return out;
}

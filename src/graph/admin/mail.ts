// POST /xtm/admin/tenants/{tenant}/users/{user}/mailItems: delivers one item into a folder of a mailbox
// (what a new message arriving looks like to the service; later incremental syncs must pick it up).
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { MailItemInput } from '../../tenants/inputSchemas.content.js';
import { deriveGuid } from '../../tenants/ids.js';
import { T, created, lower, param, tenantOfReq } from './common.js';
import { requireUser } from './users.js';
import { mailRepo } from '../../store/mailRepo.js';
import { AdminObject } from './schemas.js';
import { NoContent, PathParams } from '../routeSchemas.js';

const CLASS_BY_FOLDER: Record<string, string> = { calendar: 'IPM.Appointment', contacts: 'IPM.Contact', tasks: 'IPM.Task' };

export function adminMailRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;

  app.post(`${T}/users/:user/mailItems`, { schema: { params: PathParams('tenant', 'user'), body: MailItemInput, response: { 201: AdminObject } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const body = req.body;
    if (!u.mailbox) throw Errors.adminInvalid('user', `user ${u.userPrincipalName} has no mailbox${u.mailUser ? ' (it is a MailUser)' : ''}; mail is delivered to mailboxes only`);
    const box = { tenantId: t.id, userId: u.id };
    const folders = await mailRepo.folderRows(db, box);
    const ref = lower(body.folder);
    const folder = folders.find((f) => f.well_known_name === ref) ?? folders.find((f) => f.id === ref) ?? folders.find((f) => lower(f.display_name) === ref);
    if (!folder) throw Errors.adminInvalid('folder', `folder '${body.folder}' is not a folder of the mailbox of ${u.userPrincipalName}`);
    const now = deps.clock.iso();
    const id = body.id ? lower(body.id) : deriveGuid('mailItem', t.id, u.id, now, String(await mailRepo.itemCount(db, box)));
    if (await mailRepo.itemExists(db, box, id)) {
      throw Errors.adminConflict(`Item ${id} already exists in the mailbox of ${u.userPrincipalName}.`, 'id');
    }
    const size = body.sizeBytes ?? 20_000;
    const row = {
      tenant_id: t.id, user_id: u.id, id, folder_id: folder.id,
      item_class: body.itemClass ?? CLASS_BY_FOLDER[folder.well_known_name ?? ''] ?? 'IPM.Note',
      subject: body.subject, from_address: body.from ?? null, received_at: body.receivedDateTime ?? now, size_bytes: size,
      body_preview: body.bodyPreview ?? '', content_hash: deriveGuid('content', t.id, u.id, id).replace(/-/g, ''),
      is_read: body.isRead ? 1 : 0, last_modified_at: now,
    };
    await mailRepo.deliver(db, row, !!folder.is_recoverable, now);
    return created(reply, {
      id, folderId: folder.id, folder: folder.well_known_name ?? folder.display_name, itemClass: row.item_class, subject: row.subject, from: row.from_address,
      receivedDateTime: row.received_at, sizeBytes: size, isRead: !!row.is_read, bodyPreview: row.body_preview, lastModifiedDateTime: now,
    });
  });

  // Changes one item of a mailbox (what a user editing or moving a message looks like to MRS: the item's
  // last-modified time moves, so the next incremental sync re-copies it).
  app.patch(`${T}/users/:user/mailItems/:item`, { schema: { params: PathParams('tenant', 'user', 'item'), response: { 200: AdminObject } } }, async (req) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const id = lower(param(req, 'item'));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const allowed = ['subject', 'isRead', 'bodyPreview'];
    for (const k of Object.keys(body)) if (!allowed.includes(k)) throw Errors.adminInvalid(k, `'${k}' can't be changed; changeable: ${allowed.join(', ')}`);
    if (body.subject !== undefined && typeof body.subject !== 'string') throw Errors.adminInvalid('subject', 'must be a string');
    if (body.isRead !== undefined && typeof body.isRead !== 'boolean') throw Errors.adminInvalid('isRead', 'must be a boolean');
    if (body.bodyPreview !== undefined && typeof body.bodyPreview !== 'string') throw Errors.adminInvalid('bodyPreview', 'must be a string');
    const row = await mailRepo.updateItem(db, { tenantId: t.id, userId: u.id }, id, {
      ...(typeof body.subject === 'string' ? { subject: body.subject } : {}),
      ...(typeof body.isRead === 'boolean' ? { isRead: body.isRead } : {}),
      ...(typeof body.bodyPreview === 'string' ? { bodyPreview: body.bodyPreview } : {}),
    }, deps.clock.iso());
    if (!row) throw Errors.adminObjectNotFound('Mail item', id, t.id);
    return { id, subject: row.subject, isRead: !!row.is_read, bodyPreview: row.body_preview, lastModifiedDateTime: row.last_modified_at };
  });

  // Deletes one item (hard delete: the next incremental sync deletes it in the target too).
  app.delete(`${T}/users/:user/mailItems/:item`, { schema: { params: PathParams('tenant', 'user', 'item'), response: { 204: NoContent } } }, async (req, reply) => {
    const t = await tenantOfReq(deps, req);
    const u = await requireUser(deps, t, param(req, 'user'));
    const id = lower(param(req, 'item'));
    const deleted = await mailRepo.deleteItem(db, { tenantId: t.id, userId: u.id }, id, deps.clock.iso());
    if (!deleted) throw Errors.adminObjectNotFound('Mail item', id, t.id);
    return reply.code(204).send();
  });
}

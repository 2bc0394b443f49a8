// Delta queries as Graph shapes them: a first pass pages through every item in scope, then a
// @odata.deltaLink carries an opaque token; each later call returns what changed since (changed items in
// full, deleted ones as `@removed`), paged with @odata.nextLink, ending in a new deltaLink. Tokens are
// positions in the change log (store/changesRepo.ts, written by triggers, so every writer is seen:
// Graph writes, the admin API, migrations). A token older than the retained history — the tenant was
// reloaded (a reset mark), or the token is older than XTM_DELTA_TOKEN_DAYS (30) of clock time — answers
// 410 Gone `syncStateNotFound` (Outlook) / `resyncRequired` (OneDrive): the client starts over.
// Routes: /users/{id}/mailFolders/{id}/messages/delta, /users/{id}/contacts/delta,
// /users/{id}/calendarView/delta?startDateTime&endDateTime, …/drive/root/delta (every drive locator).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { metadataContext, requestOrigin, sendOData } from '../odataResponse.js';
import { DirectoryPermissions } from './permissions.js';
import { keyed, keyParam, type Entity } from './common.js';
import { KINDS, requireMailbox, type ItemKind } from './mail.js';
import { driveResolver, type Ctx } from './driveContext.js';
import { driveItemToGraph } from './driveSerialize.js';
import { changesSince, currentSeq, RESET, type ChangeKind } from '../../store/changesRepo.js';
import { mailRepo, type MailItemRow } from '../../store/mailRepo.js';
import { driveRepo } from '../../store/driveRepo.js';

const DAY = 86_400_000;
const DeltaQuery = Type.Object({
  $deltatoken: Type.Optional(Type.String({ maxLength: 2048 })),
  $skiptoken: Type.Optional(Type.String({ maxLength: 2048 })),
  token: Type.Optional(Type.String({ maxLength: 2048 })),
  startDateTime: Type.Optional(Type.String({ maxLength: 64 })),
  endDateTime: Type.Optional(Type.String({ maxLength: 64 })),
}, { additionalProperties: true });

/** What a token holds: the scope it belongs to, and either a first-pass position or a change-log position. */
interface Token { v: 1; scope: string; at: string; seq: number; after?: string; window?: [string, string] }

const encode = (t: Token) => Buffer.from(JSON.stringify(t)).toString('base64url');
function decode(raw: string): Token | undefined {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Token;
    return t && t.v === 1 && typeof t.scope === 'string' && Number.isSafeInteger(t.seq) && typeof t.at === 'string' ? t : undefined;
  } catch {
    return undefined;
  }
}

interface Scope<Row> {
  /** Identifies the collection (a token from another one is refused). */
  key: string;
  tenantId: string;
  ownerId: string;
  kind: ChangeKind;
  contextPath: string;
  firstPage(afterId: string, limit: number): Promise<Row[]>;
  byIds(ids: string[]): Promise<Row[]>;
  idOf(row: Row): string;
  /** Whether a present row belongs here; 'skip' = another kind of item, not reported at all. */
  inScope(row: Row): boolean | 'skip';
  toEntity(row: Row): Entity;
  removed(id: string): Entity;
  /** The name of the token parameter in links: `$deltatoken`/`$skiptoken` (Outlook) or `token` (OneDrive). */
  drive: boolean;
}

export function deltaRoutes(app: GraphApp, deps: AppDeps): void {
  const { store, clock } = deps;
  const db = store.db;
  const maxAgeDays = Number(process.env.XTM_DELTA_TOKEN_DAYS) > 0 ? Number(process.env.XTM_DELTA_TOKEN_DAYS) : 30;

  function pageSize(req: FastifyRequest): number {
    const m = /odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''));
    return Math.max(1, Math.min(999, m ? Number(m[1]) : 100));
  }

  const gone = (drive: boolean) => (drive ? Errors.driveResyncRequired() : Errors.syncStateNotFound());

  async function answer<Row>(req: FastifyRequest, reply: FastifyReply, scope: Scope<Row>) {
    const q = req.query as Record<string, string | undefined>;
    const raw = q.$deltatoken ?? q.$skiptoken ?? q.token;
    const limit = pageSize(req);
    const base = `${requestOrigin(req)}${req.url.split('?')[0]}`;
    const link = (t: Token) => `${base}?${linkParam(t)}`;
    const linkParam = (t: Token) => (scope.drive ? `token=${encode(t)}` : `${t.after !== undefined ? '$skiptoken' : '$deltatoken'}=${encode(t)}`);
    const window = (scope as unknown as { window?: [string, string] }).window;
    const send = (value: Entity[], next: Token | undefined, delta: Token | undefined) => {
      const body: Entity = { '@odata.context': metadataContext(req, `${scope.contextPath}/delta`), value };
      if (next) body['@odata.nextLink'] = link(next);
      if (delta) body['@odata.deltaLink'] = link(delta);
      return sendOData(reply, 200, body);
    };

    // First pass (no token, or a first-pass skiptoken): every item in scope, in id order.
    let tok: Token | undefined;
    if (raw !== undefined) {
      tok = decode(raw);
      if (!tok || tok.scope !== scope.key) throw Errors.badRequest('The delta token is not valid for this collection.', scope.drive ? 'token' : '$deltatoken');
      if (Date.parse(tok.at) < clock.nowMs() - maxAgeDays * DAY) throw gone(scope.drive);
    }
    const stamp = (seq: number, extra: Partial<Token> = {}): Token => ({ v: 1, scope: scope.key, at: tok?.at ?? clock.iso(), seq, ...(window ? { window } : {}), ...extra });
    if (!tok || tok.after !== undefined) {
      const seq = tok?.seq ?? (await currentSeq(db));
      const rows = await scope.firstPage(tok?.after ?? '', limit);
      const value = rows.filter((r) => scope.inScope(r) === true).map((r) => scope.toEntity(r));
      if (rows.length === limit) return send(value, stamp(seq, { after: scope.idOf(rows.at(-1)!) }), undefined);
      return send(value, undefined, { ...stamp(seq), at: clock.iso() });
    }

    // Later passes: what the change log recorded after the token's position.
    const page = await changesSince(db, { tenantId: scope.tenantId, ownerId: scope.ownerId, kinds: [scope.kind], afterSeq: tok.seq, limit });
    if (page.changes.some((c) => c.kind === RESET)) throw gone(scope.drive);
    const ids = page.changes.map((c) => c.itemId);
    const present = new Map((await scope.byIds(ids)).map((r) => [scope.idOf(r), r] as const));
    const value: Entity[] = [];
    for (const c of page.changes) {
      const row = present.get(c.itemId);
      if (!row) value.push(scope.removed(c.itemId));
      else {
        const verdict = scope.inScope(row);
        if (verdict === true) value.push(scope.toEntity(row));
        else if (verdict === false) value.push(scope.removed(c.itemId));
      }
    }
    if (page.more) return send(value, stamp(page.lastSeq), undefined);
    return send(value, undefined, { ...stamp(page.lastSeq), at: clock.iso() });
  }

  // ---- Outlook ----
  const removedItem = (id: string): Entity => ({ '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } });
  const isClass = (r: MailItemRow, cls: string) => r.item_class === cls || r.item_class.startsWith(`${cls}.`);
  const mailScope = (kind: ItemKind, user: { tenant_id: string; id: string }, folderId: string | null, contextPath: string, extra: { window?: [string, string] } = {}): Scope<MailItemRow> => {
    const k = KINDS[kind];
    const box = { tenantId: user.tenant_id, userId: user.id };
    const inWindow = (r: MailItemRow) => !extra.window || (r.received_at >= extra.window[0] && r.received_at < extra.window[1]);
    return Object.assign({
      key: `${kind}:${user.tenant_id}:${user.id}:${folderId ?? '*'}:${extra.window?.join('/') ?? ''}`,
      tenantId: user.tenant_id, ownerId: user.id, kind: 'mailItem' as const, contextPath, drive: false,
      firstPage: async (after: string, limit: number) => (await mailRepo.itemPage(db, box, k.classes, folderId, after, limit)),
      byIds: (ids: string[]) => mailRepo.itemsByIds(db, box, ids),
      idOf: (r: MailItemRow) => r.id,
      inScope: (r: MailItemRow) => (!isClass(r, k.classes) ? 'skip' as const : (folderId === null || r.folder_id === folderId) && inWindow(r)),
      toEntity: (r: MailItemRow) => ({ '@odata.type': `#${k.typeName}`, ...k.toGraph(r) }),
      removed: (id: string) => ({ ...removedItem(id), '@odata.type': `#${k.typeName}` }),
    }, extra);
  };
  const mailPerm = { permissions: DirectoryPermissions.mail };
  app.get('/users/:userKey/mailFolders/:folderKey/messages/delta', { config: mailPerm, schema: { querystring: DeltaQuery } }, async (req, reply) => {
    const user = await requireMailbox(db, req);
    const f = await mailRepo.folder(db, { tenantId: user.tenant_id, userId: user.id }, keyParam(req, 'folderKey'));
    if (!f) throw Errors.mailItemNotFound();
    return answer(req, reply, mailScope('message', user, f.id, `${keyed('users', user.id)}/mailFolders('${f.id}')/messages`));
  });
  app.get('/users/:userKey/contacts/delta', { config: { permissions: DirectoryPermissions.contacts }, schema: { querystring: DeltaQuery } }, async (req, reply) => {
    const user = await requireMailbox(db, req);
    return answer(req, reply, mailScope('contact', user, null, `${keyed('users', user.id)}/contacts`));
  });
  app.get('/users/:userKey/calendarView/delta', { config: { permissions: DirectoryPermissions.calendars }, schema: { querystring: DeltaQuery } }, async (req, reply) => {
    const user = await requireMailbox(db, req);
    const q = req.query as Record<string, string | undefined>;
    let window: [string, string] | undefined;
    const tokRaw = q.$deltatoken ?? q.$skiptoken;
    if (tokRaw) window = decode(tokRaw)?.window;
    else {
      const [a, b] = [Date.parse(q.startDateTime ?? ''), Date.parse(q.endDateTime ?? '')];
      if (!Number.isFinite(a) || !Number.isFinite(b)) throw Errors.badRequest('This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
      window = [new Date(a).toISOString(), new Date(b).toISOString()];
    }
    return answer(req, reply, mailScope('event', user, null, `${keyed('users', user.id)}/calendarView`, { window }));
  });

  // ---- OneDrive ----
  const { context, locators, lib } = driveResolver(store);
  for (const loc of locators) {
    app.get(`${loc.prefix}/root/delta`, { config: { permissions: DirectoryPermissions.files }, schema: { querystring: DeltaQuery } }, async (req, reply) => {
      const ctx: Ctx = await context(await loc.site(req));
      return answer(req, reply, {
        key: `drive:${ctx.site.tenant_id}:${ctx.site.id}`, tenantId: ctx.site.tenant_id, ownerId: ctx.site.id, kind: 'driveItem', drive: true,
        contextPath: `${loc.context(req, ctx)}/root`,
        firstPage: (after, limit) => driveRepo.page(db, lib(ctx), after, limit),
        byIds: (ids) => driveRepo.itemsByIds(db, lib(ctx), ids),
        idOf: (r) => r.id,
        inScope: (r) => (r.path === '/' || r.path === '' ? 'skip' : true),
        toEntity: (r) => driveItemToGraph(ctx, r),
        removed: (id) => ({ id, deleted: { state: 'deleted' }, '@removed': { reason: 'deleted' }, parentReference: { driveId: ctx.driveId } }),
      });
    });
  }
}

// Teams chats: /chats (all of the caller's tenant — real Graph needs a user context for this; xtm allows
// it app-only), /users/{id}/chats, /chats/{id}, /chats/{id}/members, /chats/{id}/messages[/{id}].
import type { FastifyRequest } from 'fastify';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import { ContentWritePermissions, DirectoryPermissions } from './permissions.js';
import { Type } from 'typebox';
import { principalOf } from '../auth/guard.js';
import { metadataContext, sendOData } from '../odataResponse.js';
import { inTransaction } from '../../store/unitOfWork.js';
import { collectionOptions, keyed, keyParam, parseJson, requireUser, sendEntity, tenantOf, type Entity } from './common.js';
import { chatsRepo, type ChatMemberRow as MemberRow, type ChatMessageRow as MessageRow, type ChatRow } from '../../store/chatsRepo.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

const CHAT_FIELDS: FieldMap = {
  id: { column: 'c.id', type: 'string' },
  topic: { column: 'c.topic', type: 'string', caseInsensitive: true },
  chatType: { column: 'c.chat_type', type: 'enum', enumValues: ['oneOnOne', 'group', 'meeting', 'unknownFutureValue'] },
  createdDateTime: { column: 'c.created_at', type: 'datetime' },
  lastUpdatedDateTime: { column: 'c.last_updated', type: 'datetime' },
};
const CHAT_PROPERTIES = ['id', 'topic', 'createdDateTime', 'lastUpdatedDateTime', 'chatType', 'webUrl', 'tenantId', 'isHiddenForAllMembers'] as const;
const MEMBER_FIELDS: FieldMap = {
  userId: { column: 'm.user_id', type: 'string' },
  displayName: { column: 'm.display_name', type: 'string', caseInsensitive: true },
  email: { column: 'm.email', type: 'string', caseInsensitive: true },
};
const MEMBER_PROPERTIES = ['id', 'roles', 'displayName', 'visibleHistoryStartDateTime', 'userId', 'email', 'tenantId'] as const;
const MESSAGE_FIELDS: FieldMap = {
  id: { column: 'm.id', type: 'string' },
  createdDateTime: { column: 'm.created_at', type: 'datetime' },
  lastModifiedDateTime: { column: 'm.created_at', type: 'datetime' },
  messageType: { column: 'm.message_type', type: 'enum', enumValues: ['message', 'systemEventMessage', 'chatEvent', 'typing', 'unknownFutureValue'] },
  'from/user/id': { column: 'm.from_user_id', type: 'string' },
};
const MESSAGE_PROPERTIES = [
  'id', 'replyToId', 'etag', 'messageType', 'createdDateTime', 'lastModifiedDateTime', 'lastEditedDateTime', 'deletedDateTime', 'subject', 'summary',
  'chatId', 'importance', 'locale', 'webUrl', 'from', 'body', 'attachments', 'mentions', 'reactions',
] as const;

const chatOptions = collectionOptions({ typeName: 'microsoft.graph.chat', fields: CHAT_FIELDS, selectable: CHAT_PROPERTIES, orderBy: [{ field: 'lastUpdatedDateTime', direction: 'desc' }], keyColumn: 'c.id', pageSize: 50 });
const memberOptions = collectionOptions({ typeName: 'microsoft.graph.conversationMember', fields: MEMBER_FIELDS, selectable: MEMBER_PROPERTIES, orderBy: [], keyColumn: 'm.user_id' });
const messageOptions = collectionOptions({ typeName: 'microsoft.graph.chatMessage', fields: MESSAGE_FIELDS, selectable: MESSAGE_PROPERTIES, orderBy: [{ field: 'createdDateTime', direction: 'desc' }], keyColumn: 'm.id', pageSize: 50 });


const ChatMessageBody = Type.Object({
  body: Type.Object({ contentType: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('html')])), content: Type.String({ minLength: 1, maxLength: 28_000 }) }, { additionalProperties: false }),
  from: Type.Optional(Type.Object({ user: Type.Optional(Type.Object({ id: Type.String({ maxLength: 64 }) }, { additionalProperties: true })) }, { additionalProperties: true })),
}, { additionalProperties: true });

function chatToGraph(c: ChatRow): Entity {
  return {
    id: c.id,
    topic: c.topic,
    createdDateTime: formatDateTimeOffset(c.created_at),
    lastUpdatedDateTime: formatDateTimeOffset(c.last_updated),
    chatType: c.chat_type,
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(c.id)}/0?tenantId=${c.tenant_id}`,
    tenantId: c.tenant_id,
    isHiddenForAllMembers: false,
  };
}

function memberToGraph(m: MemberRow): Entity {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: Buffer.from(`0##${m.tenant_id}##${m.chat_id}##${m.user_id}`, 'utf8').toString('base64'),
    roles: parseJson<string[]>(m.roles, []),
    displayName: m.display_name,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId: m.user_id,
    email: m.email,
    tenantId: m.tenant_id,
  };
}

function messageToGraph(m: MessageRow): Entity {
  return {
    id: m.id,
    replyToId: null,
    etag: m.id,
    messageType: m.message_type,
    createdDateTime: formatDateTimeOffset(m.created_at),
    lastModifiedDateTime: formatDateTimeOffset(m.created_at),
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId: m.chat_id,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    from: m.from_user_id
      ? { application: null, device: null, user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: m.from_user_id, displayName: m.display_name, userIdentityType: 'aadUser' } }
      : null,
    body: { contentType: 'text', content: m.body },
    attachments: [],
    mentions: [],
    reactions: [],
  };
}

export function chatRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.chats };

  const chatsSpec = (tenantId: string, memberId: string | undefined, contextPath: string): CollectionSpec<ChatRow, Entity> => ({
    options: chatOptions, contextPath, toEntity: chatToGraph,
    source: chatsRepo.chats(db, tenantId, memberId),
  });
  /** The chat, in the caller's tenant; under /users/{id}/chats the user must also be a member. */
  async function chat(req: FastifyRequest): Promise<ChatRow> {
    const tenantId = tenantOf(req);
    const id = keyParam(req, 'chatId');
    let memberId: string | undefined;
    if ((req.params as Record<string, string>).userKey !== undefined) memberId = (await requireUser(db, tenantId, keyParam(req, 'userKey'), Errors.resourceNotFound)).id;
    const row = await chatsRepo.chat(db, tenantId, id, memberId);
    if (!row) throw Errors.chatNotFound(id);
    return row;
  }

  app.get('/chats', { config }, (req, reply) => sendCollection(req, reply, chatsSpec(tenantOf(req), undefined, 'chats')));
  app.get('/users/:userKey/chats', { config }, async (req, reply) => {
    const user = await requireUser(db, tenantOf(req), keyParam(req, 'userKey'), Errors.resourceNotFound);
    return sendCollection(req, reply, chatsSpec(user.tenant_id, user.id, `${keyed('users', user.id)}/chats`));
  });

  for (const prefix of ['/chats/:chatId', '/users/:userKey/chats/:chatId']) {
    app.get(prefix, { config }, async (req, reply) => {
      const c = await chat(req);
      return sendEntity(req, reply, chatToGraph(c), 'chats', { typeName: 'microsoft.graph.chat', selectable: CHAT_PROPERTIES });
    });
    app.get(`${prefix}/members`, { config }, async (req, reply) => {
      const c = await chat(req);
      return sendCollection(req, reply, {
        options: memberOptions, contextPath: `${keyed('chats', c.id)}/members`, toEntity: memberToGraph,
        source: chatsRepo.members(db, c.tenant_id, c.id),
      } satisfies CollectionSpec<MemberRow, Entity>);
    });
    app.get(`${prefix}/messages`, { config }, async (req, reply) => {
      const c = await chat(req);
      return sendCollection(req, reply, {
        options: messageOptions, contextPath: `${keyed('chats', c.id)}/messages`, toEntity: messageToGraph,
        source: chatsRepo.messages(db, c.tenant_id, c.id),
      } satisfies CollectionSpec<MessageRow, Entity>);
    });
    // Posting a message: the sender is the signed-in user (delegated), who must be a member; an app may name
    // a member in `from` (xtm allows app-only posts so tools can stage chats). A migrated chat refuses posts.
    app.post(`${prefix}/messages`, { config: { permissions: ContentWritePermissions.chats, graphType: 'microsoft.graph.chatMessage' }, schema: { body: ChatMessageBody } }, async (req, reply) => {
      const c = await chat(req);
      if (await chatsRepo.migratedTo(db, c.tenant_id, c.id)) throw Errors.chatReadOnlyMigrated();
      const p = principalOf(req);
      const body = req.body as { body: { content: string }; from?: { user?: { id?: string } } };
      const from = p.kind === 'user' ? p.objectId : body.from?.user?.id ?? null;
      if (from && !(await chatsRepo.isMember(db, c.tenant_id, c.id, from))) throw Errors.forbidden('The sender is not a member of the chat.');
      const id = await inTransaction(deps.store, (tx) => chatsRepo.postMessage(tx, { tenantId: c.tenant_id, chatId: c.id, fromUserId: from, body: body.body.content, nowMs: deps.clock.nowMs(), nowIso: deps.clock.iso() }));
      const m = (await chatsRepo.message(db, c.tenant_id, c.id, id))!;
      return sendOData(reply, 201, { '@odata.context': metadataContext(req, `${keyed('chats', c.id)}/messages/$entity`), ...messageToGraph(m) });
    });
    app.get(`${prefix}/messages/:messageId`, { config }, async (req, reply) => {
      const c = await chat(req);
      const m = await chatsRepo.message(db, c.tenant_id, c.id, keyParam(req, 'messageId'));
      if (!m) throw Errors.chatMessageNotFound();
      return sendEntity(req, reply, messageToGraph(m), `${keyed('chats', c.id)}/messages`, { typeName: 'microsoft.graph.chatMessage', selectable: MESSAGE_PROPERTIES });
    });
  }
}

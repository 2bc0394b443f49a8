// Teams chats: /chats (all of the caller's tenant — real Graph needs a user context for this; xtm allows
// it app-only), /users/{id}/chats, /chats/{id}, /chats/{id}/members, /chats/{id}/messages[/{id}].
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { GraphApp } from '../app.js';
import type { AppDeps } from '../deps.js';
import { Errors } from '../errors.js';
import { sendCollection, type CollectionSpec } from '../collection.js';
import type { FieldMap } from '../odata/fields.js';
import { DirectoryPermissions } from './permissions.js';
import { collectionOptions, keyed, keyParam, parseJson, requireUser, sendEntity, tenantOf, type Db, type Entity } from './common.js';

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

interface ChatRow { tenant_id: string; id: string; chat_type: string; topic: string | null; created_at: string; last_updated: string }
interface MemberRow { tenant_id: string; chat_id: string; user_id: string; roles: string; display_name: string | null; email: string | null }
interface MessageRow { tenant_id: string; chat_id: string; id: string; from_user_id: string | null; body: string; message_type: string; created_at: string; display_name: string | null }

function chatToGraph(c: ChatRow): Entity {
  return {
    id: c.id,
    topic: c.topic,
    createdDateTime: c.created_at,
    lastUpdatedDateTime: c.last_updated,
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
    createdDateTime: m.created_at,
    lastModifiedDateTime: m.created_at,
    lastEditedDateTime: null,
    deletedDateTime: null,
    subject: null,
    summary: null,
    chatId: m.chat_id,
    importance: 'normal',
    locale: 'en-us',
    webUrl: null,
    from: m.from_user_id
      ? { application: null, device: null, user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: m.from_user_id, displayName: m.display_name, userIdentityType: 'aadUser', tenantId: m.tenant_id } }
      : null,
    body: { contentType: 'text', content: m.body },
    attachments: [],
    mentions: [],
    reactions: [],
  };
}

/** Chats with lastUpdatedDateTime (newest message, else creation) as a derived table `c`. */
function chatsQuery(db: Db, tenantId: string, memberId?: string) {
  let inner = db.selectFrom('chats as c0')
    .select((eb) => [
      'c0.tenant_id', 'c0.id', 'c0.chat_type', 'c0.topic', 'c0.created_at',
      eb.fn.coalesce(
        eb.selectFrom('chat_messages as cm').select((e2) => e2.fn.max('cm.created_at').as('x')).whereRef('cm.tenant_id', '=', 'c0.tenant_id').whereRef('cm.chat_id', '=', 'c0.id'),
        'c0.created_at',
      ).as('last_updated'),
    ])
    .where('c0.tenant_id', '=', tenantId);
  if (memberId !== undefined) {
    inner = inner.where('c0.id', 'in', db.selectFrom('chat_members').select('chat_id').where('tenant_id', '=', tenantId).where('user_id', '=', memberId));
  }
  return db.selectFrom(inner.as('c')).selectAll();
}

export function chatRoutes(app: GraphApp, deps: AppDeps): void {
  const db = deps.store.db;
  const config = { permissions: DirectoryPermissions.chats };

  const chatsSpec = (tenantId: string, memberId: string | undefined, contextPath: string): CollectionSpec<ChatRow, Entity> => ({
    options: chatOptions, contextPath, toEntity: chatToGraph,
    base: () => chatsQuery(db, tenantId, memberId) as never,
    countBase: () => chatsQuery(db, tenantId, memberId).clearSelect() as never,
  });
  const membersQuery = (tenantId: string, chatId: string) => db.selectFrom(
    db.selectFrom('chat_members as cm')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'cm.tenant_id').onRef('u.id', '=', 'cm.user_id'))
      .select(['cm.tenant_id', 'cm.chat_id', 'cm.user_id', 'cm.roles', 'u.display_name', sql<string | null>`coalesce(u.mail, u.user_principal_name)`.as('email')])
      .where('cm.tenant_id', '=', tenantId).where('cm.chat_id', '=', chatId).as('m'),
  ).selectAll();
  const messagesQuery = (tenantId: string, chatId: string) => db.selectFrom(
    db.selectFrom('chat_messages as x')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'x.tenant_id').onRef('u.id', '=', 'x.from_user_id'))
      .select(['x.tenant_id', 'x.chat_id', 'x.id', 'x.from_user_id', 'x.body', 'x.message_type', 'x.created_at', 'u.display_name'])
      .where('x.tenant_id', '=', tenantId).where('x.chat_id', '=', chatId).as('m'),
  ).selectAll();

  /** The chat, in the caller's tenant; under /users/{id}/chats the user must also be a member. */
  async function chat(req: FastifyRequest): Promise<ChatRow> {
    const tenantId = tenantOf(req);
    const id = keyParam(req, 'chatId');
    let memberId: string | undefined;
    if ((req.params as Record<string, string>).userKey !== undefined) memberId = (await requireUser(db, tenantId, keyParam(req, 'userKey'), Errors.resourceNotFound)).id;
    const row = await chatsQuery(db, tenantId, memberId).where('c.id', '=', id).executeTakeFirst();
    if (!row) throw Errors.chatNotFound(id);
    return row as ChatRow;
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
        base: () => membersQuery(c.tenant_id, c.id) as never,
        countBase: () => membersQuery(c.tenant_id, c.id).clearSelect() as never,
      } satisfies CollectionSpec<MemberRow, Entity>);
    });
    app.get(`${prefix}/messages`, { config }, async (req, reply) => {
      const c = await chat(req);
      return sendCollection(req, reply, {
        options: messageOptions, contextPath: `${keyed('chats', c.id)}/messages`, toEntity: messageToGraph,
        base: () => messagesQuery(c.tenant_id, c.id) as never,
        countBase: () => messagesQuery(c.tenant_id, c.id).clearSelect() as never,
      } satisfies CollectionSpec<MessageRow, Entity>);
    });
    app.get(`${prefix}/messages/:messageId`, { config }, async (req, reply) => {
      const c = await chat(req);
      const m = await messagesQuery(c.tenant_id, c.id).where('m.id', '=', keyParam(req, 'messageId')).executeTakeFirst();
      if (!m) throw Errors.chatMessageNotFound();
      return sendEntity(req, reply, messageToGraph(m as MessageRow), `${keyed('chats', c.id)}/messages`, { typeName: 'microsoft.graph.chatMessage', selectable: MESSAGE_PROPERTIES });
    });
  }
}

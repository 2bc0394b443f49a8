// Repository of Teams chats: chats (with lastUpdatedDateTime = newest message, else creation),
// their members (with the user's name and address) and their messages (with the sender's name).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { listSource, type ListSource } from './listQuery.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ChatRow { tenant_id: string; id: string; chat_type: string; topic: string | null; created_at: string; last_updated: string }
export interface ChatMemberRow { tenant_id: string; chat_id: string; user_id: string; roles: string; display_name: string | null; email: string | null }
export interface ChatMessageRow { tenant_id: string; chat_id: string; id: string; from_user_id: string | null; body: string; message_type: string; created_at: string; display_name: string | null }

/** Chats as derived table `c`; with `memberId`, only the chats that user is a member of. */
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

/** Members as derived table `m`. */
function membersQuery(db: Db, tenantId: string, chatId: string) {
  return db.selectFrom(
    db.selectFrom('chat_members as cm')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'cm.tenant_id').onRef('u.id', '=', 'cm.user_id'))
      .select(['cm.tenant_id', 'cm.chat_id', 'cm.user_id', 'cm.roles', 'u.display_name', sql<string | null>`coalesce(u.mail, u.user_principal_name)`.as('email')])
      .where('cm.tenant_id', '=', tenantId).where('cm.chat_id', '=', chatId).as('m'),
  ).selectAll();
}

/** Messages as derived table `m`. */
function messagesQuery(db: Db, tenantId: string, chatId: string) {
  return db.selectFrom(
    db.selectFrom('chat_messages as x')
      .leftJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'x.tenant_id').onRef('u.id', '=', 'x.from_user_id'))
      .select(['x.tenant_id', 'x.chat_id', 'x.id', 'x.from_user_id', 'x.body', 'x.message_type', 'x.created_at', 'u.display_name'])
      .where('x.tenant_id', '=', tenantId).where('x.chat_id', '=', chatId).as('m'),
  ).selectAll();
}

export const chatsRepo = {
  chats(db: Db, tenantId: string, memberId?: string): ListSource<ChatRow> {
    return listSource(() => chatsQuery(db, tenantId, memberId) as never, () => chatsQuery(db, tenantId, memberId).clearSelect() as never);
  },

  async chat(db: Db, tenantId: string, chatId: string, memberId?: string): Promise<ChatRow | undefined> {
    return (await chatsQuery(db, tenantId, memberId).where('c.id', '=', chatId).executeTakeFirst()) as ChatRow | undefined;
  },

  members(db: Db, tenantId: string, chatId: string): ListSource<ChatMemberRow> {
    return listSource(() => membersQuery(db, tenantId, chatId) as never, () => membersQuery(db, tenantId, chatId).clearSelect() as never);
  },

  messages(db: Db, tenantId: string, chatId: string): ListSource<ChatMessageRow> {
    return listSource(() => messagesQuery(db, tenantId, chatId) as never, () => messagesQuery(db, tenantId, chatId).clearSelect() as never);
  },

  async message(db: Db, tenantId: string, chatId: string, id: string): Promise<ChatMessageRow | undefined> {
    return (await messagesQuery(db, tenantId, chatId).where('m.id', '=', id).executeTakeFirst()) as ChatMessageRow | undefined;
  },

  // ---- writes through Graph (graph/directory/chats.ts); the change-log triggers record each one ----

  /** Where a migrated chat went (the engine sets it on the source thread), or null. */
  async migratedTo(db: Db, tenantId: string, chatId: string): Promise<string | null> {
    return (await db.selectFrom('chats').select('migrated_to').where('tenant_id', '=', tenantId).where('id', '=', chatId).executeTakeFirst())?.migrated_to ?? null;
  },

  async isMember(db: Db, tenantId: string, chatId: string, userId: string): Promise<boolean> {
    return !!(await db.selectFrom('chat_members').select('user_id').where('tenant_id', '=', tenantId).where('chat_id', '=', chatId).where('user_id', '=', userId).executeTakeFirst());
  },

  /** Posts a message; its id is the post time in ms (Teams' form), moved on past any message with that id. */
  async postMessage(db: Db, m: { tenantId: string; chatId: string; fromUserId: string | null; body: string; nowMs: number; nowIso: string }): Promise<string> {
    let id = m.nowMs;
    while (await db.selectFrom('chat_messages').select('id').where('tenant_id', '=', m.tenantId).where('chat_id', '=', m.chatId).where('id', '=', String(id)).executeTakeFirst()) id++;
    await db.insertInto('chat_messages').values({ tenant_id: m.tenantId, chat_id: m.chatId, id: String(id), from_user_id: m.fromUserId, body: m.body, message_type: 'message', created_at: m.nowIso }).execute();
    return String(id);
  },
};

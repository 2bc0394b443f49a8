// Which tenant-content tables the change log tracks, and how each row names its owner and item.
// The owner is what a mover reads changes by: a mailbox's user, a drive's site, a chat, a meeting's
// organiser. Composite keys are joined with '|' into one item id.
export const TRACKED_CONTENT = [
  { table: 'mail_folders', kind: 'mailFolder', owner: 'user_id', item: ['id'] },
  { table: 'mail_items', kind: 'mailItem', owner: 'user_id', item: ['id'] },
  { table: 'recipients', kind: 'recipient', owner: 'id', item: ['id'] },
  { table: 'sites', kind: 'site', owner: 'id', item: ['id'] },
  { table: 'drive_items', kind: 'driveItem', owner: 'site_id', item: ['id'] },
  { table: 'permissions', kind: 'permission', owner: 'site_id', item: ['item_id', 'principal_type', 'principal_id'] },
  { table: 'chats', kind: 'chat', owner: 'id', item: ['id'] },
  { table: 'chat_members', kind: 'chatMember', owner: 'chat_id', item: ['user_id'] },
  { table: 'chat_messages', kind: 'chatMessage', owner: 'chat_id', item: ['id'] },
  { table: 'meetings', kind: 'meeting', owner: 'organizer_id', item: ['id'] },
] as const;

export type TrackedContent = (typeof TRACKED_CONTENT)[number];
export type ChangeKind = TrackedContent['kind'];
export const CHANGE_KINDS = TRACKED_CONTENT.map((t) => t.kind) as ChangeKind[];

/** The mark a bulk load (scenario load, tenant delete) leaves instead of one row per item: rescan the tenant. */
export const RESET = 'reset' as const;
export type ChangeOp = 'add' | 'change' | 'delete' | typeof RESET;

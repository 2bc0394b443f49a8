// Permissions the workload read endpoints accept. Every set includes the directory-read set the lead
// defined (so a migration app with CrossTenantContentMigration.* can read what it migrates), plus the
// workload's own Graph permissions. Real Graph is stricter: Directory.Read.All does not open mail.
import { Permissions } from '../auth/guard.js';

const dir = Permissions.directoryRead;

export const DirectoryPermissions = {
  users: dir,
  groups: [...dir, 'Group.Read.All', 'Group.ReadWrite.All', 'GroupMember.Read.All', 'GroupMember.ReadWrite.All'],
  organization: [...dir, 'Organization.Read.All', 'Organization.ReadWrite.All'],
  mail: [...dir, 'Mail.Read', 'Mail.ReadBasic', 'Mail.ReadBasic.All', 'Mail.ReadWrite'],
  calendars: [...dir, 'Calendars.Read', 'Calendars.ReadBasic', 'Calendars.ReadWrite'],
  contacts: [...dir, 'Contacts.Read', 'Contacts.ReadWrite'],
  files: [...dir, 'Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All'],
  sites: [...dir, 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All'],
  chats: [...dir, 'Chat.Read.All', 'Chat.ReadWrite.All', 'Chat.ReadBasic.All', 'ChatMember.Read.All', 'ChatMessage.Read.All'],
} as const;

/** Writes need the workload's own write permission (application or delegated); directory roles do not open content. */
export const ContentWritePermissions = {
  files: ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All', 'Sites.FullControl.All'],
  mail: ['Mail.ReadWrite'],
  mailSend: ['Mail.Send'],
  calendars: ['Calendars.ReadWrite'],
  contacts: ['Contacts.ReadWrite'],
  chats: ['Chat.ReadWrite', 'Chat.ReadWrite.All', 'ChatMessage.Send'],
} as const;

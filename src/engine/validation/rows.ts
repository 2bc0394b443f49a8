// Row → snapshot conversions shared by the loaders (JSON text columns parsed, 0/1 flags to booleans).
import type { Selectable } from 'kysely';
import type { RecipientsTable, UsersTable } from '../../store/schema.js';
import { NO_HOLDS, type MailboxHolds } from '../../tenants/model.js';
import type { RecipientRecord, UserRecord } from '../../domain/validation/types.js';

export const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toUser(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    mail: r.mail,
    accountEnabled: !!r.account_enabled,
    userType: r.user_type,
    licenses: parseJson<string[]>(r.licenses, []),
  };
}

export function toRecipient(r: Selectable<RecipientsTable>): RecipientRecord {
  return {
    id: r.id,
    recipientType: r.recipient_type,
    recipientTypeDetails: r.recipient_type_details,
    alias: r.alias,
    primarySmtpAddress: r.primary_smtp_address,
    emailAddresses: parseJson<string[]>(r.email_addresses, []),
    externalEmailAddress: r.external_email_address,
    exchangeGuid: r.exchange_guid,
    archiveGuid: r.archive_guid,
    auxArchiveCount: Number(r.aux_archive_count),
    legacyExchangeDn: r.legacy_exchange_dn,
    holds: { ...NO_HOLDS, ...parseJson<Partial<MailboxHolds>>(r.holds, {}) },
    mailboxSizeBytes: Number(r.mailbox_size_bytes),
    recoverableItemsSizeBytes: Number(r.recoverable_items_size_bytes),
    prohibitSendReceiveQuotaBytes: Number(r.prohibit_send_receive_quota_bytes),
    recoverableItemsQuotaBytes: Number(r.recoverable_items_quota_bytes),
    previousRecipientTypeDetails: r.previous_recipient_type_details,
    mailboxMoveRemoteHostName: r.mailbox_move_remote_host_name,
  };
}

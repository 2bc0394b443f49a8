// Mail items → Graph message / event / contact JSON. xtm keeps one row per item (subject, sender,
// preview, read flag, times); properties it does not model get Graph's empty values.
import type { MailItemRow as MailItemsTable } from '../../store/mailRepo.js';
import { parseJson } from '../../store/json.js';
import type { Entity } from './common.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

/** The properties written through Graph (content_docs), over the row's own. */
const docOf = (m: MailItemsTable): Entity => (m.doc ? parseJson<Entity>(m.doc, {}) : {});

/** A file attachment as a message's document keeps it: the bytes are the blob `sha256` (mailAttachments.ts). */
export interface StoredAttachment { id: string; name: string; contentType: string; size: number; isInline: boolean; contentId: string | null; sha256: string; lastModifiedDateTime: string }

export const attachmentsOf = (m: MailItemsTable): StoredAttachment[] => (docOf(m).attachments as StoredAttachment[] | undefined) ?? [];

const recipient = (address: string | null) => (address ? { emailAddress: { name: address, address } } : null);

export function messageToGraph(m: MailItemsTable): Entity {
  const from = recipient(m.from_address);
  // The attachments are a navigation (…/attachments), not a property; inline ones don't count (as on Graph).
  const { attachments, ...doc } = docOf(m);
  return {
    id: m.id,
    createdDateTime: formatDateTimeOffset(m.received_at),
    lastModifiedDateTime: formatDateTimeOffset(m.last_modified_at),
    receivedDateTime: formatDateTimeOffset(m.received_at),
    sentDateTime: formatDateTimeOffset(m.received_at),
    hasAttachments: ((attachments as StoredAttachment[] | undefined) ?? []).some((x) => !x.isInline),
    subject: m.subject,
    bodyPreview: m.body_preview,
    importance: 'normal',
    parentFolderId: m.folder_id,
    isRead: m.is_read === 1,
    isDraft: false,
    body: { contentType: 'text', content: m.body_preview },
    sender: from,
    from,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    ...doc,
  };
}

/** Calendar items carry no meeting times in xtm's store: the item time is the start, plus 30 minutes. */
export function eventToGraph(m: MailItemsTable): Entity {
  const start = Date.parse(m.received_at);
  // dateTimeTimeZone.dateTime: the same seven digits, without the offset (the zone is named beside it).
  const graphTime = (ms: number) => formatDateTimeOffset(ms).replace(/Z$/, '');
  return {
    id: m.id,
    createdDateTime: formatDateTimeOffset(m.received_at),
    lastModifiedDateTime: formatDateTimeOffset(m.last_modified_at),
    subject: m.subject,
    bodyPreview: m.body_preview,
    isCancelled: false,
    start: { dateTime: graphTime(start), timeZone: 'UTC' },
    end: { dateTime: graphTime(start + 30 * 60_000), timeZone: 'UTC' },
    organizer: recipient(m.from_address),
    ...docOf(m),
  };
}

export function contactToGraph(m: MailItemsTable): Entity {
  return {
    id: m.id,
    createdDateTime: formatDateTimeOffset(m.received_at),
    lastModifiedDateTime: formatDateTimeOffset(m.last_modified_at),
    parentFolderId: m.folder_id,
    displayName: m.subject,
    emailAddresses: m.from_address ? [{ name: m.subject, address: m.from_address }] : [],
    ...docOf(m),
  };
}

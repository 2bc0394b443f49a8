// Mail items → Graph message / event / contact JSON. xtm keeps one row per item (subject, sender,
// preview, read flag, times); properties it does not model get Graph's empty values.
import type { MailItemRow as MailItemsTable } from '../../store/mailRepo.js';
import { parseJson } from '../../store/json.js';
import type { Entity } from './common.js';
import { formatDateTimeOffset } from '../../domain/dateTime.js';

/** The properties written through Graph (content_docs), over the row's own. */
const docOf = (m: MailItemsTable): Entity => (m.doc ? parseJson<Entity>(m.doc, {}) : {});

const recipient = (address: string | null) => (address ? { emailAddress: { name: address, address } } : null);

export function messageToGraph(m: MailItemsTable): Entity {
  const from = recipient(m.from_address);
  return {
    id: m.id,
    createdDateTime: formatDateTimeOffset(m.received_at),
    lastModifiedDateTime: formatDateTimeOffset(m.last_modified_at),
    receivedDateTime: formatDateTimeOffset(m.received_at),
    sentDateTime: formatDateTimeOffset(m.received_at),
    hasAttachments: false,
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
    ...docOf(m),
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

// Mailbox reads (mail folders, messages, events, contacts): src/graph/directory/mail.ts, mailSerialize.ts.
import { G, collection, complex, entity, enumType, nav, prop, type EdmModule } from '../edm.js';

const recipients = collection(G('recipient'));

export const outlook: EdmModule = {
  types: [
    entity('mailFolder', G('entity'), [
      prop('childFolderCount', 'Edm.Int32'),
      prop('displayName', 'Edm.String'),
      prop('isHidden', 'Edm.Boolean'),
      prop('parentFolderId', 'Edm.String'),
      prop('totalItemCount', 'Edm.Int32'),
      prop('unreadItemCount', 'Edm.Int32'),
    ], {
      navigation: [nav('childFolders', collection(G('mailFolder')), true), nav('messages', collection(G('message')), true)],
    }),
    entity('outlookItem', G('entity'), [
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('lastModifiedDateTime', 'Edm.DateTimeOffset'),
    ], { abstract: true }),
    entity('message', G('outlookItem'), [
      prop('bccRecipients', recipients),
      prop('body', G('itemBody')),
      prop('bodyPreview', 'Edm.String'),
      prop('ccRecipients', recipients),
      prop('from', G('recipient')),
      prop('hasAttachments', 'Edm.Boolean'),
      prop('importance', G('importance')),
      prop('isDraft', 'Edm.Boolean'),
      prop('isRead', 'Edm.Boolean'),
      prop('parentFolderId', 'Edm.String'),
      prop('receivedDateTime', 'Edm.DateTimeOffset'),
      prop('sender', G('recipient')),
      prop('sentDateTime', 'Edm.DateTimeOffset'),
      prop('subject', 'Edm.String'),
      prop('toRecipients', recipients),
    ], { openType: true, navigation: [nav('attachments', collection(G('attachment')), true)] }),
    // File attachments (src/graph/directory/mailAttachments.ts).
    entity('attachment', G('entity'), [
      prop('contentType', 'Edm.String'),
      prop('isInline', 'Edm.Boolean', false),
      prop('lastModifiedDateTime', 'Edm.DateTimeOffset'),
      prop('name', 'Edm.String'),
      prop('size', 'Edm.Int32', false),
    ]),
    entity('fileAttachment', G('attachment'), [
      prop('contentBytes', 'Edm.Binary'),
      prop('contentId', 'Edm.String'),
      prop('contentLocation', 'Edm.String'),
    ]),
    entity('event', G('outlookItem'), [
      prop('bodyPreview', 'Edm.String'),
      prop('end', G('dateTimeTimeZone')),
      prop('isCancelled', 'Edm.Boolean'),
      prop('organizer', G('recipient')),
      prop('start', G('dateTimeTimeZone')),
      prop('subject', 'Edm.String'),
    ], { openType: true }),
    entity('contact', G('outlookItem'), [
      prop('displayName', 'Edm.String'),
      prop('emailAddresses', collection(G('typedEmailAddress'))),
      prop('parentFolderId', 'Edm.String'),
    ], { openType: true }),
    complex('dateTimeTimeZone', [prop('dateTime', 'Edm.String', false), prop('timeZone', 'Edm.String')]),
    complex('typedEmailAddress', [], { baseType: G('emailAddress') }),
    enumType('importance', ['low', 'normal', 'high']),
  ],
  // Writes and delta (src/graph/directory/mailWrites.ts, delta.ts).
  operations: [
    { kind: 'action', name: 'move', bindingType: G('message'), parameters: [prop('destinationId', 'Edm.String', false)], returnType: { type: G('message') } },
    { kind: 'action', name: 'send', bindingType: G('message') },
    { kind: 'action', name: 'sendMail', bindingType: G('user'), parameters: [prop('message', G('message'), false), prop('saveToSentItems', 'Edm.Boolean')] },
    { kind: 'function', name: 'delta', bindingType: collection(G('message')), returnType: { type: collection(G('message')) }, composable: true },
    { kind: 'function', name: 'delta', bindingType: collection(G('contact')), returnType: { type: collection(G('contact')) }, composable: true },
    { kind: 'function', name: 'delta', bindingType: collection(G('event')), returnType: { type: collection(G('event')) }, composable: true },
  ],
};

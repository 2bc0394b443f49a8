// Teams chat reads (/chats, /users/{id}/chats, members, messages): src/graph/directory/chats.ts.
import { G, collection, complex, entity, enumType, nav, prop, type EdmModule } from '../edm.js';
import { stringList } from './common.js';

export const teams: EdmModule = {
  types: [
    entity('chat', G('entity'), [
      prop('chatType', G('chatType'), false),
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('isHiddenForAllMembers', 'Edm.Boolean'),
      prop('lastUpdatedDateTime', 'Edm.DateTimeOffset'),
      prop('tenantId', 'Edm.String'),
      prop('topic', 'Edm.String'),
      prop('webUrl', 'Edm.String'),
    ], { navigation: [nav('members', collection(G('conversationMember')), true), nav('messages', collection(G('chatMessage')), true)] }),
    entity('chatMessage', G('entity'), [
      prop('attachments', collection(G('chatMessageAttachment')), false),
      prop('body', G('chatMessageBody'), false),
      prop('chatId', 'Edm.String'),
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('deletedDateTime', 'Edm.DateTimeOffset'),
      prop('etag', 'Edm.String'),
      prop('from', G('chatMessageFromIdentitySet')),
      prop('importance', G('chatMessageImportance'), false),
      prop('lastEditedDateTime', 'Edm.DateTimeOffset'),
      prop('lastModifiedDateTime', 'Edm.DateTimeOffset'),
      prop('locale', 'Edm.String', false),
      prop('mentions', collection(G('chatMessageMention')), false),
      prop('messageType', G('chatMessageType'), false),
      prop('reactions', collection(G('chatMessageReaction')), false),
      prop('replyToId', 'Edm.String'),
      prop('subject', 'Edm.String'),
      prop('summary', 'Edm.String'),
      prop('webUrl', 'Edm.String'),
    ]),
    entity('conversationMember', G('entity'), [
      prop('displayName', 'Edm.String'),
      prop('roles', stringList),
      prop('visibleHistoryStartDateTime', 'Edm.DateTimeOffset'),
    ], { abstract: true }),
    entity('aadUserConversationMember', G('conversationMember'), [
      prop('email', 'Edm.String'),
      prop('tenantId', 'Edm.String'),
      prop('userId', 'Edm.String'),
    ]),
    complex('chatMessageBody', [prop('content', 'Edm.String'), prop('contentType', G('bodyType'))]),
    complex('chatMessageFromIdentitySet', [], { baseType: G('identitySet') }),
    complex('teamworkUserIdentity', [prop('userIdentityType', G('teamworkUserIdentityType'))], { baseType: G('identity') }),
    // Never populated by xtm: the collections are always empty.
    complex('chatMessageAttachment', []),
    complex('chatMessageMention', []),
    complex('chatMessageReaction', []),
    enumType('chatType', ['oneOnOne', 'group', 'meeting', 'unknownFutureValue']),
    enumType('chatMessageType', ['message', 'chatEvent', 'typing', 'unknownFutureValue', 'systemEventMessage']),
    enumType('chatMessageImportance', ['normal', 'high', 'urgent']),
    enumType('teamworkUserIdentityType', [
      'aadUser', 'onPremiseAadUser', 'anonymousGuest', 'federatedUser', 'personalMicrosoftAccountUser', 'skypeUser', 'phoneUser',
      'unknownFutureValue', 'emailUser', 'azureCommunicationServicesUser',
    ]),
  ],
  container: [{ kind: 'entitySet', name: 'chats', type: G('chat') }],
};

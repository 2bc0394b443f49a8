// Directory reads (/users, /groups, /organization, /subscribedSkus): src/graph/directory/users.ts, groups.ts.
import { G, collection, complex, entity, nav, prop, type EdmModule } from '../edm.js';
import { stringList } from './common.js';

export const directory: EdmModule = {
  types: [
    entity('directoryObject', G('entity'), [prop('deletedDateTime', 'Edm.DateTimeOffset')], { openType: true }),
    entity('user', G('directoryObject'), [
      prop('accountEnabled', 'Edm.Boolean'),
      prop('assignedLicenses', collection(G('assignedLicense')), false),
      prop('businessPhones', stringList, false),
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('displayName', 'Edm.String'),
      prop('givenName', 'Edm.String'),
      prop('jobTitle', 'Edm.String'),
      prop('mail', 'Edm.String'),
      prop('mailNickname', 'Edm.String'),
      prop('mobilePhone', 'Edm.String'),
      prop('officeLocation', 'Edm.String'),
      prop('preferredLanguage', 'Edm.String'),
      prop('proxyAddresses', stringList, false),
      prop('surname', 'Edm.String'),
      prop('userPrincipalName', 'Edm.String'),
      prop('userType', 'Edm.String'),
    ], {
      openType: true,
      navigation: [
        nav('calendarView', collection(G('event')), true),
        nav('chats', collection(G('chat')), true),
        nav('contacts', collection(G('contact')), true),
        nav('drive', G('drive'), true),
        nav('events', collection(G('event')), true),
        nav('mailFolders', collection(G('mailFolder')), true),
        nav('messages', collection(G('message')), true),
      ],
    }),
    entity('group', G('directoryObject'), [
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('description', 'Edm.String'),
      prop('displayName', 'Edm.String'),
      prop('groupTypes', stringList, false),
      prop('mail', 'Edm.String'),
      prop('mailEnabled', 'Edm.Boolean'),
      prop('mailNickname', 'Edm.String'),
      prop('proxyAddresses', stringList, false),
      prop('securityEnabled', 'Edm.Boolean'),
    ], { openType: true, navigation: [nav('members', collection(G('directoryObject')))] }),
    entity('organization', G('directoryObject'), [
      prop('createdDateTime', 'Edm.DateTimeOffset'),
      prop('displayName', 'Edm.String'),
      prop('tenantType', 'Edm.String'),
      prop('verifiedDomains', collection(G('verifiedDomain')), false),
    ], { openType: true }),
    entity('subscribedSku', G('entity'), [
      prop('appliesTo', 'Edm.String'),
      prop('capabilityStatus', 'Edm.String'),
      prop('consumedUnits', 'Edm.Int32'),
      prop('prepaidUnits', G('licenseUnitsDetail')),
      prop('servicePlans', collection(G('servicePlanInfo')), false),
      prop('skuId', 'Edm.Guid'),
      prop('skuPartNumber', 'Edm.String'),
    ]),
    complex('assignedLicense', [prop('disabledPlans', collection('Edm.Guid'), false), prop('skuId', 'Edm.Guid')]),
    complex('verifiedDomain', [
      prop('capabilities', 'Edm.String'),
      prop('isDefault', 'Edm.Boolean'),
      prop('isInitial', 'Edm.Boolean'),
      prop('name', 'Edm.String'),
      prop('type', 'Edm.String'),
    ]),
    complex('licenseUnitsDetail', [
      prop('enabled', 'Edm.Int32'),
      prop('lockedOut', 'Edm.Int32'),
      prop('suspended', 'Edm.Int32'),
      prop('warning', 'Edm.Int32'),
    ]),
    // xtm models no service plans: the collection is always empty, so the type declares nothing.
    complex('servicePlanInfo', []),
  ],
  container: [
    { kind: 'entitySet', name: 'users', type: G('user') },
    // Group members are directory objects (users or groups): Graph answers them with `#directoryObjects`.
    { kind: 'entitySet', name: 'groups', type: G('group'), bindings: { members: 'directoryObjects' } },
    { kind: 'entitySet', name: 'directoryObjects', type: G('directoryObject') },
    { kind: 'entitySet', name: 'organization', type: G('organization') },
    { kind: 'entitySet', name: 'subscribedSkus', type: G('subscribedSku') },
  ],
};

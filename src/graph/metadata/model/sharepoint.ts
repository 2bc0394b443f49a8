// /solutions/sharePoint/migrations (graph-api-surface.md §8): tasks with polymorphic parameters, the
// identity mappings with their alternate keys, the getBySource… functions and cancel.
import { SpoGroupTypes, SpoUserTypes } from '../../../domain/spoIdentityMap.js';
import { SpoTaskStatuses } from '../../../domain/spoMigrationTask.js';
import { G, collection, complex, entity, enumType, nav, prop, type EdmModule } from '../edm.js';

const task = G('sharePointMigrationTask');

export const sharepoint: EdmModule = {
  types: [
    entity('sharePointRoot', G('entity'), [], { navigation: [nav('migrations', G('sharePointMigrationsRoot'), true)] }),
    entity('sharePointMigrationsRoot', G('entity'), [], {
      navigation: [
        nav('crossOrganizationGroupMappings', collection(G('sharePointGroupIdentityMapping')), true),
        nav('crossOrganizationMigrationTasks', collection(task), true),
        nav('crossOrganizationUserMappings', collection(G('sharePointUserIdentityMapping')), true),
      ],
    }),
    entity('sharePointMigrationTask', G('entity'), [
      prop('error', G('publicError'), false),
      prop('finishedDateTime', 'Edm.DateTimeOffset', false),
      prop('lastUpdatedDateTime', 'Edm.DateTimeOffset', false),
      prop('parameters', G('sharePointMigrationTaskParameters'), false),
      prop('startedDateTime', 'Edm.DateTimeOffset', false),
      prop('status', G('sharePointMigrationTaskStatus'), false),
    ]),
    complex('sharePointMigrationTaskParameters', [
      prop('preferredLatestStartDateTime', 'Edm.DateTimeOffset'),
      prop('preferredStartDateTime', 'Edm.DateTimeOffset'),
      prop('sourceSiteUrl', 'Edm.String'),
      prop('targetDataLocationCode', 'Edm.String'),
      prop('targetOrganizationHost', 'Edm.String'),
      prop('targetOrganizationId', 'Edm.Guid'),
      prop('targetSiteUrl', 'Edm.String'),
      prop('validateOnly', 'Edm.Boolean'),
    ]),
    complex('sharePointUserMigrationTaskParameters', [prop('sourceUserIdentity', G('userIdentity')), prop('targetUserIdentity', G('userIdentity'))], { baseType: G('sharePointMigrationTaskParameters') }),
    complex('sharePointSiteMigrationTaskParameters', [], { baseType: G('sharePointMigrationTaskParameters') }),
    complex('sharePointGroupMigrationTaskParameters', [prop('sourceGroupIdentity', G('groupIdentity')), prop('targetGroupIdentity', G('groupIdentity'))], { baseType: G('sharePointMigrationTaskParameters') }),
    complex('userIdentity', [prop('ipAddress', 'Edm.String'), prop('userPrincipalName', 'Edm.String')], { baseType: G('identity') }),
    complex('groupIdentity', [prop('mailNickname', 'Edm.String')], { baseType: G('identity') }),
    complex('publicError', [
      prop('code', 'Edm.String'), prop('details', collection(G('publicErrorDetail'))), prop('message', 'Edm.String'), prop('target', 'Edm.String'),
    ]),
    complex('publicErrorDetail', [prop('code', 'Edm.String'), prop('message', 'Edm.String'), prop('target', 'Edm.String')]),
    entity('sharePointIdentityMapping', G('entity'), [prop('deleted', G('deleted')), prop('sourceOrganizationId', 'Edm.Guid', false)]),
    entity('sharePointUserIdentityMapping', G('sharePointIdentityMapping'), [
      prop('sourceUserIdentity', G('userIdentity')),
      prop('targetUserIdentity', G('userIdentity')),
      prop('targetUserMigrationData', G('sharePointIdentityMappingUserMigrationData')),
      prop('userType', G('sharePointIdentityMappingUserType'), false),
    ], { alternateKeys: [[{ alias: 'sourceUserPrincipalName', path: 'sourceUserIdentity/userPrincipalName' }]] }),
    entity('sharePointGroupIdentityMapping', G('sharePointIdentityMapping'), [
      prop('groupType', G('sharePointIdentityMappingGroupType'), false),
      prop('sourceGroupIdentity', G('identity')),
      prop('targetGroupIdentity', G('identity')),
      prop('targetGroupMigrationData', G('sharePointIdentityMappingGroupMigrationData')),
    ], { alternateKeys: [[{ alias: 'sourceGroupObjectId', path: 'sourceGroupIdentity/id' }]] }),
    complex('deleted', [prop('state', 'Edm.String')]),
    complex('sharePointIdentityMappingUserMigrationData', [prop('email', 'Edm.String')]),
    complex('sharePointIdentityMappingGroupMigrationData', [prop('mailNickname', 'Edm.String')]),
    enumType('sharePointMigrationTaskStatus', SpoTaskStatuses),
    enumType('sharePointIdentityMappingUserType', SpoUserTypes),
    enumType('sharePointIdentityMappingGroupType', SpoGroupTypes),
  ],
  operations: [
    { kind: 'action', name: 'cancel', bindingType: task },
    { kind: 'function', name: 'getBySourceUserPrincipalName', bindingType: collection(task), parameters: [prop('sourcePrincipalName', 'Edm.String', false)], returnType: { type: task } },
    { kind: 'function', name: 'getBySourceSiteUrl', bindingType: collection(task), parameters: [prop('sourceSiteUrl', 'Edm.String', false)], returnType: { type: task } },
    { kind: 'function', name: 'getBySourceGroupMailNickname', bindingType: collection(task), parameters: [prop('sourceGroupMailNickname', 'Edm.String', false)], returnType: { type: task } },
  ],
};

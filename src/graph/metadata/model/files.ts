// OneDrive / SharePoint reads (sites, drives, drive items, permissions): src/graph/directory/drive.ts, sites.ts.
import { G, collection, complex, entity, nav, prop, type EdmModule } from '../edm.js';
import { stringList } from './common.js';

export const files: EdmModule = {
  types: [
    entity('baseItem', G('entity'), [
      prop('createdBy', G('identitySet')),
      prop('createdDateTime', 'Edm.DateTimeOffset', false),
      prop('description', 'Edm.String'),
      prop('lastModifiedBy', G('identitySet')),
      prop('lastModifiedDateTime', 'Edm.DateTimeOffset', false),
      prop('name', 'Edm.String'),
      prop('parentReference', G('itemReference')),
      prop('webUrl', 'Edm.String'),
    ], { abstract: true }),
    entity('site', G('baseItem'), [
      prop('displayName', 'Edm.String'),
      prop('root', G('root')),
      prop('siteCollection', G('siteCollection')),
    ], { navigation: [nav('drive', G('drive'), true)] }),
    entity('drive', G('baseItem'), [
      prop('driveType', 'Edm.String'),
      prop('owner', G('identitySet')),
      prop('quota', G('quota')),
    ], { navigation: [nav('items', collection(G('driveItem')), true), nav('root', G('driveItem'), true)] }),
    entity('driveItem', G('baseItem'), [
      prop('content', 'Edm.Stream'), // GET …/items/{id}/content: the file's bytes
      prop('file', G('file')),
      prop('fileSystemInfo', G('fileSystemInfo')),
      prop('folder', G('folder')),
      prop('root', G('root')),
      prop('size', 'Edm.Int64'),
    ], { navigation: [nav('children', collection(G('driveItem')), true), nav('permissions', collection(G('permission')), true)] }),
    entity('permission', G('entity'), [
      prop('grantedToV2', G('sharePointIdentitySet')),
      prop('hasPassword', 'Edm.Boolean'),
      prop('inheritedFrom', G('itemReference')),
      prop('link', G('sharingLink')),
      prop('roles', stringList),
    ]),
    complex('uploadSession', [
      prop('expirationDateTime', 'Edm.DateTimeOffset'),
      prop('nextExpectedRanges', stringList),
      prop('uploadUrl', 'Edm.String'),
    ]),
    complex('itemReference', [
      prop('driveId', 'Edm.String'),
      prop('driveType', 'Edm.String'),
      prop('id', 'Edm.String'),
      prop('path', 'Edm.String'),
    ]),
    complex('siteCollection', [prop('hostname', 'Edm.String')]),
    complex('root', []),
    complex('quota', [
      prop('deleted', 'Edm.Int64'),
      prop('remaining', 'Edm.Int64'),
      prop('state', 'Edm.String'),
      prop('total', 'Edm.Int64'),
      prop('used', 'Edm.Int64'),
    ]),
    complex('fileSystemInfo', [prop('createdDateTime', 'Edm.DateTimeOffset'), prop('lastModifiedDateTime', 'Edm.DateTimeOffset')]),
    complex('folder', [prop('childCount', 'Edm.Int32')]),
    complex('file', [prop('hashes', G('hashes')), prop('mimeType', 'Edm.String')]),
    complex('hashes', [prop('sha256Hash', 'Edm.String')]),
    complex('sharingLink', [prop('scope', 'Edm.String'), prop('type', 'Edm.String'), prop('webUrl', 'Edm.String')]),
    complex('sharePointIdentitySet', [prop('group', G('identity'))], { baseType: G('identitySet') }),
  ],
  // Writes and delta (src/graph/directory/driveWrites.ts, delta.ts).
  operations: [
    { kind: 'action', name: 'createUploadSession', bindingType: G('driveItem'), returnType: { type: G('uploadSession') } },
    { kind: 'function', name: 'delta', bindingType: G('driveItem'), returnType: { type: collection(G('driveItem')) }, composable: true },
  ],
  container: [
    { kind: 'entitySet', name: 'drives', type: G('drive') },
    { kind: 'entitySet', name: 'sites', type: G('site') },
  ],
};

// Types shared by every area: the entity root, identities and the generic error pair.
import { G, collection, complex, entity, prop, type EdmModule } from '../edm.js';

export const common: EdmModule = {
  types: [
    entity('entity', undefined, [prop('id', 'Edm.String', false)], { abstract: true, key: ['id'] }),
    complex('identity', [prop('displayName', 'Edm.String'), prop('id', 'Edm.String')]),
    complex('identitySet', [prop('application', G('identity')), prop('device', G('identity')), prop('user', G('identity'))]),
    complex('error', [prop('code', 'Edm.String'), prop('message', 'Edm.String')]),
    complex('itemBody', [prop('content', 'Edm.String'), prop('contentType', G('bodyType'))]),
    complex('emailAddress', [prop('address', 'Edm.String'), prop('name', 'Edm.String')]),
    complex('recipient', [prop('emailAddress', G('emailAddress'))]),
    { kind: 'enum', name: 'bodyType', members: ['text', 'html'] },
  ],
};

export const stringList = collection('Edm.String');

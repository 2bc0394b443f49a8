// The job's OData key segment as the engine's plain JobKey. displayName is the one alternate key.
import type { JobKey } from '../../domain/job.js';
import { Errors } from '../errors.js';
import type { KeySegment } from '../odataResponse.js';

export function jobKeyOf(key: KeySegment): JobKey {
  switch (key.kind) {
    case 'alt':
      if (key.property.toLowerCase() !== 'displayname') throw Errors.badRequest(`'${key.property}' is not an alternate key of microsoft.graph.crossTenantMigrationJob. Use displayName.`);
      return { by: 'displayName', value: key.value };
    case 'id':
      return { by: 'id', value: key.value };
    case 'idOrAlt':
      return { by: 'idOrDisplayName', value: key.value };
  }
}

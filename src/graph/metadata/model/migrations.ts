// /solutions/migrations (graph-api-surface.md §2–§7): enum members come from the domain's own lists.
import { JobStatuses, JobTypes, ServiceStatuses } from '../../../domain/enums.js';
import { G, collection, complex, entity, enumType, nav, prop, type EdmModule } from '../edm.js';

const job = G('crossTenantMigrationJob');
const task = G('crossTenantMigrationTask');
const cancelResponse = { type: G('crossTenantMigrationCancelResponse') };

export const migrations: EdmModule = {
  types: [
    // Keyless like Microsoft's: it is only ever the `solutions` singleton.
    entity('solutionsRoot', undefined, [], { navigation: [nav('migrations', G('migrationsRoot'), true), nav('sharePoint', G('sharePointRoot'), true)] }),
    entity('migrationsRoot', G('entity'), [], { navigation: [nav('crossTenantMigrationJobs', collection(job), true)] }),
    entity('crossTenantMigrationJob', G('entity'), [
      prop('completeAfterDateTime', 'Edm.DateTimeOffset', false),
      prop('createdBy', 'Edm.String', false),
      prop('createdDateTime', 'Edm.DateTimeOffset', false),
      prop('displayName', 'Edm.String', false),
      prop('exchangeSettings', G('exchangeOnlineCrossTenantMigrationSettings')),
      prop('jobType', G('crossTenantMigrationJobType'), false),
      prop('lastUpdatedDateTime', 'Edm.DateTimeOffset', false),
      prop('message', 'Edm.String'),
      prop('resources', collection('Edm.String'), false),
      prop('resourceType', 'Edm.String', false),
      prop('sourceTenantId', 'Edm.String', false),
      prop('status', G('crossTenantMigrationJobStatus'), false),
      prop('targetTenantId', 'Edm.String', false),
      prop('workloads', collection('Edm.String'), false),
    ], {
      navigation: [nav('users', collection(task), true)],
      alternateKeys: [[{ alias: 'displayName', path: 'displayName' }]],
    }),
    entity('crossTenantMigrationTask', G('entity'), [
      prop('currentStatus', collection(G('crossTenantMigrationServiceStatusDetails'))),
      prop('lastUpdatedDateTime', 'Edm.DateTimeOffset', false),
      prop('taskType', 'Edm.String', false),
    ]),
    complex('crossTenantMigrationServiceStatusDetails', [
      prop('errors', collection(G('error'))),
      prop('message', 'Edm.String', false),
      prop('service', 'Edm.String', false),
      prop('status', G('crossTenantMigrationServiceStatus'), false),
    ]),
    complex('exchangeOnlineCrossTenantMigrationSettings', [
      prop('sourceEndpoint', 'Edm.String', false),
      prop('targetDeliveryDomain', 'Edm.String', false),
    ]),
    complex('crossTenantMigrationCancelResponse', [prop('message', 'Edm.String'), prop('status', 'Edm.String')]),
    enumType('crossTenantMigrationJobType', JobTypes),
    enumType('crossTenantMigrationJobStatus', JobStatuses),
    enumType('crossTenantMigrationServiceStatus', ServiceStatuses),
  ],
  operations: [
    { kind: 'action', name: 'validate', bindingType: job, returnType: { type: job } },
    { kind: 'action', name: 'migrate', bindingType: job, returnType: { type: job } },
    { kind: 'action', name: 'cancel', bindingType: job, returnType: cancelResponse },
    { kind: 'action', name: 'cancel', bindingType: task, returnType: cancelResponse },
  ],
  container: [{ kind: 'singleton', name: 'solutions', type: G('solutionsRoot') }],
};

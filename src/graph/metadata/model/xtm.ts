// xtm's own extensions in their own namespace (not Graph's): the progress document of a migrating job
// and the approval of skipped items (src/graph/migrationJobs/routes.ts, src/engine/migration/progress.ts).
import { G, X, XTM, collection, complex, prop, type EdmModule } from '../edm.js';

const totals = (workload: string) => prop(workload, X('progressTotals'));

export const xtmExtensions: EdmModule = {
  namespace: XTM,
  types: [
    complex('jobProgress', [
      prop('id', 'Edm.String', false),
      prop('status', G('crossTenantMigrationJobStatus'), false),
      prop('dataConsistencyScore', 'Edm.String'),
      prop('totals', X('workloadTotals'), false),
      prop('users', collection(X('userProgress')), false),
    ]),
    complex('workloadTotals', [totals('Exchange'), totals('ODSP'), totals('Teams'), totals('Meeting')]),
    complex('progressTotals', [
      prop('itemsDone', 'Edm.Int64', false),
      prop('itemsTotal', 'Edm.Int64', false),
      prop('bytesDone', 'Edm.Int64', false),
      prop('bytesTotal', 'Edm.Int64', false),
    ]),
    complex('userProgress', [
      prop('id', 'Edm.String', false),
      prop('sourceUserId', 'Edm.String'),
      prop('cancelled', 'Edm.Boolean', false),
      prop('dataConsistencyScore', 'Edm.String'),
      prop('workloads', collection(X('workloadProgress')), false),
    ]),
    complex('workloadProgress', [
      prop('workload', 'Edm.String', false),
      prop('phase', 'Edm.String', false),
      prop('status', G('crossTenantMigrationServiceStatus'), false),
      ...['itemsDone', 'itemsTotal', 'bytesDone', 'bytesTotal'].map((n) => prop(n, 'Edm.Int64', false)),
      prop('syncPasses', 'Edm.Int32', false),
      prop('initialSyncDoneDateTime', 'Edm.DateTimeOffset'),
      prop('lastSyncDateTime', 'Edm.DateTimeOffset'),
      prop('sourceItemCount', 'Edm.Int64'),
      prop('targetItemCount', 'Edm.Int64'),
      prop('skippedItems', collection(X('skippedItem')), false),
      prop('dataConsistencyScore', 'Edm.String'),
      prop('error', G('error')),
    ]),
    complex('skippedItem', [prop('sourceItemId', 'Edm.String', false), prop('reason', 'Edm.String', false)]),
  ],
  // On every sharePointMigrationTask: the move's state and sub-stage (src/graph/sharepointMigrations).
  terms: [
    { name: 'moveState', type: 'Edm.String', appliesTo: 'EntityType' },
    { name: 'moveStage', type: 'Edm.String', appliesTo: 'EntityType' },
  ],
  operations: [
    { kind: 'function', name: 'progress', bindingType: G('crossTenantMigrationJob'), returnType: { type: X('jobProgress'), nullable: false } },
    { kind: 'action', name: 'approveSkippedItems', bindingType: G('crossTenantMigrationJob'), returnType: { type: G('crossTenantMigrationCancelResponse') } },
  ],
};

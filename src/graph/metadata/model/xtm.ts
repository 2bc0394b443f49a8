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
    // xtm.progressSummary (src/engine/migration/progressSummary.ts): counts keyed by status are open types.
    complex('progressSummary', [
      prop('jobId', 'Edm.String', false),
      prop('displayName', 'Edm.String', false),
      prop('status', G('crossTenantMigrationJobStatus'), false),
      prop('completeAfterDateTime', 'Edm.DateTimeOffset', false),
      prop('lastUpdatedDateTime', 'Edm.DateTimeOffset', false),
      prop('users', X('userCounts'), false),
      prop('workloads', collection(X('workloadSummary')), false),
      prop('dataConsistencyScore', 'Edm.String'),
      prop('attention', collection(X('attentionItem')), false),
      prop('slowestUsers', collection(X('slowUser')), false),
    ]),
    complex('userCounts', [prop('total', 'Edm.Int32', false), prop('byStatus', X('statusCounts'), false)]),
    complex('statusCounts', [], { openType: true }),
    complex('workloadSummary', [
      prop('workload', 'Edm.String', false),
      prop('users', X('statusCounts'), false),
      ...['itemsDone', 'itemsTotal', 'bytesDone', 'bytesTotal'].map((n) => prop(n, 'Edm.Int64', false)),
      prop('itemsPerSecond', 'Edm.Double'),
    ]),
    complex('attentionItem', [
      prop('userId', 'Edm.String', false),
      prop('userPrincipalName', 'Edm.String'),
      prop('workload', 'Edm.String', false),
      prop('status', 'Edm.String', false),
      prop('message', 'Edm.String', false),
    ]),
    complex('slowUser', [
      prop('userId', 'Edm.String', false),
      prop('workload', 'Edm.String', false),
      prop('itemsDone', 'Edm.Int64', false),
      prop('itemsTotal', 'Edm.Int64', false),
    ]),
  ],
  // On every sharePointMigrationTask: the move's state and sub-stage (src/graph/sharepointMigrations).
  terms: [
    { name: 'moveState', type: 'Edm.String', appliesTo: 'EntityType' },
    { name: 'moveStage', type: 'Edm.String', appliesTo: 'EntityType' },
  ],
  operations: [
    { kind: 'function', name: 'progressSummary', bindingType: G('crossTenantMigrationJob'), returnType: { type: X('progressSummary'), nullable: false } },
    { kind: 'function', name: 'progress', bindingType: G('crossTenantMigrationJob'), returnType: { type: X('jobProgress'), nullable: false } },
    { kind: 'action', name: 'approveSkippedItems', bindingType: G('crossTenantMigrationJob'), returnType: { type: G('crossTenantMigrationCancelResponse') } },
  ],
};

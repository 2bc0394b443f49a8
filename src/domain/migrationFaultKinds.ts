// The migration faults a scenario can rehearse, per migrating (source) user and workload: their kinds
// and what each does. The input schema (tenants/inputSchemas.faults.ts), the stored record and the
// engine's fault reader (engine/migration/faults.ts) all name them from here.

export const FaultWorkloads = ['Exchange', 'ODSP', 'Teams', 'Meeting'] as const;

export const MIGRATION_FAULTS = {
  transientError: 'The copy fails `count` times with a transient error, then succeeds (retried with backoff).',
  permanentError: 'The workload fails permanently with `message` (the other users and workloads go on).',
  slowThroughput: 'The workload copies at `throughputPercent` % of its normal rate.',
  corruptItems: '`count` items are corrupt: skipped (reason CorruptItem), lowering the Data Consistency Score.',
  oversizedItems: '`count` items are over the size limit: skipped (reason LargeItem), lowering the Data Consistency Score.',
  auxArchiveDuringMove: 'Exchange: an auxiliary archive is provisioned in the source after `afterPass` passes (SourceAuxArchiveIsProvisionedDuringCrossTenantMovePermanentException).',
  holdDuringMove: 'Exchange: a `hold` is placed on the source mailbox after `afterPass` passes.',
  sourceChangesBetweenPasses: 'Exchange: after `afterPass` passes the source gets `added` new items, `changed` edited and `deleted` removed ones.',
} as const;
export type MigrationFaultKind = keyof typeof MIGRATION_FAULTS;
export const MIGRATION_FAULT_KINDS = Object.keys(MIGRATION_FAULTS) as MigrationFaultKind[];
/** Faults that change the source mailbox between passes: only Exchange syncs in passes (ODSP moves once). */
export const EXCHANGE_ONLY_FAULTS: readonly MigrationFaultKind[] = ['auxArchiveDuringMove', 'holdDuringMove', 'sourceChangesBetweenPasses'];
export const HoldKinds = ['litigationHold', 'inPlaceHold', 'delayHold', 'complianceTagHold'] as const;

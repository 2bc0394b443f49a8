// Migration faults to rehearse, per migrating (source) user and workload. They are not directory
// objects: the migration engine reads them (engine/migration/faults.ts) and, for the mid-move ones,
// makes the change in the source tenant itself when the move reaches the given pass.
import { Type, type Static } from 'typebox';
import { Obj, Opt, Ref, Text } from './inputSchemas.fields.js';
import { FaultWorkloads, HoldKinds, MIGRATION_FAULT_KINDS, MIGRATION_FAULTS } from '../domain/migrationFaultKinds.js';

const Int = (min: number, max: number, description: string) => Opt(Type.Integer({ minimum: min, maximum: max, description }));

export const MigrationFaultInput = Obj({
  user: Ref('The migrating user of this (source) tenant: UPN or object id.'),
  workload: Type.Enum(FaultWorkloads, { description: 'Exchange, ODSP, Teams or Meeting.' }),
  kind: Type.Enum(MIGRATION_FAULT_KINDS, { description: Object.entries(MIGRATION_FAULTS).map(([k, v]) => `${k}: ${v}`).join(' ') }),
  count: Int(1, 1000, 'transientError: failures before success; corruptItems / oversizedItems: items skipped. Default 1.'),
  throughputPercent: Int(1, 100, 'slowThroughput: percent of the normal rate. Default 10.'),
  message: Opt(Text('transientError / permanentError: the error text reported; default the service\'s generic text.')),
  afterPass: Int(1, 100, 'Mid-move faults: completed sync passes before it happens (1 = right after the initial sync). Default 1.'),
  hold: Opt(Type.Enum(HoldKinds, { description: 'holdDuringMove: which hold. Default litigationHold.' })),
  added: Int(0, 1000, 'sourceChangesBetweenPasses: new items. Default 1.'),
  changed: Int(0, 1000, 'sourceChangesBetweenPasses: edited items. Default 1.'),
  deleted: Int(0, 1000, 'sourceChangesBetweenPasses: deleted items. Default 1.'),
}, 'A migration fault to rehearse for one user and workload.');

export type MigrationFaultInput = Static<typeof MigrationFaultInput>;

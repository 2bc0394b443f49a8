// Checks a migration fault (tenants/inputSchemas.faults.ts) against the tenant and fills its defaults. The scenario
// loader and the admin API both come through here (prepare.ts), so both refuse the same input the same way.
import type { TenantIndex } from './directoryIndex.js';
import { at, type Checker } from './invariants.js';
import { EXCHANGE_ONLY_FAULTS, type MigrationFaultKind } from '../domain/migrationFaultKinds.js';
import { type MigrationFaultInput } from './inputSchemas.faults.js';
import type { MigrationFaultParams, MigrationFaultRecord } from '../domain/tenantRecords.js';

type Param = keyof MigrationFaultParams;
/** Which parameters each kind takes, with their defaults. */
const PARAMS: Record<MigrationFaultKind, Partial<Record<Param, number | string | undefined>>> = {
  transientError: { count: 1, message: undefined },
  permanentError: { message: undefined },
  slowThroughput: { throughputPercent: 10 },
  corruptItems: { count: 1 },
  oversizedItems: { count: 1 },
  auxArchiveDuringMove: { afterPass: 1 },
  holdDuringMove: { afterPass: 1, hold: 'litigationHold' },
  sourceChangesBetweenPasses: { afterPass: 1, added: 1, changed: 1, deleted: 1 },
};
const ALL_PARAMS: Param[] = ['count', 'throughputPercent', 'message', 'afterPass', 'hold', 'added', 'changed', 'deleted'];

export function prepareMigrationFault(c: Checker, t: TenantIndex, f: MigrationFaultInput, path: string): MigrationFaultRecord {
  const user = t.user(f.user);
  if (!user) c.add(at(path, 'user'), `user '${f.user}' is not a user of tenant '${t.record.displayName}'`);
  if (EXCHANGE_ONLY_FAULTS.includes(f.kind) && f.workload !== 'Exchange') {
    c.add(at(path, 'workload'), `${f.kind} happens between sync passes, which only the Exchange workload has (not ${f.workload})`);
  }
  const allowed = PARAMS[f.kind];
  const params: MigrationFaultParams = {};
  for (const p of ALL_PARAMS) {
    const given = f[p];
    if (given !== undefined && !(p in allowed)) c.add(at(path, p), `${p} does not apply to a ${f.kind} fault`);
    const value = given ?? allowed[p];
    if (p in allowed && value !== undefined) (params as Record<string, unknown>)[p] = value;
  }
  if (f.kind === 'sourceChangesBetweenPasses' && !params.added && !params.changed && !params.deleted) {
    c.add(path, 'sourceChangesBetweenPasses needs at least one of added, changed, deleted above 0');
  }
  const userId = user?.id ?? '';
  const earlier = c.claim(`migrationFault:${t.id}:${userId}:${f.workload}:${f.kind}`, path);
  if (earlier && user) c.add(at(path, 'kind'), `user '${f.user}' has a ${f.workload} ${f.kind} fault twice (also at ${earlier})`);
  return { tenantId: t.id, userId, workload: f.workload, kind: f.kind, params };
}

// Writes tenant objects: applyTenantChanges (the admin API's one entry point: create or replace
// objects by their natural key, all or nothing) and deleteTenants. The scenario loader writes through
// the same tableRows.ts functions with its own bulk path (scenario/load.ts).
import type { Clock } from '../clock.js';
import type { Store } from '../store/db.js';
import { inTransaction } from '../store/unitOfWork.js';
import { loadDirectoryIndex, loadTenantKeys } from './directoryIndex.js';
import type { Issue } from './invariants.js';
import { lower } from '../domain/naturalKeys.js';
import { prepareChanges, referencedTenants, type TenantChange } from './prepare.js';
import { replaceExisting } from '../store/tenantReplace.js';
import { emitPrepared } from './tableRows.js';
import { deleteTenantsWithRows, bufferedSink, type RowCounts } from '../store/tenantSink.js';

export type { TenantChange } from './prepare.js';
export type ApplyResult = { ok: true; counts: RowCounts } | { ok: false; issues: Issue[] };

/**
 * Creates or replaces objects in one transaction after checking every invariant against the store
 * plus the batch. Issue paths are relative to the change (`users[0].userPrincipalName`, `tenant.id`),
 * prefixed by `[i].` when several changes are given. Nothing is written when any issue is found.
 */
export async function applyTenantChanges(store: Store, clock: Clock, changes: TenantChange[]): Promise<ApplyResult> {
  const now = clock.iso();
  const index = await loadDirectoryIndex(store);
  await loadTenantKeys(store, index, [...changes.map((c) => c.tenantId), ...referencedTenants(index, changes)]);
  const many = changes.length > 1;
  const batch = changes.map((change, i) => ({ change, tenantPath: many ? `[${i}].tenant` : 'tenant', objectsPath: many ? `[${i}]` : '' }));
  const { prepared, issues } = prepareChanges(index, batch, now);
  if (issues.length) return { ok: false, issues };
  const counts = await inTransaction(store, async (tx) => {
    const sink = bufferedSink(tx);
    for (const p of prepared) {
      const keep = await replaceExisting(tx, p);
      // a change without a password keeps the stored one
      for (const u of p.users) if (u.password === undefined) u.password = keep.passwords.get(u.record.id) ?? null;
      emitPrepared(p, sink.emit, now, (id) => !keep.mailboxes.has(id));
    }
    await sink.flush();
    return sink.counts;
  });
  return { ok: true, counts };
}

/** Deletes tenants and every row they own (content, relationships, mappings, migration jobs) in one transaction. */
export async function deleteTenants(store: Store, tenantIds: string[]): Promise<void> {
  const ids = tenantIds.map(lower);
  await deleteTenantsWithRows(store, ids);
}

// The general site mover behind every SharePoint / OneDrive move (a job's ODSP workload, and the
// user, site and group tasks of /solutions/sharePoint/migrations). One pass, no delta: begin (source
// read-only, target created, site permissions), chunks of drive items (rows + id map + permissions +
// cursor + the caller's onCommit in ONE transaction), then finalize (redirect site at the source).
import type { Clock } from '../../clock.js';
import type { Store } from '../../store/db.js';
import type { SiteMovesTable, SitesTable } from '../../store/schema.js';
import { driveMoveRepo, type ChunkCopy } from '../../store/driveMoveRepo.js';
import { deriveGuid } from '../../tenants/ids.js';
import { MoveErrors } from './moveError.js';
import { inTransaction, type Tx } from '../../store/unitOfWork.js';

export interface SiteMovePlan {
  moveId: string;
  source: SitesTable;
  targetTenantId: string;
  targetUrl: string;
  targetTitle: string;
  targetOwnerUserId: string | null;
  targetGroupId: string | null;
}

export interface SiteMoveEnv { store: Store; clock: Clock }

/** The target site's id: derived from the move, so a rerun of `begin` names the same site. */
export const targetSiteIdOf = (moveId: string): string => deriveGuid('xtm-site-move', moveId);

export const siteMover = {
  async begin(trx: Tx, env: SiteMoveEnv, p: SiteMovePlan): Promise<SiteMovesTable> {
    const existing = await driveMoveRepo.get(trx, p.moveId);
    if (existing) return existing;
    if (await driveMoveRepo.siteByUrl(trx, p.targetTenantId, p.targetUrl)) throw MoveErrors.targetUrlConflict();
    return driveMoveRepo.begin(trx, {
      id: p.moveId, kind: p.source.kind, source: p.source, targetTenantId: p.targetTenantId, targetSiteId: targetSiteIdOf(p.moveId),
      targetUrl: p.targetUrl, targetTitle: p.targetTitle, targetOwnerUserId: p.targetOwnerUserId, targetGroupId: p.targetGroupId, now: env.clock.iso(),
    });
  },

  /**
   * One chunk in one transaction. `plan` is read only when the move has not begun yet; `onCommit`
   * runs inside the same transaction (the caller's cursor and progress commit with the rows).
   */
  async copyChunk(env: SiteMoveEnv, moveId: string, plan: () => Promise<SiteMovePlan>, limit: number,
    onCommit?: (trx: Tx, chunk: ChunkCopy, move: SiteMovesTable) => Promise<void>): Promise<ChunkCopy> {
    // The plan reads the store outside the chunk transaction (SQLite has one connection: a read on
    // the pool while the transaction holds it would wait forever).
    const planned = (await driveMoveRepo.get(env.store.db, moveId)) ? undefined : await plan();
    return inTransaction(env.store, async (trx) => {
      const move = (await driveMoveRepo.get(trx, moveId)) ?? (await siteMover.begin(trx, env, planned ?? (await plan())));
      const chunk = move.phase === 'finalized'
        ? { cursor: null, items: 0, bytes: 0, permissionsKept: 0, permissionsDropped: 0 }
        : await driveMoveRepo.copyChunk(trx, move, limit, env.clock.iso());
      if (onCommit) await onCommit(trx, chunk, move);
      return chunk;
    });
  },

  async finalize(env: SiteMoveEnv, moveId: string): Promise<SiteMovesTable | undefined> {
    return inTransaction(env.store, async (trx) => {
      const move = await driveMoveRepo.get(trx, moveId);
      if (!move) return undefined;
      await driveMoveRepo.finalize(trx, move, env.clock.iso());
      return driveMoveRepo.get(trx, moveId);
    });
  },

  async rollback(env: SiteMoveEnv, moveId: string): Promise<boolean> {
    return inTransaction(env.store, (trx) => driveMoveRepo.rollback(trx, moveId));
  },

  async reconcile(env: SiteMoveEnv, moveId: string): Promise<{ sourceCount: number; targetCount: number } | undefined> {
    const move = await driveMoveRepo.get(env.store.db, moveId);
    if (!move) return undefined;
    return { sourceCount: move.source_items, targetCount: await driveMoveRepo.targetCount(env.store.db, move) };
  },
};

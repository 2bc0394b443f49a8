// The checks SharePoint runs before a cross-organization move (migration-domain.md rule 31/37): the
// OneDrive ones are the validation registry's ODSP rules run on a one-user snapshot; sites and
// group-connected sites use domain/spoMigrationTask.ts. Loads the snapshots; decides nothing itself.
import type { Store } from '../../store/db.js';
import type { SitesTable } from '../../store/schema.js';
import { spoMigrationRepo } from '../../store/spoMigrationRepo.js';
import { driveMoveRepo } from '../../store/driveMoveRepo.js';
import { findUserRow } from '../../store/tenantsRepo.js';
import { oneDriveUrl } from '../../tenants/ids.js';
import { RULES } from '../../domain/validation/registry.js';
import { evaluateUsers } from '../../domain/validation/evaluate.js';
import type { Finding, UserSnapshot, ValidationContext } from '../../domain/validation/types.js';
import type { MigrationJob } from '../../domain/job.js';
import { siteMoveFindings, type SpoTaskRequest } from '../../domain/spoMigrationTask.js';
import { loadTenant } from '../validation/tenantSnapshot.js';
import { toUser } from '../validation/rows.js';

/** Rules that concern OneDrive moves only (the orchestrator's general checks do not apply here). */
const ODSP_RULES = RULES.filter((r) => r.workloads.length === 1 && r.workloads[0] === 'ODSP');
const TENANT_RULES = ODSP_RULES.filter((r) => r.scope === 'tenant');

/** What a task moves, resolved against both tenants. */
export interface ResolvedTask {
  sourceTenantId: string;
  targetTenantId: string;
  sourceKey: string; // lower-case UPN, site URL or group alias
  source: SitesTable | undefined;
  targetUrl: string;
  targetTitle: string;
  targetOwnerUserId: string | null;
  targetGroupId: string | null;
  /** Identities as the task echoes them (both id and userPrincipalName / mailNickname when known). */
  echo: Record<string, unknown>;
}

const lowerUrl = (u: string) => u.trim().toLowerCase().replace(/\/+$/, '');

async function contextFor(store: Store, sourceTenantId: string, targetTenantId: string, nowMs: number, queued: number): Promise<ValidationContext> {
  const [source, target] = await Promise.all([loadTenant(store.db, sourceTenantId), loadTenant(store.db, targetTenantId)]);
  source.settings = { ...source.settings, sharePoint: { ...source.settings.sharePoint, queuedMoves: source.settings.sharePoint.queuedMoves + queued } };
  const job = { id: 'sharepoint-task', tenantId: targetTenantId, sourceTenantId, workloads: ['ODSP'], resources: [] } as unknown as MigrationJob;
  return { job, source, target, nowMs };
}

/** Resolves the request and returns every failing check (empty = the move may start). */
export async function checkTask(store: Store, sourceTenantId: string, targetTenantId: string, req: SpoTaskRequest, nowMs: number, selfId?: string):
  Promise<{ resolved: ResolvedTask; findings: Finding[] }> {
  const db = store.db;
  const queued = await spoMigrationRepo.queuedMoves(db, sourceTenantId) - (selfId ? 1 : 0);
  const ctx = await contextFor(store, sourceTenantId, targetTenantId, nowMs, Math.max(0, queued));
  const tenantFindings = TENANT_RULES.flatMap((r) => (r.scope === 'tenant' ? r.check(ctx) : []));

  if (req.type === 'user') {
    const srcRef = req.sourceUserIdentity!;
    const tgtRef = req.targetUserIdentity!;
    const [su, tu] = await Promise.all([
      findUserRow(db, sourceTenantId, srcRef.id ?? srcRef.userPrincipalName!),
      findUserRow(db, targetTenantId, tgtRef.id ?? tgtRef.userPrincipalName!),
    ]);
    const sourceUpn = su?.user_principal_name ?? srcRef.userPrincipalName ?? srcRef.id!;
    const targetUpn = tu?.user_principal_name ?? tgtRef.userPrincipalName ?? tgtRef.id!;
    const echo = {
      sourceUserIdentity: { ...(su ? { id: su.id } : srcRef.id ? { id: srcRef.id } : {}), userPrincipalName: sourceUpn },
      targetUserIdentity: { ...(tu ? { id: tu.id } : tgtRef.id ? { id: tgtRef.id } : {}), userPrincipalName: targetUpn },
    };
    const [od, redirect, map] = await Promise.all([
      su ? driveMoveRepo.oneDriveOf(db, sourceTenantId, su.id) : undefined,
      su ? driveMoveRepo.siteByUrl(db, sourceTenantId, oneDriveUrl(ctx.source.mySiteHost, su.user_principal_name)) : undefined,
      spoMigrationRepo.spoUserMapping(db, targetTenantId, sourceUpn),
    ]);
    const site = od ?? (redirect?.kind === 'Redirect' ? redirect : undefined);
    const stats = od ? await spoMigrationRepo.siteStats(db, sourceTenantId, od.id) : { items: 0, bytes: 0, longest: 0 };
    const targetUrl = oneDriveUrl(ctx.target.mySiteHost, targetUpn);
    const [targetAtUrl, targetOwned] = await Promise.all([
      driveMoveRepo.siteByUrl(db, targetTenantId, targetUrl),
      tu ? driveMoveRepo.oneDriveOf(db, targetTenantId, tu.id) : undefined,
    ]);
    const user: UserSnapshot = {
      id: tu?.id ?? targetUpn, targetUser: tu ? toUser(tu) : null, targetRecipient: null,
      mapping: su ? { sourceUserId: su.id, state: 'Completed' } : null, mappedSourceCount: 1,
      sourceUser: su ? toUser(su) : null, sourceRecipient: null, scopeGroupIds: [],
      spoMapping: map ? { sourceUpn: map.source_upn, targetUpn: map.target_upn, targetEmail: map.target_email, userType: map.user_type } : null,
      sourceOneDrive: site ? { id: site.id, url: site.url, kind: site.kind, state: site.state, itemCount: stats.items, totalBytes: stats.bytes, longestPathLength: stats.longest } : null,
      targetOneDriveUrl: targetOwned?.url ?? targetAtUrl?.url ?? null, otherActiveJobs: [], occurrencesInJob: 1, meetingsOrganized: 0,
    } as UserSnapshot;
    const findings: Finding[] = [];
    if (!su) findings.push({ code: 'MnAOdbFailedToGetUrlForSourceUPN', message: `Unable to get a OneDrive URL for source user UPN ${sourceUpn}.` });
    const perUser = evaluateUsers(ctx, [user], { mode: 'all', rules: ODSP_RULES.filter((r) => r.scope === 'user') }).get(user.id)![0]!.errors;
    findings.push(...tenantFindings, ...perUser);
    const active = await spoMigrationRepo.activeForSource(db, sourceTenantId, 'user', sourceUpn, selfId);
    if (active && !findings.some((f) => f.code === 'MnASiteMoveIsInprogressOrFinished')) {
      findings.push({ code: 'MnASiteMoveIsInprogressOrFinished', message: `Failed to initiate cross-tenant move because another move job for the same source URL [${site?.url ?? sourceUpn}] is already in progress or has finished.` });
    }
    return {
      findings,
      resolved: {
        sourceTenantId, targetTenantId, sourceKey: sourceUpn.toLowerCase(), source: od, targetUrl, targetTitle: tu?.display_name ?? targetUpn,
        targetOwnerUserId: tu?.id ?? null, targetGroupId: null, echo,
      },
    };
  }

  // Sites and group-connected sites.
  let sourceUrl = req.sourceSiteUrl ? lowerUrl(req.sourceSiteUrl) : '';
  let targetUrl = req.targetSiteUrl ? lowerUrl(req.targetSiteUrl) : '';
  let sourceGroup: { id: string; mailNickname: string } | null = null;
  let targetGroupRow: Awaited<ReturnType<typeof spoMigrationRepo.groupByAliasOrId>>;
  let groupMapping: { targetGroupId: string } | null = null;
  let echo: Record<string, unknown> = {};
  let source: SitesTable | undefined;
  if (req.type === 'group') {
    const sg = await spoMigrationRepo.groupByAliasOrId(db, sourceTenantId, req.sourceGroupIdentity!);
    targetGroupRow = await spoMigrationRepo.groupByAliasOrId(db, targetTenantId, req.targetGroupIdentity!);
    sourceGroup = sg ? { id: sg.id, mailNickname: sg.mail_nickname } : null;
    source = sg ? await spoMigrationRepo.groupSite(db, sourceTenantId, sg.id) : undefined;
    const m = sg ? await spoMigrationRepo.spoGroupMapping(db, targetTenantId, sg.id) : undefined;
    groupMapping = m ? { targetGroupId: m.target_group_id } : null;
    sourceUrl = source?.url ?? sourceUrl;
    const alias = targetGroupRow?.mail_nickname ?? req.targetGroupIdentity!.mailNickname ?? req.targetGroupIdentity!.id!;
    if (!targetUrl) targetUrl = `${lowerUrl(ctx.target.rootSiteHost)}/sites/${alias.toLowerCase()}`;
    echo = {
      sourceGroupIdentity: { ...(sg ? { id: sg.id, mailNickname: sg.mail_nickname } : req.sourceGroupIdentity) },
      targetGroupIdentity: { ...(targetGroupRow ? { id: targetGroupRow.id, mailNickname: targetGroupRow.mail_nickname } : req.targetGroupIdentity) },
    };
  } else {
    source = await driveMoveRepo.siteByUrl(db, sourceTenantId, sourceUrl);
    echo = { sourceSiteUrl: req.sourceSiteUrl, targetSiteUrl: req.targetSiteUrl };
  }
  const stats = source && source.kind !== 'Redirect' ? await spoMigrationRepo.siteStats(db, sourceTenantId, source.id) : { items: 0, bytes: 0, longest: 0 };
  const [taken, targetGroupSite] = await Promise.all([
    driveMoveRepo.siteByUrl(db, targetTenantId, targetUrl),
    targetGroupRow ? spoMigrationRepo.groupSite(db, targetTenantId, targetGroupRow.id) : undefined,
  ]);
  const sourceKey = req.type === 'group' ? (sourceGroup?.mailNickname ?? req.sourceGroupIdentity!.mailNickname ?? req.sourceGroupIdentity!.id!) : sourceUrl;
  const active = await spoMigrationRepo.activeForSource(db, sourceTenantId, req.type, sourceKey, selfId);
  const wrongKind = source && source.kind !== 'Redirect' && (req.type === 'site' ? source.kind !== 'Site' : source.kind !== 'GroupSite');
  const siteFindings = siteMoveFindings({
    type: req.type,
    sourceUrl: sourceUrl || sourceKey,
    source: source && !wrongKind ? { id: source.id, kind: source.kind, state: source.state, groupId: source.group_id, longestPath: stats.longest, items: stats.items, bytes: stats.bytes } : null,
    targetUrl,
    targetRootHost: ctx.target.rootSiteHost,
    targetUrlTaken: !!taken,
    sourceGroup,
    groupMapping,
    targetGroup: targetGroupRow ? {
      id: targetGroupRow.id, mailNickname: targetGroupRow.mail_nickname, isUnified: String(targetGroupRow.group_types).includes('Unified'), hasSite: !!targetGroupSite,
    } : null,
    anotherMoveActive: !!active,
    queuedMoves: ctx.source.settings.sharePoint.queuedMoves,
  });
  // The published feature name for site moves is [MnASiteMove] (the OneDrive rule fills in MnAUserMove).
  const tenantLevel = tenantFindings.map((f) => (f.code === 'FeatureIsNotEnabled' ? { ...f, message: f.message.replace('[MnAUserMove]', '[MnASiteMove]') } : f));
  return {
    findings: [...tenantLevel, ...siteFindings],
    resolved: {
      sourceTenantId, targetTenantId, sourceKey: sourceKey.toLowerCase(), source: source && !wrongKind && source.kind !== 'Redirect' ? source : undefined, targetUrl,
      targetTitle: source?.title ?? targetUrl.split('/').pop() ?? targetUrl, targetOwnerUserId: null, targetGroupId: targetGroupRow?.id ?? null, echo,
    },
  };
}

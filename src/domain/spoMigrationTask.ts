// SharePoint cross-organization migration tasks (graph-api-surface.md §8.2–8.4; migration-domain.md
// §2.5–2.8, rules 31–37): the request a task carries, its statuses and sub-stages, and the checks
// specific to site and group-connected site moves (the OneDrive checks are the validation registry's
// ODSP rules). Pure functions over plain snapshots.
import { fill } from './validation/define.js';
import type { Finding } from './validation/types.js';

export type SpoTaskType = 'user' | 'site' | 'group';
export const SpoTaskStatuses = ['notStarted', 'inProgress', 'completed', 'cancelled', 'failed', 'unknownFutureValue'] as const;
export type SpoTaskStatus = (typeof SpoTaskStatuses)[number];
/** Get-SPOCrossTenant*ContentMoveState's states (migration-domain.md §2.6). */
export type MoveState = 'NotStarted' | 'Scheduled' | 'ReadyToTrigger' | 'InProgress' | 'Success' | 'Failed' | 'Stopped' | 'Rescheduled';
/** InProgress sub-stages, in order. */
export const MoveStages = ['Validation', 'Backup', 'Restore', 'Cleanup'] as const;
export type MoveStage = (typeof MoveStages)[number];

export const ParameterTypes: Record<string, SpoTaskType> = {
  'microsoft.graph.sharePointUserMigrationTaskParameters': 'user',
  'microsoft.graph.sharePointSiteMigrationTaskParameters': 'site',
  'microsoft.graph.sharePointGroupMigrationTaskParameters': 'group',
};

export interface IdentityRef { id?: string; userPrincipalName?: string; mailNickname?: string; displayName?: string }

/** A create request after spoTaskParameters.ts's checks: every field well-formed. */
export interface SpoTaskRequest {
  type: SpoTaskType;
  targetOrganizationId?: string;
  targetOrganizationHost?: string;
  targetDataLocationCode?: string | null;
  preferredStartDateTime?: string;
  preferredLatestStartDateTime?: string;
  validateOnly: boolean;
  sourceSiteUrl?: string;
  targetSiteUrl?: string;
  sourceUserIdentity?: IdentityRef;
  targetUserIdentity?: IdentityRef;
  sourceGroupIdentity?: IdentityRef;
  targetGroupIdentity?: IdentityRef;
}

export const MAX_TARGET_PATH = 400;
export const SITE_LIBRARY = '/Shared Documents';
export const MAX_QUEUED_MOVES = 4_000;

const JOB_CREATION = 'The Cross-Tenant content move job creation for the source object id [{objectId}] has failed. Error: [{error}]';

export interface SiteMoveSnapshot {
  type: 'site' | 'group';
  sourceUrl: string;
  source: { id: string; kind: string; state: string; groupId: string | null; longestPath: number; items: number; bytes: number } | null;
  targetUrl: string;
  targetRootHost: string;
  targetUrlTaken: boolean;
  /** group moves: the source group, its identity-map row and the target group. */
  sourceGroup?: { id: string; mailNickname: string } | null;
  groupMapping?: { targetGroupId: string } | null;
  targetGroup?: { id: string; mailNickname: string; isUnified: boolean; hasSite: boolean } | null;
  anotherMoveActive: boolean;
  queuedMoves: number;
}

/** Rule 31 for sites and rule 37 for group-connected sites: every failure, in a fixed order. */
export function siteMoveFindings(s: SiteMoveSnapshot): Finding[] {
  const out: Finding[] = [];
  const add = (code: string, template: string, values: Record<string, string | number> = {}) => out.push({ code, message: fill(template, values) });
  const jobCreation = (error: string) => add('MnAMoveJobCreationFailed', JOB_CREATION, { objectId: s.source?.id ?? s.sourceGroup?.id ?? s.sourceUrl, error });
  if (s.type === 'group') {
    if (!s.sourceGroup) jobCreation(`The source group does not exist.`);
    else if (!s.groupMapping) jobCreation(`Identity map entry for source group [${s.sourceGroup.id}] does not exist on the target tenant.`);
    if (!s.targetGroup) jobCreation('The target Microsoft 365 group does not exist; it must be pre-created with New-UnifiedGroup.');
    else {
      if (s.groupMapping && s.groupMapping.targetGroupId !== s.targetGroup.id) {
        jobCreation(`The identity map entry for source group [${s.sourceGroup!.id}] doesn't correspond to the requested target group [${s.targetGroup.id}].`);
      }
      if (!s.targetGroup.isUnified) jobCreation(`The target group [${s.targetGroup.mailNickname}] is not a Microsoft 365 group.`);
      if (s.targetGroup.mailNickname.includes('.')) jobCreation(`Invalid character in the target group alias [${s.targetGroup.mailNickname}].`);
      if (s.targetGroup.hasSite) jobCreation(`The target group [${s.targetGroup.mailNickname}] is already connected to a site.`);
    }
  }
  if (!s.source) jobCreation('The source site does not exist.');
  else if (s.source.kind === 'Redirect' || s.anotherMoveActive) {
    add('MnASiteMoveIsInprogressOrFinished',
      'Failed to initiate cross-tenant move because another move job for the same source URL [{url}] is already in progress or has finished.', { url: s.sourceUrl });
  } else if (s.source.state !== 'ReadWrite') jobCreation(`The source site ${s.sourceUrl} is ${s.source.state}; it must be ReadWrite.`);
  if (s.targetUrlTaken) {
    add('MnASiteMoveTargetUrlHasWriteConflict',
      'The target tenant has a conflict for the site provided. Check whether site with url from the TargetSiteUrl property of this job already exists on the target.');
  }
  if (s.source && s.targetUrl.length + SITE_LIBRARY.length + s.source.longestPath > MAX_TARGET_PATH) {
    add('MnATargetUrlNotValidForRename', "For site Source url '{sourceUrl}', target url '{targetUrl}', including files and folders, exceeds the character limit of the destination.",
      { sourceUrl: s.sourceUrl, targetUrl: s.targetUrl });
  }
  if (s.queuedMoves >= MAX_QUEUED_MOVES) {
    jobCreation(`The source instance already has ${s.queuedMoves} moves scheduled or pending; the limit is ${MAX_QUEUED_MOVES}.`);
  }
  return out;
}

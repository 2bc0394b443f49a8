// Loads what the validation rules read, for a whole job at once: two tenant snapshots plus one
// UserSnapshot per job resource, in a fixed number of set-based queries per 500 users (no per-user
// queries). Rows are turned into the plain camelCase shapes of domain/validation/types.ts here.
import type { Store } from '../../store/db.js';
import type { MigrationJob } from '../../domain/job.js';
import { INACTIVE_STATUSES } from '../../domain/jobStateMachine.js';
import { jobsRepo } from '../../store/jobsRepo.js';
import { validationRepo } from '../../store/validationRepo.js';
import { targetOneDriveUrl } from '../../domain/validation/helpers.js';
import type { UserSnapshot, ValidationContext } from '../../domain/validation/types.js';
import { loadTenant } from './tenantSnapshot.js';
import { chunks, toRecipient, toUser } from './rows.js';
import { parseJson } from '../../store/json.js';

export interface ValidationInput { ctx: ValidationContext; users: UserSnapshot[] }

export async function loadValidationInput(store: Store, job: MigrationJob, userIds: readonly string[], nowMs: number): Promise<ValidationInput> {
  const [source, target] = await Promise.all([loadTenant(store, job.sourceTenantId), loadTenant(store, job.tenantId)]);
  const ctx: ValidationContext = { job, source, target, nowMs };
  const scopeGroupIds = source.scopeGroups.map((g) => g.id);
  const occurrences = new Map<string, number>();
  for (const id of job.resources) occurrences.set(id, (occurrences.get(id) ?? 0) + 1);

  const users = new Map<string, UserSnapshot>();
  for (const id of userIds) users.set(id, emptyUser(id, occurrences.get(id) ?? 1));
  const ids = [...users.keys()];

  // The chunks touch disjoint users: on PostgreSQL their round trips overlap across the pool.
  await Promise.all(chunks(ids).map(async (chunk) => {
    await loadTargetSide(store, ctx, chunk, users);
    const bySource = new Map<string, UserSnapshot>();
    for (const id of chunk) {
      const u = users.get(id)!;
      if (u.mapping) bySource.set(u.mapping.sourceUserId, u);
    }
    if (bySource.size > 0) await loadSourceSide(store, ctx, bySource, scopeGroupIds);
  }));
  return { ctx, users: ids.map((id) => users.get(id)!) };
}

function emptyUser(id: string, occurrencesInJob: number): UserSnapshot {
  return {
    id, targetUser: null, targetRecipient: null, mapping: null, mappedSourceCount: 0, sourceUser: null, sourceRecipient: null,
    scopeGroupIds: [], spoMapping: null, sourceOneDrive: null, targetOneDriveUrl: null, otherActiveJobs: [], occurrencesInJob,
    meetingsOrganized: 0,
  };
}

async function loadTargetSide(store: Store, ctx: ValidationContext, chunk: string[], users: Map<string, UserSnapshot>): Promise<void> {
  const tid = ctx.target.id;
  const [userRows, recipientRows, mappingRows, jobRows] = await Promise.all([
    validationRepo.users(store, tid, chunk),
    validationRepo.recipients(store, tid, chunk),
    validationRepo.identityMappings(store, tid, ctx.source.id, chunk),
    jobsRepo.activeMemberships(store, tid, chunk, INACTIVE_STATUSES, ctx.job.id),
  ]);
  for (const r of userRows) users.get(r.id)!.targetUser = toUser(r);
  for (const r of recipientRows) users.get(r.id)!.targetRecipient = toRecipient(r);
  for (const r of mappingRows) {
    const u = users.get(r.target_user_id!)!;
    u.mappedSourceCount += 1;
    u.mapping ??= { sourceUserId: r.source_user_id, state: r.state };
  }
  for (const r of jobRows) users.get(r.userId)!.otherActiveJobs.push({ id: r.jobId, displayName: r.displayName, status: r.status });

  // A site already owned by the user as its OneDrive, or sitting at the URL the move would use.
  const urlOwner = new Map<string, string>();
  for (const r of userRows) urlOwner.set(targetOneDriveUrl(ctx, r.user_principal_name), r.id);
  const siteRows = await validationRepo.targetOneDrives(store, tid, chunk, [...urlOwner.keys()]);
  for (const s of siteRows) {
    const owner = (s.kind === 'OneDrive' && s.owner_user_id && users.has(s.owner_user_id) ? s.owner_user_id : undefined) ?? urlOwner.get(s.url_key);
    if (owner) users.get(owner)!.targetOneDriveUrl ??= s.url;
  }
}

async function loadSourceSide(store: Store, ctx: ValidationContext, bySource: Map<string, UserSnapshot>, scopeGroupIds: string[]): Promise<void> {
  const sid = ctx.source.id;
  const ids = [...bySource.keys()];
  const [userRows, recipientRows, memberRows, siteRows, meetingRows] = await Promise.all([
    validationRepo.users(store, sid, ids),
    validationRepo.recipients(store, sid, ids),
    validationRepo.groupMemberships(store, sid, scopeGroupIds, ids),
    validationRepo.sourceOneDrives(store, sid, ids),
    validationRepo.meetingCounts(store, sid, ids),
  ]);
  for (const r of userRows) bySource.get(r.id)!.sourceUser = toUser(r);
  for (const r of recipientRows) bySource.get(r.id)!.sourceRecipient = toRecipient(r);
  for (const r of memberRows) bySource.get(r.member_id)!.scopeGroupIds.push(r.group_id);
  for (const r of meetingRows) bySource.get(r.organizer_id)!.meetingsOrganized = Number(r.n);

  // SPO identity map (held by the target, keyed by lower-case source UPN).
  const byUpn = new Map<string, UserSnapshot>();
  for (const u of bySource.values()) if (u.sourceUser) byUpn.set(u.sourceUser.userPrincipalName.toLowerCase(), u);
  if (byUpn.size > 0) {
    const maps = await validationRepo.spoUserMappings(store, ctx.target.id, [...byUpn.keys()]);
    for (const m of maps) {
      byUpn.get(m.source_upn_key)!.spoMapping = { sourceUpn: m.source_upn, targetUpn: m.target_upn, targetEmail: m.target_email, userType: m.user_type };
    }
  }

  // The live OneDrive wins over a redirect left by an earlier move.
  const chosen = new Map<string, (typeof siteRows)[number]>();
  for (const s of siteRows) {
    const prev = chosen.get(s.owner_user_id!);
    if (!prev || (prev.kind !== 'OneDrive' && s.kind === 'OneDrive')) chosen.set(s.owner_user_id!, s);
  }
  const live = [...chosen.values()].filter((s) => s.kind === 'OneDrive').map((s) => s.id);
  const stats = await driveStats(store, sid, live);
  for (const [owner, s] of chosen) {
    const st = stats.get(s.id) ?? { items: 0, bytes: 0, longest: 0 };
    bySource.get(owner)!.sourceOneDrive = { id: s.id, url: s.url, kind: s.kind, state: s.state, itemCount: st.items, totalBytes: st.bytes, longestPathLength: st.longest };
  }
}

/** Items (+ versions), bytes (+ version bytes) and the longest path per site, summed in the database. */
async function driveStats(store: Store, tenantId: string, siteIds: string[]) {
  const stats = new Map<string, { items: number; bytes: number; longest: number }>();
  if (siteIds.length === 0) return stats;
  for (const r of await validationRepo.driveStats(store, tenantId, siteIds)) stats.set(r.site_id, { items: Number(r.n), bytes: Number(r.bytes ?? 0), longest: Number(r.longest ?? 0) });
  return stats;
}

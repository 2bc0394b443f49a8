// Exactly-once, read straight from the store (either backend) for the tests that kill processes during a
// migration: per user and workload, the items the source had before the migration (the cutover empties
// the source mailbox and turns the OneDrive into a redirect) against what the target gained, and the
// job's id map checked for a source or target id mapped twice.
import { sql } from 'kysely';
import type { Store } from '../../src/store/db.js';
import { EXCLUDED_FOLDERS } from '../../src/store/mailMoveRepo.js';
import { teamsMoveRepo } from '../../src/store/teamsMoveRepo.js';
import { SRC, TGT } from './http.js';

export interface Pair { src: string; tgt: string }
export const WORKLOADS = ['Exchange', 'ODSP', 'Teams', 'Meeting'] as const;
/** target user id → workload → items. */
export type Counts = Map<string, Record<(typeof WORKLOADS)[number], number>>;

type Db = Store['db'];
const n = (v: unknown) => Number(v ?? 0);

/** Mail items that move (Outbox and the Teams chat folder stay), OneDrive items, and items per owner, grouped by user. */
async function grouped(db: Db, q: ReturnType<typeof sql<{ u: string; n: number | string }>>): Promise<Map<string, number>> {
  return new Map((await q.execute(db)).rows.map((r) => [r.u, n(r.n)]));
}

const mailOf = (db: Db, tenant: string, users: string[], movedOnly: boolean) => grouped(db, sql`select i.user_id as u, count(*) as n from mail_items i
  join mail_folders f on f.tenant_id = i.tenant_id and f.user_id = i.user_id and f.id = i.folder_id
  where i.tenant_id = ${tenant} and i.user_id in (${sql.join(users)})
  ${movedOnly ? sql`and (f.well_known_name is null or f.well_known_name not in (${sql.join(EXCLUDED_FOLDERS)}))` : sql``} group by i.user_id`);
const driveOf = (db: Db, tenant: string, users: string[]) => grouped(db, sql`select t.owner_user_id as u, count(*) as n from drive_items d
  join sites t on t.tenant_id = d.tenant_id and t.id = d.site_id where d.tenant_id = ${tenant} and t.kind <> 'Redirect' and t.owner_user_id in (${sql.join(users)}) group by t.owner_user_id`);
const meetingsOf = (db: Db, tenant: string, users: string[]) => grouped(db, sql`select organizer_id as u, count(*) as n from meetings
  where tenant_id = ${tenant} and organizer_id in (${sql.join(users)}) group by organizer_id`);

/**
 * What each user's moves must copy, read before the migration: mail outside Outbox and the Teams chat
 * folder, every OneDrive item, the chat messages of the threads the user takes along and the meetings
 * they organise that ORCH-7 lets move (the store's own scope queries: the rules are the engine's, the
 * rows are the scenario's).
 */
export async function sourceCounts(store: Store, pairs: Pair[]): Promise<Counts> {
  const db = store.db;
  const srcs = pairs.map((p) => p.src);
  const [mail, drive] = [await mailOf(db, SRC, srcs, true), await driveOf(db, SRC, srcs)];
  const out: Counts = new Map();
  for (const p of pairs) {
    const k = { jobId: '', userId: p.tgt, sourceTenantId: SRC, sourceUserId: p.src, targetTenantId: TGT };
    const teams = (await teamsMoveRepo.totals(db, k)).items;
    const meetings = (await teamsMoveRepo.organizedMeetings(db, k)).filter((m) => !m.exclusion).length;
    out.set(p.tgt, { Exchange: mail.get(p.src) ?? 0, ODSP: drive.get(p.src) ?? 0, Teams: teams, Meeting: meetings });
  }
  return out;
}

/** What each target user holds now: mailbox items, OneDrive items, messages in the chat threads the job created for them, meetings they organise. */
export async function targetCounts(store: Store, pairs: Pair[], jobId: string | null): Promise<Counts> {
  const db = store.db;
  const tgts = pairs.map((p) => p.tgt);
  const [mail, drive, meetings] = [await mailOf(db, TGT, tgts, false), await driveOf(db, TGT, tgts), await meetingsOf(db, TGT, tgts)];
  const teams = jobId === null ? new Map<string, number>() : await grouped(db, sql`select mp.user_id as u, count(*) as n from migration_item_map mp
    join chat_messages m on m.tenant_id = ${TGT} and m.chat_id = mp.target_id
    where mp.job_id = ${jobId} and mp.workload = 'Teams' and mp.kind = 'thread' group by mp.user_id`);
  const out: Counts = new Map();
  for (const t of tgts) out.set(t, { Exchange: mail.get(t) ?? 0, ODSP: drive.get(t) ?? 0, Teams: teams.get(t) ?? 0, Meeting: meetings.get(t) ?? 0 });
  return out;
}

/** Lines naming each user and workload whose target gained other than the source had (empty: exactly once). */
export function countMismatches(source: Counts, before: Counts, after: Counts): string[] {
  const bad: string[] = [];
  for (const [u, want] of source) {
    for (const w of WORKLOADS) {
      const got = after.get(u)![w] - before.get(u)![w];
      if (got !== want[w]) bad.push(`${u} ${w}: the target gained ${got} items, the source had ${want[w]}`);
    }
  }
  return bad;
}

/** The job's id-map rows where one source id, or one target id, is mapped more than once (user, workload, kind). */
export async function mapDuplicates(store: Store, jobId: string): Promise<string[]> {
  const dup = async (col: 'source_id' | 'target_id') => (await sql<{ user_id: string; workload: string; kind: string; id: string; n: number | string }>`
    select user_id, workload, kind, ${sql.ref(col)} as id, count(*) as n from migration_item_map where job_id = ${jobId}
    group by user_id, workload, kind, ${sql.ref(col)} having count(*) > 1`.execute(store.db)).rows.map((r) => `${r.user_id} ${r.workload} ${r.kind} ${col} ${r.id} ×${n(r.n)}`);
  return [...(await dup('source_id')), ...(await dup('target_id'))];
}

/** The job's mapped mail items and meetings per target user: one map row per target row. */
export async function mappedItems(store: Store, jobId: string): Promise<Map<string, { Exchange: number; Meeting: number }>> {
  const rows = (await sql<{ u: string; workload: string; n: number | string }>`select user_id as u, workload, count(*) as n from migration_item_map
    where job_id = ${jobId} and ((workload = 'Exchange' and kind = 'item') or (workload = 'Meeting' and kind = 'meeting')) group by user_id, workload`.execute(store.db)).rows;
  const out = new Map<string, { Exchange: number; Meeting: number }>();
  for (const r of rows) {
    const e = out.get(r.u) ?? { Exchange: 0, Meeting: 0 };
    e[r.workload as 'Exchange' | 'Meeting'] = n(r.n);
    out.set(r.u, e);
  }
  return out;
}

/** The generated users of a scaledDemo scenario (mapped, no fault), first `count` by target id. */
export async function generatedPairs(store: Store, count: number): Promise<Pair[]> {
  const maps = await store.db.selectFrom('identity_mappings').select(['target_user_id', 'source_user_id']).where('target_tenant_id', '=', TGT).where('state', '=', 'Completed')
    .orderBy('target_user_id').execute();
  return maps.filter((m) => m.target_user_id && !m.target_user_id.startsWith('f2000000-')).slice(0, count).map((m) => ({ src: m.source_user_id, tgt: m.target_user_id! }));
}

// One job: what it waits for, actions (with a confirmation that says what happens), per-workload
// progress and rate, the chart, users needing attention with the rule's documentation, a timeline,
// and the users × workloads grid a page at a time. The summary is polled every second.
import { useEffect, useRef, useState } from 'preact/hooks';
import { admin, graph, hasAdmin, JOBS, odataString } from '../api';
import { Bar, bytes, Chip, ErrorNote, Pager, relative, useConfirm, usePoll, when, TableWrap, type ConfirmRequest } from '../ui';
import { ItemsChart, type Sample } from './chart';
import { FixSetting } from './fixSetting';
import { fixFor } from '../fixes';

interface Summary {
  jobId: string; displayName: string; status: string; completeAfterDateTime: string; lastUpdatedDateTime: string;
  users: { total: number; byStatus: Record<string, number> };
  workloads: { workload: string; users: Record<string, number>; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; itemsPerSecond: number | null }[];
  dataConsistencyScore: string | null;
  attention: { userId: string; userPrincipalName?: string; workload: string; status: string; message: string }[];
  slowestUsers: { userId: string; workload: string; itemsDone: number; itemsTotal: number }[];
}
interface Job { id: string; displayName: string; status: string; message: string | null; completeAfterDateTime: string; sourceTenantId: string; workloads: string[]; resources: string[]; createdBy: string; createdDateTime: string; lastUpdatedDateTime: string }
interface Task { id: string; currentStatus: { service: string; status: string; message: string; errors: { code: string; message: string }[] }[] }
interface UserProgress { id: string; cancelled: boolean; dataConsistencyScore: string | null; workloads: { workload: string; phase: string; itemsDone: number; itemsTotal: number; bytesDone: number; bytesTotal: number; error: { code: string; message: string } | null }[] }

const GRID_PAGE = 20;
const NAME: Record<string, string> = { Exchange: 'exchange', ODSP: 'oneDrive', Teams: 'teams', Meeting: 'meetings' };
const LABEL: Record<string, string> = { Exchange: 'Exchange', ODSP: 'OneDrive', Teams: 'Teams', Meeting: 'Meetings', exchange: 'Exchange', oneDrive: 'OneDrive', teams: 'Teams', meetings: 'Meetings' };
const FINAL = ['completed', 'completedWithErrors', 'failed', 'cancelled', 'deleted', 'pendingDelete'];

/** Samples and observed state changes survive a reload within the browser session. */
function stored<T>(key: string, fallback: T): T {
  try {
    return (JSON.parse(sessionStorage.getItem(key) ?? 'null') as T) ?? fallback;
  } catch {
    return fallback;
  }
}

/** When cutover happens and what it waits for, from the job's status and the summary. */
function waitsFor(s: Summary, nowMs: number | null): string {
  const cut = `${when(s.completeAfterDateTime)}${nowMs !== null ? ` (${relative(s.completeAfterDateTime, nowMs)})` : ''}`;
  const ex = s.workloads.find((w) => w.workload === 'exchange');
  const count = (w: Summary['workloads'][number] | undefined, ...keys: string[]) => keys.reduce((a, k) => a + (w?.users[k] ?? 0), 0);
  const invalid = (s.users.byStatus.invalid ?? 0) + (s.users.byStatus.error ?? 0);
  switch (s.status) {
    case 'submitted': return `Not validated yet: validate the job, then migrate. Cutover not before ${cut}.`;
    case 'validateSubmitted': case 'validateProcessing': case 'validateInProgress': return 'Validation is running for every user and workload.';
    case 'validateFailed': return `Validation failed for ${invalid} user${invalid === 1 ? '' : 's'}: fix the reasons listed below (or cancel those users) and validate again.`;
    case 'validatePassed': return `Validated. Migrate to start the initial sync; cutover happens after ${cut}.`;
    case 'processing': case 'inProgress': {
      const syncing = count(ex, 'queued', 'syncing', 'notStarted');
      const due = nowMs !== null && Date.parse(s.completeAfterDateTime) <= nowMs;
      return due
        ? `completeAfterDateTime has passed; cutover starts as each mailbox finishes its initial sync (${syncing} still syncing).`
        : `Mailboxes sync until cutover at ${cut}: ${count(ex, 'synced')} synced, ${syncing} still syncing or queued. OneDrive, Teams and meetings move after each mailbox cuts over.`;
    }
    case 'adminActionRequired': return `Cutover waits for an administrator: ${count(ex, 'awaitingApproval')} mailbox(es) have skipped items to approve (Approve skipped items), or cancel the job.`;
    case 'cuttingOver': return `Cutting over: ${count(ex, 'completed')} of ${s.users.total} mailboxes done; OneDrive, Teams and meetings follow each mailbox.`;
    case 'pendingCancel': return 'Cancelling: moves not completed are being rolled back.';
    default: return FINAL.includes(s.status) ? `Finished: ${s.status}.` : s.status;
  }
}

export function JobPage({ id }: { id: string }) {
  const [dialog, ask, actionStatus] = useConfirm();
  const [clockMs, setClockMs] = useState<number | null>(null);
  const samples = useRef<Sample[]>(stored(`xtm.samples.${id}`, []));
  const [timeline, setTimeline] = useState<{ status: string; at: string }[]>(stored(`xtm.timeline.${id}`, []));

  const live = usePoll(async () => {
    const [job, summary, clock] = await Promise.all([
      graph<Job>('GET', `${JOBS}/${id}`),
      graph<Summary>('GET', `${JOBS}/${id}/xtm.progressSummary`),
      hasAdmin() ? admin<{ now: string }>('GET', 'clock').catch(() => null) : Promise.resolve(null),
    ]);
    setClockMs(clock ? Date.parse(clock.now) : null);
    samples.current = [...samples.current, { t: Date.now(), items: Object.fromEntries(summary.workloads.map((w) => [w.workload, w.itemsDone])) }].slice(-600);
    sessionStorage.setItem(`xtm.samples.${id}`, JSON.stringify(samples.current));
    setTimeline((cur) => {
      if (cur[cur.length - 1]?.status === summary.status) return cur;
      const next = [...cur, { status: summary.status, at: summary.lastUpdatedDateTime }].slice(-50);
      sessionStorage.setItem(`xtm.timeline.${id}`, JSON.stringify(next));
      return next;
    });
    return { job, summary };
  }, 1000, [id]);

  const [page, setPage] = useState(0);
  const grid = usePoll(async () => {
    const q = `$top=${GRID_PAGE}&$skip=${page * GRID_PAGE}`;
    const [tasks, progress] = await Promise.all([
      graph<{ value: Task[]; '@odata.nextLink'?: string }>('GET', `${JOBS}/${id}/users?${q}`),
      graph<{ users: UserProgress[] }>('GET', `${JOBS}/${id}/xtm.progress?${q}`),
    ]);
    return { tasks: tasks.value, more: !!tasks['@odata.nextLink'], progress: new Map(progress.users.map((u) => [u.id, u])) };
  }, 2000, [id, page]);
  const names = useNames(grid.data?.tasks.map((t) => t.id) ?? []);

  const job = live.data?.job;
  const s = live.data?.summary;
  if (!job || !s) {
    return (
      <section>
        <h1>Job</h1>
        <ErrorNote error={live.error} />
        {!live.error && <p>Loading…</p>}
        <p><a href="#/jobs">Back to the jobs</a></p>
      </section>
    );
  }

  const confirmThenRefresh = (r: ConfirmRequest) => ask({ ...r, run: async () => { await r.run(); live.refresh(); grid.refresh(); } });
  const act = (title: string, body: string, confirm: string, run: () => Promise<unknown>, danger = false) => confirmThenRefresh({ title, body, confirm, danger, run });
  const can = (...statuses: string[]) => statuses.includes(job.status);

  return (
    <section>
      <p class="crumbs"><a href="#/jobs">Migration jobs</a> / {job.displayName}</p>
      <div class="title-row">
        <h1>{job.displayName}</h1>
        <Chip status={job.status} />
      </div>
      {dialog}
      {actionStatus}
      <ErrorNote error={live.error} />
      <div class="cards">
        <div class="card">
          <h2>Cutover</h2>
          <p aria-live="polite" data-testid="waits-for">{waitsFor(s, clockMs)}</p>
          <dl class="facts">
            <dt>Cut over not before</dt><dd>{when(job.completeAfterDateTime)}</dd>
            <dt>Data Consistency Score</dt><dd><Chip status={s.dataConsistencyScore ?? 'not yet'} /></dd>
            <dt>Users</dt><dd>{s.users.total}: {Object.entries(s.users.byStatus).map(([k, n]) => <Chip key={k} status={k} label={String(n)} />)}</dd>
            <dt>Source tenant</dt><dd><code>{job.sourceTenantId}</code></dd>
            {clockMs !== null && <><dt>Server clock</dt><dd>{when(new Date(clockMs).toISOString())}</dd></>}
          </dl>
        </div>
        <div class="card">
          <h2>Actions</h2>
          <div class="action-list">
            <button type="button" disabled={!can('submitted', 'validateFailed', 'validatePassed')} onClick={() => act('Validate this job?', `Every rule runs again for the ${s.users.total} users and each workload (${job.workloads.join(', ')}); the job shows validatePassed or validateFailed with the reasons per user.`, 'Validate', () => graph('POST', `${JOBS}/${id}/validate`))}>Validate</button>
            <button type="button" class="primary" disabled={!can('validatePassed', 'failed', 'completedWithErrors')} onClick={() => act('Start the migration?', `Each user is checked again, then the mailboxes start their initial sync. Cutover starts after ${when(job.completeAfterDateTime)}: mailboxes switch to the target, then OneDrive, Teams chats and meetings move.`, 'Migrate', () => graph('POST', `${JOBS}/${id}/migrate`))}>Migrate</button>
            <button type="button" disabled={!can('adminActionRequired')} onClick={() => act('Approve the skipped items?', 'The mailboxes waiting with skipped items cut over without them; the skipped items stay in the source.', 'Approve skipped items', () => graph('POST', `${JOBS}/${id}/xtm.approveSkippedItems`))}>Approve skipped items</button>
            <button type="button" class="danger" disabled={FINAL.includes(job.status) || job.status === 'pendingCancel'} onClick={() => act('Cancel this job?', 'Moves that have not completed are stopped and rolled back; users already cut over stay in the target. This cannot be undone.', 'Cancel job', () => graph('POST', `${JOBS}/${id}/cancel`), true)}>Cancel job</button>
            <button type="button" class="danger" disabled={!FINAL.includes(job.status) || job.status === 'pendingDelete'} onClick={() => act('Delete this job?', 'The job, its users and its migration records are deleted; content already moved stays in the target.', 'Delete job', async () => { await graph('DELETE', `${JOBS}/${id}`); location.hash = '#/jobs'; }, true)}>Delete job</button>
          </div>
          <CompleteAfter job={job} onSave={(iso) => act('Change the cutover time?', `Cutover will not start before ${when(iso)} (was ${when(job.completeAfterDateTime)}).`, 'Change cutover time', () => graph('PATCH', `${JOBS}/${id}`, { completeAfterDateTime: iso }))} />
        </div>
      </div>

      <h2>Workloads</h2>
      <div class="cards">
        {s.workloads.map((w) => (
          <div class="card workload" key={w.workload} data-workload={w.workload}>
            <h3>{LABEL[w.workload] ?? w.workload}</h3>
            <Bar done={w.itemsDone} total={w.itemsTotal} label={`${LABEL[w.workload]} items moved`} />
            <p><span class="num">{w.itemsDone}</span> of {w.itemsTotal} items · {bytes(w.bytesDone)} of {bytes(w.bytesTotal)}{w.itemsPerSecond !== null ? ` · ${w.itemsPerSecond} items/s` : ''}</p>
            <p>{Object.entries(w.users).map(([k, n]) => <Chip key={k} status={k} label={String(n)} />)}</p>
          </div>
        ))}
      </div>
      <ItemsChart samples={samples.current} workloads={s.workloads.map((w) => w.workload)} />

      {s.attention.length > 0 && (
        <>
          <h2>Needs attention ({s.attention.length})</h2>
          <ul class="attention">
            {s.attention.map((a) => {
              const code = /^([A-Z]+-\d+|[A-Za-z]+):/.exec(a.message)?.[1];
              const fix = hasAdmin() ? fixFor(a.message) : undefined;
              return (
                <li key={`${a.userId}|${a.workload}`}>
                  <strong>{a.userPrincipalName ?? a.userId}</strong> · {LABEL[a.workload] ?? a.workload} <Chip status={a.status} />
                  <div>{a.message}{code && <> — <a href={`#/rules?code=${encodeURIComponent(code)}`}>what {code} means</a></>}</div>
                  {fix && <FixSetting fix={fix} userId={a.userId} upn={a.userPrincipalName ?? a.userId} sourceTenantId={job.sourceTenantId} ask={confirmThenRefresh} />}
                </li>
              );
            })}
          </ul>
        </>
      )}

      {s.slowestUsers.length > 0 && (
        <>
          <h2>Slowest moves</h2>
          <ul>{s.slowestUsers.map((u) => <li key={`${u.userId}|${u.workload}`}>{names.get(u.userId) ?? u.userId} · {LABEL[u.workload]}: {u.itemsDone} of {u.itemsTotal} items</li>)}</ul>
        </>
      )}

      <h2>Users</h2>
      <ErrorNote error={grid.error} />
      <TableWrap label="Users by workload">
        <table class="grid">
          <caption class="sr-only">Users by workload: status, items and bytes moved</caption>
          <thead>
            <tr><th scope="col">User</th>{job.workloads.map((w) => <th scope="col" key={w}>{LABEL[w] ?? w}</th>)}<th scope="col"><span class="sr-only">Actions</span></th></tr>
          </thead>
          <tbody>
            {grid.data?.tasks.map((t) => {
              const p = grid.data!.progress.get(t.id);
              const upn = names.get(t.id) ?? t.id;
              const cancelled = p?.cancelled || t.currentStatus.every((c) => c.status === 'cancelled');
              return (
                <tr key={t.id}>
                  <th scope="row">{upn}{p?.dataConsistencyScore && <div><Chip status={p.dataConsistencyScore} label="DCS" /></div>}</th>
                  {job.workloads.map((w) => {
                    const st = t.currentStatus.find((c) => c.service === w);
                    const m = p?.workloads.find((x) => x.workload === w);
                    return (
                      <td key={w} data-cell={`${t.id}|${NAME[w]}`}>
                        <Chip status={st?.status} />
                        {m && <><Bar done={m.itemsDone} total={m.itemsTotal} label={`${upn} ${LABEL[w]}`} /><small>{m.itemsDone}/{m.itemsTotal} items · {bytes(m.bytesDone)}/{bytes(m.bytesTotal)}</small></>}
                        {st?.errors.map((e) => <div class="cell-error" key={e.code + e.message}><a href={`#/rules?code=${encodeURIComponent(e.code)}`}>{e.code}</a> {e.message}</div>)}
                      </td>
                    );
                  })}
                  <td>
                    <button type="button" disabled={cancelled || FINAL.includes(job.status)} aria-label={`Cancel ${upn}`} onClick={() => act(`Remove ${upn} from the job?`, `${upn} is cancelled in this job: a move not yet cut over is rolled back; the other users continue.`, 'Cancel user', () => graph('POST', `${JOBS}/${id}/users/${t.id}/cancel`), true)}>Cancel user</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <Pager page={page} hasNext={!!grid.data?.more} onPage={setPage} label="User pages" />

      <h2>Timeline</h2>
      <ol class="timeline">
        <li>{when(job.createdDateTime)} · created by {job.createdBy}</li>
        {timeline.map((e, i) => <li key={i}>{when(e.at)} · <Chip status={e.status} /></li>)}
        {!FINAL.includes(job.status) && <li>{when(job.completeAfterDateTime)} · cutover not before</li>}
      </ol>
      <p class="hint">State changes are those seen by this console while the page was open (xtm keeps no job history).</p>
    </section>
  );
}

function CompleteAfter({ job, onSave }: { job: Job; onSave: (iso: string) => void }) {
  const [v, setV] = useState(job.completeAfterDateTime.slice(0, 16));
  useEffect(() => setV(job.completeAfterDateTime.slice(0, 16)), [job.completeAfterDateTime]);
  return (
    <form class="inline-form" onSubmit={(e) => { e.preventDefault(); onSave(new Date(`${v}:00Z`).toISOString()); }}>
      <label>Cut over not before (UTC)<input type="datetime-local" value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} /></label>
      <button type="submit" disabled={FINAL.includes(job.status)}>Change</button>
    </form>
  );
}

/** User principal names of the grid's users, looked up once per id from the directory. */
function useNames(ids: string[]): Map<string, string> {
  const [names, setNames] = useState(new Map<string, string>());
  const missing = ids.filter((i) => !names.has(i));
  useEffect(() => {
    if (missing.length === 0) return;
    void graph<{ value: { id: string; userPrincipalName: string }[] }>('GET', `/users?$select=id,userPrincipalName&$top=${missing.length}&$filter=${encodeURIComponent(`id in (${missing.map(odataString).join(',')})`)}`)
      .then((r) => setNames((cur) => {
        const next = new Map(cur);
        for (const id of missing) next.set(id, r.value.find((u) => u.id === id)?.userPrincipalName ?? id);
        return next;
      }))
      .catch(() => setNames((cur) => new Map([...cur, ...missing.map((id) => [id, id] as [string, string])])));
  }, [missing.join(',')]);
  return names;
}

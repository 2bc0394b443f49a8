// Job list: status chips, filter by status, search by name, paging; refreshed every 2 s.
import { useState } from 'preact/hooks';
import { graph, JOBS, odataString } from '../api';
import { Chip, ErrorNote, Pager, usePoll, when, TableWrap } from '../ui';

const STATUSES = [
  'submitted', 'validateInProgress', 'validatePassed', 'validateFailed', 'processing', 'inProgress', 'cuttingOver', 'adminActionRequired',
  'completed', 'completedWithErrors', 'failed', 'pendingCancel', 'cancelled', 'pendingDelete',
];
const PAGE = 10;

interface Job { id: string; displayName: string; status: string; resources: string[]; workloads: string[]; completeAfterDateTime: string; createdDateTime: string; lastUpdatedDateTime: string }

export function JobList() {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const filters = [status && `status eq ${odataString(status)}`, search.trim() && `contains(displayName,${odataString(search.trim())})`].filter(Boolean);
  const query = `$top=${PAGE}&$skip=${page * PAGE}&$count=true&$orderby=createdDateTime desc${filters.length ? `&$filter=${encodeURIComponent(filters.join(' and '))}` : ''}`;
  const { data, error } = usePoll(() => graph<{ value: Job[]; '@odata.count'?: number; '@odata.nextLink'?: string }>('GET', `${JOBS}?${query}`), 2000, [query]);
  const count = data?.['@odata.count'];

  return (
    <section>
      <div class="title-row">
        <h1>Migration jobs</h1>
        <a class="button primary" href="#/jobs/new">New job</a>
      </div>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>Search by name<input type="search" value={search} onInput={(e) => { setSearch((e.target as HTMLInputElement).value); setPage(0); }} /></label>
        <label>Status
          <select value={status} onChange={(e) => { setStatus((e.target as HTMLSelectElement).value); setPage(0); }}>
            <option value="">Any status</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </form>
      <div class="chips" role="group" aria-label="Quick status filters">
        {['', 'validateFailed', 'inProgress', 'adminActionRequired', 'completed'].map((s) => (
          <button key={s} type="button" class={`chip-button${status === s ? ' selected' : ''}`} aria-pressed={status === s} onClick={() => { setStatus(s); setPage(0); }}>{s || 'all'}</button>
        ))}
      </div>
      <ErrorNote error={error} />
      <p class="muted" aria-live="polite">{count === undefined ? 'Loading…' : `${count} job${count === 1 ? '' : 's'}`}</p>
      <TableWrap label="Migration jobs table">
        <table>
          <caption class="sr-only">Migration jobs, newest first</caption>
          <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Users</th><th scope="col">Workloads</th><th scope="col">Cutover after</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {data?.value.map((j) => (
              <tr key={j.id}>
                <th scope="row"><a href={`#/jobs/${j.id}`}>{j.displayName}</a></th>
                <td><Chip status={j.status} /></td>
                <td>{j.resources.length}</td>
                <td>{j.workloads.join(', ')}</td>
                <td>{when(j.completeAfterDateTime)}</td>
                <td>{when(j.createdDateTime)}</td>
              </tr>
            ))}
            {data && data.value.length === 0 && <tr><td colSpan={6}>No job matches. <a href="#/jobs/new">Create one</a>.</td></tr>}
          </tbody>
        </table>
      </TableWrap>
      <Pager page={page} hasNext={!!data?.['@odata.nextLink']} onPage={setPage} label="Job pages" />
    </section>
  );
}

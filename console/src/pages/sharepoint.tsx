// SharePoint: the signed-in tenant's migration tasks (stages and progress) and its user and group
// identity mappings (search, paging, CSV export and import through Graph's delta PATCH). The CSV is
// the 6-column file of Add-SPOTenantIdentityMap, parsed and written by the server's own code.
import { useState } from 'preact/hooks';
import { admin, graph, hasAdmin, odataString, SP } from '../api';
import { Bar, Chip, ErrorNote, Pager, usePoll, when, TableWrap } from '../ui';
import { formatIdentityMapCsv, IdentityMapCsvError, parseIdentityMapCsv, type SpoGroupMapping, type SpoUserMapping } from '../../../src/domain/spoIdentityMap.js';

const PAGE = 10;

export function SharePoint() {
  return (
    <section>
      <h1>SharePoint and OneDrive</h1>
      <Tasks />
      <Mappings />
    </section>
  );
}

function source(t: any): string {
  const p = t.parameters ?? {};
  return p.sourceUserIdentity?.userPrincipalName ?? p.sourceUserIdentity?.id ?? p.sourceSiteUrl ?? p.sourceGroupIdentity?.mailNickname ?? '—';
}

function Tasks() {
  const [page, setPage] = useState(0);
  const { data, error } = usePoll(async () => {
    const r = await graph<{ value: any[]; '@odata.count': number; '@odata.nextLink'?: string }>('GET', `${SP}/crossOrganizationMigrationTasks?$top=${PAGE}&$skip=${page * PAGE}&$count=true`);
    // Items copied of total is xtm's own view of a move (admin API), shown when the admin key was given.
    const moves = hasAdmin() ? await Promise.all(r.value.map((t) => admin('GET', `sharepoint/migrations/tasks/${t.id}`).catch(() => null))) : [];
    return { ...r, moves };
  }, 2000, [page]);
  return (
    <>
      <h2>Migration tasks</h2>
      <p class="hint">Tasks live in the source tenant: sign in to the source tenant to see its OneDrive and site moves.</p>
      <ErrorNote error={error} />
      <p class="muted">{data ? `${data['@odata.count']} task(s)` : 'Loading…'}</p>
      <TableWrap label="Migration tasks table">
        <table>
          <caption class="sr-only">SharePoint migration tasks</caption>
          <thead><tr><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Move state</th><th scope="col">Stage</th><th scope="col">Progress</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead>
          <tbody>
            {data?.value.map((t, i) => {
              const m = data.moves[i] as any;
              return (
                <tr key={t.id}>
                  <th scope="row">{source(t)}</th>
                  <td><Chip status={t.status} />{t.error && <div class="cell-error">{t.error.code}: {t.error.message}</div>}</td>
                  <td><Chip status={t['@xtm.moveState']} /></td>
                  <td>{t['@xtm.moveStage'] ?? '—'}</td>
                  <td>{m?.itemsTotal !== undefined ? <><Bar done={m.itemsCopied ?? 0} total={m.itemsTotal} label={`${source(t)} items copied`} /><small>{m.itemsCopied ?? 0}/{m.itemsTotal} items</small></> : '—'}</td>
                  <td>{when(t.startedDateTime)}</td>
                  <td>{when(t.finishedDateTime)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <Pager page={page} hasNext={!!data?.['@odata.nextLink']} onPage={setPage} label="Task pages" />
    </>
  );
}

const KINDS = {
  users: { path: 'crossOrganizationUserMappings', search: 'sourceUserIdentity/userPrincipalName', label: 'User mappings' },
  groups: { path: 'crossOrganizationGroupMappings', search: null, label: 'Group mappings' },
} as const;

async function all(path: string): Promise<any[]> {
  const out: any[] = [];
  for (let url: string | undefined = `${SP}/${path}?$top=999`; url; ) {
    const r: { value: any[]; '@odata.nextLink'?: string } = await graph('GET', url);
    out.push(...r.value);
    url = r['@odata.nextLink'];
  }
  return out;
}

function Mappings() {
  const [kind, setKind] = useState<keyof typeof KINDS>('users');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [tick, setTick] = useState(0);
  const k = KINDS[kind];
  const filter = q.trim() && k.search ? `&$filter=${encodeURIComponent(`startswith(${k.search},${odataString(q.trim())})`)}` : '';
  const { data, error } = usePoll(() => graph<{ value: any[]; '@odata.count': number; '@odata.nextLink'?: string }>('GET', `${SP}/${k.path}?$top=${PAGE}&$skip=${page * PAGE}&$count=true${filter}`), 0, [kind, filter, page, tick]);

  const exportCsv = async () => {
    const [users, groups] = await Promise.all([all(KINDS.users.path), all(KINDS.groups.path)]);
    const csv = formatIdentityMapCsv(
      users.map((u): SpoUserMapping => ({ sourceOrganizationId: u.sourceOrganizationId, sourceUserPrincipalName: u.sourceUserIdentity.userPrincipalName, targetUserPrincipalName: u.targetUserIdentity.userPrincipalName, targetEmail: u.targetUserMigrationData?.email ?? null, userType: u.userType })),
      groups.map((g): SpoGroupMapping => ({ sourceOrganizationId: g.sourceOrganizationId, sourceGroupId: g.sourceGroupIdentity.id, targetGroupId: g.targetGroupIdentity.id, targetMailNickname: g.targetGroupMigrationData?.mailNickname ?? null, groupType: g.groupType })),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    a.download = 'identity-map.csv';
    a.click();
    setNote({ ok: true, text: `Exported ${users.length} user and ${groups.length} group mappings.` });
  };

  const importCsv = async (file: File) => {
    setNote(null);
    try {
      const { users, groups } = parseIdentityMapCsv(await file.text());
      const send = async (path: string, rows: unknown[]) => {
        for (let i = 0; i < rows.length; i += 50) await graph('PATCH', `${SP}/${path}`, { '@context': '#$delta', value: rows.slice(i, i + 50) });
      };
      await send(KINDS.users.path, users.map((u) => ({ sourceOrganizationId: u.sourceOrganizationId, userType: u.userType, sourceUserIdentity: { userPrincipalName: u.sourceUserPrincipalName }, targetUserIdentity: { userPrincipalName: u.targetUserPrincipalName }, targetUserMigrationData: { email: u.targetEmail } })));
      await send(KINDS.groups.path, groups.map((g) => ({ sourceOrganizationId: g.sourceOrganizationId, groupType: g.groupType, sourceGroupIdentity: { id: g.sourceGroupId }, targetGroupIdentity: { id: g.targetGroupId }, targetGroupMigrationData: { mailNickname: g.targetMailNickname } })));
      setNote({ ok: true, text: `Imported ${users.length} user and ${groups.length} group mappings (added or replaced; others kept).` });
      setTick((t) => t + 1);
    } catch (e) {
      const text = e instanceof IdentityMapCsvError ? e.issues.map((i) => `row ${i.row}${i.column ? `, column ${i.column}` : ''}: ${i.message}`).join('; ') : (e as Error).message;
      setNote({ ok: false, text });
    }
  };

  return (
    <>
      <h2>Identity mappings</h2>
      <p class="hint">Mappings belong to the target tenant: whose permissions survive a OneDrive or site move.</p>
      <div class="filters">
        <div role="group" aria-label="Mapping kind" class="chips">
          {(Object.keys(KINDS) as (keyof typeof KINDS)[]).map((x) => (
            <button key={x} type="button" class={`chip-button${kind === x ? ' selected' : ''}`} aria-pressed={kind === x} onClick={() => { setKind(x); setPage(0); }}>{KINDS[x].label}</button>
          ))}
        </div>
        {k.search && <label>Search by source UPN<input type="search" value={q} onInput={(e) => { setQ((e.target as HTMLInputElement).value); setPage(0); }} /></label>}
        <button type="button" onClick={() => void exportCsv().catch((e) => setNote({ ok: false, text: e.message }))}>Export CSV</button>
        <label class="file">Import CSV<input type="file" accept=".csv,text/csv" onChange={(e) => { const f = (e.target as HTMLInputElement).files?.[0]; if (f) void importCsv(f); }} /></label>
      </div>
      {note && <p class={note.ok ? 'notice' : 'error'} role="status">{note.text}</p>}
      <ErrorNote error={error} />
      <p class="muted">{data ? `${data['@odata.count']} mapping(s)` : 'Loading…'}</p>
      <TableWrap label="Identity mappings table">
        <table>
          <caption class="sr-only">{k.label}</caption>
          <thead><tr><th scope="col">Source</th><th scope="col">Target</th><th scope="col">{kind === 'users' ? 'E-mail' : 'Alias'}</th><th scope="col">Type</th></tr></thead>
          <tbody>
            {data?.value.map((m) => kind === 'users' ? (
              <tr key={m.id}><th scope="row">{m.sourceUserIdentity.userPrincipalName}</th><td>{m.targetUserIdentity.userPrincipalName}</td><td>{m.targetUserMigrationData?.email ?? '—'}</td><td>{m.userType}</td></tr>
            ) : (
              <tr key={m.id}><th scope="row"><code>{m.sourceGroupIdentity.id}</code></th><td><code>{m.targetGroupIdentity.id}</code></td><td>{m.targetGroupMigrationData?.mailNickname ?? '—'}</td><td>{m.groupType}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <Pager page={page} hasNext={!!data?.['@odata.nextLink']} onPage={setPage} label="Mapping pages" />
    </>
  );
}

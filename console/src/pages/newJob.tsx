// Create a job: name, cutover time, source tenant and Exchange settings (prefilled from the newest
// job), workloads, and users picked from the signed-in (target) tenant's directory with search.
import { useEffect, useState } from 'preact/hooks';
import { admin, graph, hasAdmin, JOBS, odataString } from '../api';
import { ErrorNote, usePoll } from '../ui';

interface DirUser { id: string; displayName: string; userPrincipalName: string }
const WORKLOADS = [['Exchange', 'Exchange mailboxes'], ['ODSP', 'OneDrive'], ['Teams', 'Teams chats'], ['Meeting', 'Meetings']] as const;

/** `YYYY-MM-DDTHH:MM` in UTC, for a datetime-local input that the form reads as UTC. */
const localUtc = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function NewJob() {
  const [f, setF] = useState({ displayName: '', completeAfter: localUtc(Date.now() + 86_400_000), sourceTenantId: '', sourceEndpoint: '', targetDeliveryDomain: '' });
  const [workloads, setWorkloads] = useState<string[]>(['Exchange', 'ODSP', 'Teams', 'Meeting']);
  const [picked, setPicked] = useState<DirUser[]>([]);
  const [q, setQ] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF((cur) => ({ ...cur, [k]: (e.target as HTMLInputElement).value }));

  // Defaults: the newest job's source and Exchange settings, the tenant's initial domain, the server's clock + 1 day.
  useEffect(() => {
    void (async () => {
      const [latest, org, clock] = await Promise.all([
        graph<{ value: any[] }>('GET', `${JOBS}?$top=1&$orderby=createdDateTime desc`).catch(() => ({ value: [] })),
        graph<{ value: any[] }>('GET', '/organization').catch(() => ({ value: [] })),
        hasAdmin() ? admin<{ now: string }>('GET', 'clock').catch(() => null) : Promise.resolve(null),
      ]);
      const j = latest.value[0];
      const initial = org.value[0]?.verifiedDomains?.find((d: any) => d.isInitial)?.name ?? '';
      setF((cur) => ({
        ...cur,
        sourceTenantId: cur.sourceTenantId || j?.sourceTenantId || '',
        sourceEndpoint: cur.sourceEndpoint || j?.exchangeSettings?.sourceEndpoint || '',
        targetDeliveryDomain: cur.targetDeliveryDomain || j?.exchangeSettings?.targetDeliveryDomain || initial,
        completeAfter: clock ? localUtc(Date.parse(clock.now) + 86_400_000) : cur.completeAfter,
      }));
    })();
  }, []);

  const term = q.trim();
  const found = usePoll(
    () => (term ? graph<{ value: DirUser[] }>('GET', `/users?$top=10&$select=id,displayName,userPrincipalName&$filter=${encodeURIComponent(`startswith(displayName,${odataString(term)}) or startswith(userPrincipalName,${odataString(term)})`)}`) : Promise.resolve({ value: [] })),
    0, [term],
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const job = await graph<{ id: string }>('POST', JOBS, {
        displayName: f.displayName.trim(),
        completeAfterDateTime: `${f.completeAfter}:00Z`,
        sourceTenantId: f.sourceTenantId.trim(),
        resourceType: 'Users',
        resources: picked.map((u) => u.id),
        workloads,
        ...(workloads.includes('Exchange') ? { exchangeSettings: { sourceEndpoint: f.sourceEndpoint.trim(), targetDeliveryDomain: f.targetDeliveryDomain.trim() } } : {}),
      });
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>New migration job</h1>
      <form class="card form-grid" onSubmit={submit}>
        <label>Name<input name="displayName" required maxLength={256} value={f.displayName} onInput={set('displayName')} /></label>
        <label>Cut over not before (UTC)<input name="completeAfter" type="datetime-local" required value={f.completeAfter} onInput={set('completeAfter')} /></label>
        <label>Source tenant id<input name="sourceTenantId" required value={f.sourceTenantId} onInput={set('sourceTenantId')} /></label>
        <fieldset>
          <legend>Workloads</legend>
          {WORKLOADS.map(([w, label]) => (
            <label class="inline" key={w}>
              <input type="checkbox" checked={workloads.includes(w)} onChange={(e) => setWorkloads((cur) => ((e.target as HTMLInputElement).checked ? [...cur, w] : cur.filter((x) => x !== w)))} /> {label}
            </label>
          ))}
        </fieldset>
        {workloads.includes('Exchange') && (
          <>
            <label>Source migration endpoint<input name="sourceEndpoint" required value={f.sourceEndpoint} onInput={set('sourceEndpoint')} /></label>
            <label>Target delivery domain<input name="targetDeliveryDomain" required value={f.targetDeliveryDomain} onInput={set('targetDeliveryDomain')} /></label>
          </>
        )}
        <fieldset class="wide">
          <legend>Users ({picked.length} picked)</legend>
          <label>Search the directory by name or UPN<input type="search" name="userSearch" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} /></label>
          <ErrorNote error={found.error} />
          {term && (
            <ul class="pick-list" aria-label="Directory matches">
              {found.data?.value.map((u) => (
                <li key={u.id}>
                  <span>{u.displayName} <small>{u.userPrincipalName}</small></span>
                  <button type="button" disabled={picked.some((p) => p.id === u.id)} onClick={() => setPicked((cur) => [...cur, u])} aria-label={`Add ${u.userPrincipalName}`}>Add</button>
                </li>
              ))}
              {found.data?.value.length === 0 && <li>No user matches.</li>}
            </ul>
          )}
          <ul class="pick-list" aria-label="Users in the job">
            {picked.map((u) => (
              <li key={u.id}>
                <span>{u.displayName} <small>{u.userPrincipalName}</small></span>
                <button type="button" onClick={() => setPicked((cur) => cur.filter((p) => p.id !== u.id))} aria-label={`Remove ${u.userPrincipalName}`}>Remove</button>
              </li>
            ))}
          </ul>
        </fieldset>
        <ErrorNote error={error} />
        <div class="actions wide">
          <a class="button" href="#/jobs">Cancel</a>
          <button type="submit" class="primary" disabled={busy || picked.length === 0}>Create job</button>
        </div>
      </form>
    </section>
  );
}

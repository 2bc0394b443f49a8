// Tenant overview: the readiness of the signed-in tenant and each migration partner (organization
// relationships, migration endpoint, SharePoint trust, scope group, licences) with what to fix, and
// the clock control. Readiness objects are Exchange / SharePoint admin settings, read through xtm's
// admin API (they have no Graph endpoint); licences come from Graph's subscribedSkus.
import { useState } from 'preact/hooks';
import { admin, graph, hasAdmin } from '../api';
import { ErrorNote, TableWrap, usePoll, when } from '../ui';

interface Check { what: string; ok: boolean; detail: string; fix: string }
interface Tenant { id: string; displayName: string; initialDomain: string; mySiteHost: string }

const list = <T,>(p: Promise<{ value: T[] }>) => p.then((r) => r.value).catch(() => [] as T[]);

/** One side's checks towards its partner; `role` is the side's own role in the move. */
async function readiness(t: Tenant, partner: Tenant, role: 'target' | 'source'): Promise<Check[]> {
  const base = `tenants/${t.id}`;
  const [rels, endpoints, verify] = await Promise.all([
    list<any>(admin('GET', `${base}/organizationRelationships`)),
    role === 'target' ? list<any>(admin('GET', `${base}/migrationEndpoints`)) : Promise.resolve([]),
    admin<any>('GET', `${base}/spoRelationships/verify?scenario=MnA&partnerRole=${role === 'target' ? 'Source' : 'Target'}&partnerCrossTenantHostUrl=${encodeURIComponent(partner.mySiteHost)}`).catch((e) => ({ state: e.message })),
  ]);
  const rel = rels.find((r) => r.domainNames.some((d: string) => d.toLowerCase() === partner.id || d.toLowerCase() === partner.initialDomain));
  const capability = role === 'target' ? 'Inbound' : 'RemoteOutbound';
  const checks: Check[] = [
    { what: 'Organization relationship', ok: !!rel, detail: rel ? `${rel.name} with ${partner.displayName}` : `none with ${partner.displayName}`, fix: `New-OrganizationRelationship -DomainNames ${partner.id} -MailboxMoveEnabled $true -MailboxMoveCapability ${capability}` },
    { what: 'Mailbox moves enabled', ok: !!rel?.enabled && !!rel?.mailboxMoveEnabled, detail: rel ? `enabled ${rel.enabled}, mailboxMoveEnabled ${rel.mailboxMoveEnabled}` : '—', fix: `Set-OrganizationRelationship ${rel?.name ?? '<name>'} -Enabled $true -MailboxMoveEnabled $true` },
    { what: 'Move capability', ok: !!rel?.mailboxMoveCapability?.includes(capability), detail: rel ? rel.mailboxMoveCapability.join(', ') || 'none' : '—', fix: `Set-OrganizationRelationship ${rel?.name ?? '<name>'} -MailboxMoveCapability ${capability}` },
  ];
  if (role === 'target') {
    const ep = endpoints.find((e) => [partner.id, partner.initialDomain].includes(String(e.remoteTenant).toLowerCase()));
    checks.push({ what: 'Migration endpoint', ok: !!ep, detail: ep ? `${ep.name} → ${ep.remoteTenant}` : `none towards ${partner.initialDomain}`, fix: `New-MigrationEndpoint -ExchangeRemoteMove -RemoteServer outlook.office.com -RemoteTenant ${partner.initialDomain} -ApplicationId <app id>` });
  } else {
    const scopes: string[] = rel?.mailboxMovePublishedScopes ?? [];
    const group = scopes[0] ? await admin<any>('GET', `${base}/groups/${scopes[0]}`).catch(() => null) : null;
    checks.push({ what: 'Scope group', ok: !!group, detail: group ? `${group.displayName} (${group.members?.length ?? 0} members)` : scopes[0] ? `${scopes[0]} not found` : 'no MailboxMovePublishedScopes', fix: `Set-OrganizationRelationship ${rel?.name ?? '<name>'} -MailboxMovePublishedScopes <mail-enabled security group>` });
  }
  checks.push({ what: 'SharePoint trust', ok: verify?.state === 'GoodToProceed', detail: `${verify?.state ?? 'unknown'}${verify?.readyDateTime ? ` (usable ${when(verify.readyDateTime)})` : ''}`, fix: `Set-SPOCrossTenantRelationship -Scenario MnA -PartnerRole ${role === 'target' ? 'Source' : 'Target'} -PartnerCrossTenantHostUrl ${partner.mySiteHost}` });
  return checks;
}

export function Tenants() {
  const skus = usePoll(() => graph<{ value: { skuPartNumber: string; consumedUnits: number; prepaidUnits: { enabled: number } }[] }>('GET', '/subscribedSkus'), 0, []);
  const org = usePoll(() => graph<{ value: { id: string; displayName: string }[] }>('GET', '/organization'), 0, []);
  const me = org.data?.value[0];
  const sides = usePoll(async () => {
    if (!hasAdmin() || !me) return [];
    const tenants = (await admin<{ value: Tenant[] }>('GET', 'tenants')).value;
    const self = tenants.find((t) => t.id === me.id);
    if (!self) return [];
    const rels = await list<any>(admin('GET', `tenants/${self.id}/organizationRelationships`));
    const partners = tenants.filter((t) => t.id !== self.id && rels.some((r) => r.domainNames.some((d: string) => d.toLowerCase() === t.id || d.toLowerCase() === t.initialDomain)));
    return Promise.all(partners.flatMap((p) => [
      readiness(self, p, 'target').then((checks) => ({ tenant: self, role: `target, from ${p.displayName}`, checks })),
      readiness(p, self, 'source').then((checks) => ({ tenant: p, role: `source, to ${self.displayName}`, checks })),
    ]));
  }, 0, [me?.id]);

  return (
    <section>
      <h1>Tenants</h1>
      <ErrorNote error={org.error} />
      {me && <p>Signed in to <strong>{me.displayName}</strong> (<code>{me.id}</code>).</p>}
      <h2>Licences of {me?.displayName ?? 'this tenant'}</h2>
      <ErrorNote error={skus.error} />
      <ul class="skus">
        {skus.data?.value.map((s) => <li key={s.skuPartNumber}><code>{s.skuPartNumber}</code>: {s.consumedUnits} of {s.prepaidUnits.enabled} assigned</li>)}
        {skus.data && skus.data.value.length === 0 && <li class="error">No licences: users need Exchange, OneDrive and Teams plans (and the cross-tenant user data migration add-on) to move.</li>}
      </ul>
      <h2>Readiness</h2>
      {!hasAdmin() && <p class="hint">Sign in with the admin key to see the organization relationships, migration endpoint, SharePoint trust and scope group of both sides, and to control the clock.</p>}
      <ErrorNote error={sides.error} />
      {sides.data?.map((side) => (
        <div class="card" key={side.role}>
          <h3>{side.tenant.displayName} ({side.role})</h3>
          <TableWrap label={`Readiness of ${side.tenant.displayName}`}><table class="checks">
            <caption class="sr-only">Readiness of {side.tenant.displayName}</caption>
            <thead><tr><th scope="col">Check</th><th scope="col">State</th><th scope="col">Detail</th><th scope="col">To fix</th></tr></thead>
            <tbody>
              {side.checks.map((c) => (
                <tr key={c.what}>
                  <th scope="row">{c.what}</th>
                  <td><span class={`chip chip-${c.ok ? 'ok' : 'bad'}`}>{c.ok ? 'ready' : 'not ready'}</span></td>
                  <td>{c.detail}</td>
                  <td>{c.ok ? '—' : <code>{c.fix}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table></TableWrap>
        </div>
      ))}
      {hasAdmin() && <ClockControl />}
    </section>
  );
}

function ClockControl() {
  const clock = usePoll(() => admin<{ mode: string; factor: number; now: string }>('GET', 'clock'), 1000, []);
  const [by, setBy] = useState('P1D');
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>(null);
  const run = (body: unknown, path = 'clock/advance') => async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await admin('POST', path, body);
      clock.refresh();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="card">
      <h2>Clock</h2>
      <p aria-live="polite">Server time <strong data-testid="clock-now">{when(clock.data?.now)}</strong> · mode {clock.data?.mode}{clock.data?.mode === 'accelerated' ? ` ×${clock.data.factor}` : ''}</p>
      <form class="inline-form" onSubmit={run({ by })}>
        <label>Advance by (ISO-8601 duration)<input name="advanceBy" value={by} onInput={(e) => setBy((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Advance</button>
      </form>
      <form class="inline-form" onSubmit={run({ to: `${to}:00Z` })}>
        <label>Move to (UTC)<input name="advanceTo" type="datetime-local" required value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Move clock</button>
      </form>
      <form class="inline-form" onSubmit={run({}, 'clock/reset')}>
        <button type="submit">Back to real time</button>
      </form>
      <ErrorNote error={error} />
    </div>
  );
}

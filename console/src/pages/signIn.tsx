// Sign-in: the tenant's app registration and secret (client credentials) or an admin's user name and
// password, through xtm's token endpoint like any Graph client; optionally the admin key for the clock
// and the tenants' readiness.
import { useState } from 'preact/hooks';
import { signIn, type Session } from '../api';
import { ErrorNote } from '../ui';

const DEMO = { tenant: 'fabrikam.onmicrosoft.com', clientId: '33333333-3333-4333-8333-333333333333', secret: 'xtm-demo-secret' };

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'app' | 'user'>('app');
  const [f, setF] = useState({ tenant: '', clientId: '', secret: '', username: '', password: '', adminKey: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: (e.target as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn({
        tenant: f.tenant.trim(), clientId: f.clientId.trim(), adminKey: f.adminKey.trim() || null,
        ...(mode === 'app' ? { secret: f.secret } : { username: f.username.trim(), password: f.password }),
      }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card narrow" onSubmit={submit}>
      <h1>Sign in to xtm</h1>
      <p>The console calls the same Graph API as every client, with a token from this server's token endpoint.</p>
      <fieldset>
        <legend>Sign in with</legend>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'app'} onChange={() => setMode('app')} /> an app secret</label>
        <label class="inline"><input type="radio" name="mode" checked={mode === 'user'} onChange={() => setMode('user')} /> an admin's password</label>
      </fieldset>
      <label>Tenant (id or domain)<input name="tenant" required value={f.tenant} onInput={set('tenant')} autocomplete="organization" /></label>
      <label>Application (client) id<input name="clientId" required value={f.clientId} onInput={set('clientId')} /></label>
      {mode === 'app' ? (
        <label>Client secret<input name="secret" type="password" required value={f.secret} onInput={set('secret')} autocomplete="off" /></label>
      ) : (
        <>
          <label>User name<input name="username" required value={f.username} onInput={set('username')} autocomplete="username" /></label>
          <label>Password<input name="password" type="password" required value={f.password} onInput={set('password')} autocomplete="current-password" /></label>
        </>
      )}
      <label>Admin key (optional: clock and tenant readiness)<input name="adminKey" type="password" value={f.adminKey} onInput={set('adminKey')} autocomplete="off" aria-describedby="admin-key-hint" /></label>
      <p id="admin-key-hint" class="hint">The key is in the file <code>admin.key</code> of the server's data directory.</p>
      <ErrorNote error={error} />
      <div class="actions">
        <button type="button" onClick={() => { setMode('app'); setF({ ...f, ...DEMO }); }}>Fill in the demo app</button>
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
      </div>
    </form>
  );
}

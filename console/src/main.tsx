// The xtm web console: a Preact single-page app served by `xtm serve` at /console. Hash routes keep
// every page addressable without server routes: #/jobs, #/jobs/new, #/jobs/<id>, #/sharepoint,
// #/tenants, #/rules?code=…
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { loadSession, saveSession, useSession, type Session } from './api';
import { SignIn } from './pages/signIn';
import { JobList } from './pages/jobs';
import { NewJob } from './pages/newJob';
import { JobPage } from './pages/job';
import { SharePoint } from './pages/sharepoint';
import { Tenants } from './pages/tenants';
import { Rules } from './pages/rules';

function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/jobs');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/jobs');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const NAV = [
  ['#/jobs', 'Migration jobs'],
  ['#/sharepoint', 'SharePoint'],
  ['#/tenants', 'Tenants'],
  ['#/rules', 'Validation rules'],
] as const;

function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const hash = useHash();
  useSession(session, () => {
    saveSession(null);
    setSession(null);
  });
  const [path, query] = hash.slice(1).split('?') as [string, string | undefined];
  const params = new URLSearchParams(query ?? '');

  // Focus the page's heading when the route changes, so keyboard and screen reader users land on it.
  useEffect(() => {
    const h = document.querySelector<HTMLElement>('main h1');
    if (h) {
      h.tabIndex = -1;
      h.focus({ preventScroll: false });
    }
    document.title = `${h?.textContent ?? 'xtm'} · xtm console`;
  }, [path, !!session]);

  if (!session) {
    return (
      <main id="main" class="signin">
        <SignIn onSignedIn={(s) => { saveSession(s); setSession(s); }} />
      </main>
    );
  }

  let page;
  const job = /^\/jobs\/([^/]+)$/.exec(path);
  if (path === '/jobs/new') page = <NewJob />;
  else if (job) page = <JobPage id={decodeURIComponent(job[1]!)} />;
  else if (path === '/sharepoint') page = <SharePoint />;
  else if (path === '/tenants') page = <Tenants />;
  else if (path === '/rules') page = <Rules code={params.get('code')} />;
  else page = <JobList />;

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <span class="brand">xtm console</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}><a href={href} aria-current={path.startsWith(href.slice(1)) ? 'page' : undefined}>{label}</a></li>
            ))}
          </ul>
        </nav>
        <span class="who">
          Tenant <code>{session.tenant}</code>
          <button type="button" onClick={() => { saveSession(null); setSession(null); }}>Sign out</button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = ''; // the static "Loading" line
render(<App />, root);

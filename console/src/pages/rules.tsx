// The validation rules (docs/validation-rules.md, served beside the console): every rule with its code,
// scope, workloads and message; `#/rules?code=EXCH-08` shows the rules that report that code.
import { useState } from 'preact/hooks';
import { ErrorNote, usePoll, TableWrap } from '../ui';

interface Rule { n: string; id: string; code: string; scope: string; workloads: string; message: string; reference: string }

/** The rows of the markdown table (cells split on unescaped pipes). */
function parseRules(md: string): Rule[] {
  return md.split('\n').filter((l) => /^\| \d+ \|/.test(l)).map((l) => {
    const cells = l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|').replace(/\\\\/g, '\\').replace(/^`|`$/g, ''));
    const [n = '', id = '', code = '', scope = '', workloads = '', message = '', reference = ''] = cells;
    return { n, id, code, scope, workloads, message, reference };
  });
}

export function Rules({ code }: { code: string | null }) {
  const { data, error } = usePoll(async () => {
    const res = await fetch('/console/validation-rules.md');
    if (!res.ok) throw new Error(`The rules document could not be read (${res.status}).`);
    return parseRules(await res.text());
  }, 0, []);
  const [q, setQ] = useState(code ?? '');
  const term = q.trim().toLowerCase();
  const rows = (data ?? []).filter((r) => !term || r.code.toLowerCase() === term || r.id.toLowerCase().includes(term) || r.message.toLowerCase().includes(term));
  return (
    <section>
      <h1>Validation rules{code ? `: ${code}` : ''}</h1>
      <p>What <code>validate</code> and <code>migrate</code> check for each user and workload (the full document: <a href="/console/validation-rules.md">validation-rules.md</a>).</p>
      <form role="search" class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>Code, rule id or words<input type="search" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} /></label>
      </form>
      <ErrorNote error={error} />
      <p class="muted">{data ? `${rows.length} of ${data.length} rules` : 'Loading…'}</p>
      <TableWrap label="Validation rules table">
        <table>
          <caption class="sr-only">Validation rules</caption>
          <thead><tr><th scope="col">Code</th><th scope="col">Rule</th><th scope="col">Scope</th><th scope="col">Workloads</th><th scope="col">Message</th><th scope="col">Reference</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.n}><th scope="row">{r.code}</th><td><code>{r.id}</code></td><td>{r.scope}</td><td>{r.workloads}</td><td>{r.message}</td><td>{r.reference}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

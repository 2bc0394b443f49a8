// The house plan, checked. src/ has five layers, top to bottom:
//   graph/ → engine/ → tenants/ → store/ → domain/
// A module may import its own layer and the layers below it, never one above (modules outside the
// layers — clock.ts, config.ts, cli/ — are followed: importing one is importing what it imports).
// Only store/ talks to the database: outside it no module imports kysely, better-sqlite3 or pg (not
// even for types), calls a driver (.transaction, .prepare, .exec, .query, .pragma) or builds SQL.
// Scanned: .ts, .mts and .mjs; static imports and re-exports, import() of a literal or template,
// modules named by new URL(…, import.meta.url); an import() of any other expression must be listed.
// Each rule is proven to fail on a deliberate violation (the "layering checker" suite below).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Top to bottom: a layer may import those at or after its own position. */
export const LAYERS = ['graph', 'engine', 'tenants', 'store', 'domain'] as const;
type Layer = (typeof LAYERS)[number];

/**
 * Files of other helpers (issue 21) that still import kysely or call a driver outside store/, each with
 * who moves it. Checked both ways: a listed file that is clean (or gone) fails, so the list only shrinks.
 */
const STORE_ONLY_PENDING: Readonly<Record<string, string>> = {
};

/** Modules that import() a computed name, and where the names they load come from (those are followed). */
const EXPRESSION_IMPORTS: Readonly<Record<string, string>> = {
  'src/engine/work/host.ts': "loads the validator a caller names; the default is DEFAULT_VALIDATOR's new URL(…), followed",
  'src/store/threadBoot.mjs': 'loads workerData.entry, named by new URL(…) in engine/work/threadClient.ts and store/checkpointer.ts, followed',
};

export type ImportKind = 'static' | 'dynamic' | 'url' | 'expression';
export interface ImportRef { specifier: string; typeOnly: boolean; kind: ImportKind }

/** Source text without comments (strings stay: an import specifier is one). */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'))
    .join('\n');
}

const BACKTICK = '\u0060';
const LITERAL = `(?:'([^']*)'|"([^"]*)"|${BACKTICK}([^${BACKTICK}]*)${BACKTICK})`;

/** Every import of a module: static, re-export, side-effect, import() and new URL(…, import.meta.url). */
export function importsOf(text: string): ImportRef[] {
  const src = stripComments(text);
  const out: ImportRef[] = [];
  const fromRe = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of src.matchAll(fromRe)) {
    const clause = m[3]!.trim();
    // `import { type A, type B } from` is type-only too; a default or namespace binding is not.
    const named = /^\{([\s\S]*)\}$/.exec(clause);
    const allTypes = !!named && named[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    out.push({ specifier: m[4]!, typeOnly: !!m[2] || allTypes, kind: 'static' });
  }
  for (const m of src.matchAll(/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g)) out.push({ specifier: m[1]!, typeOnly: false, kind: 'static' });
  // import(…): a literal or a template (its ${…} parts dropped) is followed; anything else is an expression.
  for (const m of src.matchAll(/\bimport\s*\(\s*([^)]*?)\s*\)(\s*\.\s*[A-Za-z_$])?/g)) {
    const lit = new RegExp(`^${LITERAL}$`).exec(m[1]!);
    if (!lit) out.push({ specifier: m[1]!, typeOnly: false, kind: 'expression' });
    // `import('kysely').Transaction` in a type position is a type import.
    else out.push({ specifier: (lit[1] ?? lit[2] ?? lit[3]!).replace(/\$\{[^}]*\}/g, ''), typeOnly: !!m[2], kind: 'dynamic' });
  }
  for (const m of src.matchAll(new RegExp(`\\bnew\\s+URL\\s*\\(\\s*${LITERAL}\\s*,\\s*import\\.meta\\.url\\s*\\)`, 'g'))) {
    out.push({ specifier: (m[1] ?? m[2] ?? m[3]!).replace(/\$\{[^}]*\}/g, ''), typeOnly: false, kind: 'url' });
  }
  return out;
}

/** Packages only store/ may import: the query builder and the drivers. */
const STORE_PACKAGES = new Set(['kysely', 'better-sqlite3', 'pg']);
// A driver call: a transaction, a pragma, or prepare/exec/query on a database handle or of SQL text
// (`/re/.exec(s)` and `re.exec(s)` are regular expressions, not drivers).
const HANDLE = '(?:sqlite|db|database|pool|client|conn|connection|trx|tx|pg)';
const DRIVER_CALL = new RegExp([
  '\\.(transaction|pragma)\\s*\\(',
  `\\b${HANDLE}\\s*\\.\\s*(prepare|exec|query)\\s*\\(`,
  `\\.(prepare|exec|query)\\s*\\(\\s*['"${BACKTICK}]`,
].join('|'));
// Kysely builders and its sql tag.
const QUERY_BUILDING = new RegExp([
  '\\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)\\s*\\(',
  '\\bsql\\s*(' + BACKTICK + '|<|\\.(raw|ref|id|lit|join|table|val)\\b)',
].join('|'));

/** Why a module outside store/ breaks "only store/ talks to the database", or undefined. */
export function databaseUse(text: string): string | undefined {
  const pkg = importsOf(text).find((i) => STORE_PACKAGES.has(i.specifier));
  if (pkg) return `imports '${pkg.specifier}'${pkg.typeOnly ? ' (types)' : ''}`;
  const src = stripComments(text);
  const call = DRIVER_CALL.exec(src);
  if (call) return `calls a driver (${call[0].trim()})`;
  const q = QUERY_BUILDING.exec(src);
  return q ? `builds a query (${q[0].trim()})` : undefined;
}

/** src/… path → text, the files a check reads (the real tree, or a fixture). */
export type SourceTree = ReadonlyMap<string, string>;

const layerOf = (rel: string): Layer | undefined => LAYERS.find((l) => rel.startsWith(`src/${l}/`));

/** The file a relative specifier names: .js is written for .ts, .mjs for .mts; a template prefix gets .ts. */
function resolveIn(tree: SourceTree, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.join(posix.dirname(from), specifier);
  return [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`].find((c) => tree.has(c));
}

/** Imports that point up a layer, directly or through modules outside the layers. */
export function layerCrossings(tree: SourceTree): string[] {
  const out: string[] = [];
  for (const file of tree.keys()) {
    const from = layerOf(file);
    if (!from) continue;
    const seen = new Set([file]);
    const queue = [file];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const { specifier } of importsOf(tree.get(cur)!)) {
        const target = resolveIn(tree, cur, specifier);
        if (!target) continue;
        const to = layerOf(target);
        const via = cur === file ? '' : ` via ${cur}`;
        if (to && LAYERS.indexOf(to) < LAYERS.indexOf(from)) out.push(`${file} (${from}) imports ${specifier} (${to})${via}`);
        if (!to && !seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }
  return out;
}

/** Modules outside store/ that use the database, with why. */
export function databaseUseOutsideStore(tree: SourceTree): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, text] of tree) {
    if (file.startsWith('src/store/')) continue;
    const why = databaseUse(text);
    if (why) out.set(file, why);
  }
  return out;
}

/** Modules with an import() of a computed name. */
export function expressionImporters(tree: SourceTree): string[] {
  return [...tree].filter(([, text]) => importsOf(text).some((i) => i.kind === 'expression')).map(([file]) => file);
}

function readTree(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) tree.set(relative(ROOT, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return tree;
}

const tree = readTree(join(ROOT, 'src'));

describe('layering', () => {
  it('reads the source tree, .mjs included', () => {
    assert.ok(tree.size > 50, `only ${tree.size} files under src/`);
    assert.ok(tree.has('src/store/threadBoot.mjs'));
  });

  it(`nothing points up: ${LAYERS.join(' → ')}`, () => {
    const crossings = layerCrossings(tree);
    assert.deepEqual(crossings, [], `imports that point up a layer:\n  ${crossings.join('\n  ')}`);
  });

  it('only store/ imports kysely or a driver, calls a driver or builds SQL', () => {
    const found = [...databaseUseOutsideStore(tree)].filter(([file]) => !(file in STORE_ONLY_PENDING)).map(([file, why]) => `${file} ${why}`);
    assert.deepEqual(found, [], `database use outside src/store/ (move it into a repository; take a Tx from store/unitOfWork.ts):\n  ${found.join('\n  ')}`);
  });

  it('the pending list holds only files that still use the database', () => {
    const using = databaseUseOutsideStore(tree);
    const stale = Object.keys(STORE_ONLY_PENDING).filter((file) => !using.has(file));
    assert.deepEqual(stale, [], `clean now (or gone): remove them from STORE_ONLY_PENDING: ${stale.join(', ')}`);
  });

  it('every import() of a computed name is listed with where its names come from', () => {
    assert.deepEqual(expressionImporters(tree).sort(), Object.keys(EXPRESSION_IMPORTS).sort());
  });
});

describe('layering checker', () => {
  const fixture = (files: Record<string, string>): SourceTree => new Map(Object.entries(files));

  it('sees static, type-only, side-effect, dynamic, template, URL and expression imports', () => {
    const refs = importsOf([
      "import { Errors } from '../graph/errors.js';",
      "import type { Db } from '../store/db.js';",
      "import { type A, type B } from './a.js';",
      "import { type A, b } from './b.js';",
      "export { x } from './c.js';",
      "import './d.js';",
      "const m = await import('./e.js');",
      'const t = await import(`./f${ext}`);',
      "const w = new Worker(new URL('./g.mjs', import.meta.url));",
      'const r = await import(ref.module);',
      "type T = import('kysely').Transaction<DB>;",
      "// import { gone } from './commented.js';",
    ].join('\n'));
    assert.deepEqual(refs, [
      { specifier: '../graph/errors.js', typeOnly: false, kind: 'static' },
      { specifier: '../store/db.js', typeOnly: true, kind: 'static' },
      { specifier: './a.js', typeOnly: true, kind: 'static' },
      { specifier: './b.js', typeOnly: false, kind: 'static' },
      { specifier: './c.js', typeOnly: false, kind: 'static' },
      { specifier: './d.js', typeOnly: false, kind: 'static' },
      { specifier: './e.js', typeOnly: false, kind: 'dynamic' },
      { specifier: './f', typeOnly: false, kind: 'dynamic' },
      { specifier: 'ref.module', typeOnly: false, kind: 'expression' },
      { specifier: 'kysely', typeOnly: true, kind: 'dynamic' },
      { specifier: './g.mjs', typeOnly: false, kind: 'url' },
    ]);
  });

  it('orders all five layers: each import pointing up fails, each pointing down passes', () => {
    const down = fixture({
      'src/graph/a.ts': "import '../engine/a.js';",
      'src/engine/a.ts': "import '../tenants/a.js';",
      'src/tenants/a.ts': "import '../store/a.js';",
      'src/store/a.ts': "import '../domain/a.js';",
      'src/domain/a.ts': "import './b.js';",
      'src/domain/b.ts': '',
    });
    assert.deepEqual(layerCrossings(down), []);
    for (const [i, from] of LAYERS.entries()) {
      for (const to of LAYERS.slice(0, i)) {
        const up = fixture({ [`src/${from}/x.ts`]: `import { y } from '../${to}/y.js';`, [`src/${to}/y.ts`]: 'export const y = 1;' });
        assert.deepEqual(layerCrossings(up), [`src/${from}/x.ts (${from}) imports ../${to}/y.js (${to})`], `${from} → ${to}`);
      }
    }
  });

  it('follows modules outside the layers, .mjs files, import() templates and new URL(…)', () => {
    assert.deepEqual(layerCrossings(fixture({
      'src/store/a.ts': "import { c } from '../clock.js';",
      'src/clock.ts': "import './engine/x.js';",
      'src/engine/x.ts': '',
    })), ['src/store/a.ts (store) imports ./engine/x.js (engine) via src/clock.ts']);
    assert.deepEqual(layerCrossings(fixture({ 'src/store/boot.mjs': "await import('../graph/app.js');", 'src/graph/app.ts': '' })),
      ['src/store/boot.mjs (store) imports ../graph/app.js (graph)']);
    assert.deepEqual(layerCrossings(fixture({ 'src/tenants/a.ts': 'await import(`../engine/run${ext}`);', 'src/engine/run.ts': '' })),
      ['src/tenants/a.ts (tenants) imports ../engine/run (engine)']);
    assert.deepEqual(layerCrossings(fixture({ 'src/domain/a.ts': "new Worker(new URL('../engine/boot.mjs', import.meta.url));", 'src/engine/boot.mjs': '' })),
      ['src/domain/a.ts (domain) imports ../engine/boot.mjs (engine)']);
  });

  it('finds an import() of a computed name', () => {
    assert.deepEqual(expressionImporters(fixture({ 'src/engine/a.ts': 'await import(name);', 'src/engine/b.ts': "await import('./a.js');" })), ['src/engine/a.ts']);
  });

  it('flags kysely and driver imports, even for types, outside store/ only', () => {
    for (const text of [
      "import type { Kysely } from 'kysely';",
      "import { sql } from 'kysely';",
      "type T = import('kysely').Transaction<DB>;",
      "import type Database from 'better-sqlite3';",
      "import pg from 'pg';",
    ]) {
      assert.ok(databaseUse(text), text);
      assert.deepEqual([...databaseUseOutsideStore(fixture({ 'src/engine/a.ts': text, 'src/store/a.ts': text })).keys()], ['src/engine/a.ts'], text);
    }
  });

  it('flags each driver call and query building, not regular expressions', () => {
    for (const text of [
      'await store.db.transaction().execute(async (trx) => f(trx));',
      'sqlite.transaction(() => f())();',
      "sqlite.pragma('journal_mode = WAL');",
      'const stmt = sqlite.prepare(text);',
      "db.prepare('select 1').get();",
      'sqlite.exec(ddl);',
      "conn.exec('vacuum');",
      'await client.query(text, values);',
      'await pool.query(`select 1`);',
      "await db.selectFrom('jobs').selectAll().execute();",
      'const n = sql<number>`count(*)`;',
    ]) assert.ok(databaseUse(text), text);
    for (const text of [
      'const m = /^a$/.exec(text);',
      'const m = RE.exec(text);',
      'const m = re.exec(text);',
      "const u = new URL(req.url, 'http://x');",
      "// db.selectFrom('x') in a comment",
      'await fetch(url, { method: "GET" });',
    ]) assert.equal(databaseUse(text), undefined, text);
  });
});

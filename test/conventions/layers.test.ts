// Layers point one way: graph/ → engine/ → domain/, with tenants/ and store/ below, and every SQL
// statement in store/. This reads the import graph of src/ and fails on an import that crosses a
// layer, or on query building (a value import from 'kysely', a query-builder call) outside store/.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

type Layer = 'graph' | 'engine' | 'domain' | 'tenants' | 'store';
const LAYERS: readonly Layer[] = ['graph', 'engine', 'domain', 'tenants', 'store'];

/** layer → the layers it must not import. */
const FORBIDDEN: Readonly<Record<Layer, readonly Layer[]>> = {
  graph: [],
  engine: ['graph'],
  domain: ['graph', 'engine', 'store'],
  tenants: ['graph', 'engine'],
  store: ['graph', 'engine'],
};

/**
 * Files known to still build SQL outside store/, each with who moves it. Kept short and checked:
 * a listed file that no longer builds SQL fails the test, so the list only shrinks.
 */
const SQL_OUTSIDE_STORE_PENDING: Readonly<Record<string, string>> = {};

export interface ImportRef { specifier: string; typeOnly: boolean }

/** Source text without comments (strings stay: an import specifier is one). */
export function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`\\])\/\/.*$/, '$1'))
    .join('\n');
}

/** Every static import/export-from and dynamic import() of a module. */
export function importsOf(text: string): ImportRef[] {
  const src = stripComments(text);
  const out: ImportRef[] = [];
  const fromRe = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (const m of src.matchAll(fromRe)) {
    const clause = m[3]!.trim();
    // `import { type A, type B } from` is type-only too; a default or namespace binding is not.
    const named = /^\{([\s\S]*)\}$/.exec(clause);
    const allTypes = !!named && named[1]!.split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    out.push({ specifier: m[4]!, typeOnly: !!m[2] || allTypes });
  }
  for (const m of src.matchAll(/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g)) out.push({ specifier: m[1]!, typeOnly: false });
  for (const m of src.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ specifier: m[1]!, typeOnly: false });
  return out;
}

// Kysely builders and the sql tag; raw statements through a driver handle (better-sqlite3's pragma,
// prepare or exec of a literal, pg's query of a literal).
const BACKTICK = '\u0060';
const QUERY_BUILDING = new RegExp([
  '\\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)\\s*\\(',
  '\\bsql\\s*(' + BACKTICK + '|<|\\.(raw|ref|id|lit|join|table|val)\\b)',
  '\\.pragma\\s*\\(',
  '\\.(prepare|exec|query)\\s*\\(\\s*[\'"' + BACKTICK + ']',
].join('|'));

/** Why a module builds SQL, or undefined: a value import from 'kysely' or a query-builder call. */
export function sqlBuilding(text: string): string | undefined {
  if (importsOf(text).some((i) => i.specifier === 'kysely' && !i.typeOnly)) return "imports values from 'kysely'";
  const m = QUERY_BUILDING.exec(stripComments(text));
  return m ? `builds a query (${m[0].trim()})` : undefined;
}

function layerOf(file: string): Layer | undefined {
  const top = relative(SRC, file).split(/[\\/]/)[0];
  return LAYERS.find((l) => l === top);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const files = sourceFiles(SRC);
const rel = (f: string) => relative(ROOT, f).split('\\').join('/');

describe('layering', () => {
  it('finds the source tree', () => {
    assert.ok(files.length > 50, `only ${files.length} files under src/`);
  });

  it('no import crosses a layer (domain ↛ graph/engine/store; engine ↛ graph; tenants, store ↛ graph/engine)', () => {
    const crossings: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      if (!from) continue;
      // Modules outside the layers (clock.ts, config.ts) are followed: importing one is importing what it imports.
      const seen = new Set<string>([file]);
      const queue = [file];
      while (queue.length) {
        const cur = queue.shift()!;
        for (const { specifier } of importsOf(readFileSync(cur, 'utf8'))) {
          if (!specifier.startsWith('.')) continue;
          const target = resolve(dirname(cur), specifier).replace(/\.js$/, '.ts');
          const to = layerOf(target);
          const via = cur === file ? '' : ` via ${rel(cur)}`;
          if (to && FORBIDDEN[from].includes(to)) crossings.push(`${rel(file)} (${from}) imports ${specifier} (${to})${via}`);
          if (!to && target.startsWith(SRC) && !seen.has(target) && existsSync(target)) {
            seen.add(target);
            queue.push(target);
          }
        }
      }
    }
    assert.deepEqual(crossings, [], `imports that cross a layer:\n  ${crossings.join('\n  ')}`);
  });

  it('every SQL statement is built in src/store/', () => {
    const found: string[] = [];
    for (const file of files) {
      const r = rel(file);
      if (r.startsWith('src/store/')) continue;
      const why = sqlBuilding(readFileSync(file, 'utf8'));
      if (why && !(r in SQL_OUTSIDE_STORE_PENDING)) found.push(`${r} ${why}`);
    }
    assert.deepEqual(found, [], `SQL outside src/store/ (move it into a repository there):\n  ${found.join('\n  ')}`);
  });

  it('the pending list holds only files that still build SQL', () => {
    const stale = Object.keys(SQL_OUTSIDE_STORE_PENDING).filter((r) => {
      try {
        return !sqlBuilding(readFileSync(join(ROOT, r), 'utf8'));
      } catch {
        return true; // removed or renamed
      }
    });
    assert.deepEqual(stale, [], `no longer build SQL; remove them from SQL_OUTSIDE_STORE_PENDING: ${stale.join(', ')}`);
  });
});

describe('layering checker', () => {
  it('sees value, type-only, side-effect and dynamic imports', () => {
    const refs = importsOf([
      "import { Errors } from '../graph/errors.js';",
      "import type { Db } from '../store/db.js';",
      "import { type A, type B } from './a.js';",
      "import { type A, b } from './b.js';",
      "export { x } from './c.js';",
      "import './d.js';",
      "const m = await import('./e.js');",
      "// import { gone } from './commented.js';",
    ].join('\n'));
    assert.deepEqual(refs, [
      { specifier: '../graph/errors.js', typeOnly: false },
      { specifier: '../store/db.js', typeOnly: true },
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: false },
      { specifier: './c.js', typeOnly: false },
      { specifier: './d.js', typeOnly: false },
      { specifier: './e.js', typeOnly: false },
    ]);
  });

  it('tells query building from type use', () => {
    assert.equal(sqlBuilding("import type { Kysely } from 'kysely';\nconst x: Kysely<DB> = db;"), undefined);
    assert.match(sqlBuilding("import { sql } from 'kysely';") ?? '', /imports values/);
    assert.match(sqlBuilding("await db.selectFrom('jobs').selectAll().execute();") ?? '', /selectFrom/);
    assert.match(sqlBuilding('const n = sql<number>`count(*)`;') ?? '', /sql/);
    assert.equal(sqlBuilding("// db.selectFrom('x') in a comment\nconst u = 'https://a/b';"), undefined);
    assert.match(sqlBuilding("sqlite.pragma('journal_mode = WAL');") ?? '', /pragma/);
    assert.match(sqlBuilding("sqlite.prepare('select 1').get();") ?? '', /prepare/);
    assert.match(sqlBuilding('await client.query(`select 1`);') ?? '', /query/);
    assert.equal(sqlBuilding('const m = /^a$/.exec(text);'), undefined);
  });
});

// How tests run the `xtm` command: from the TypeScript sources through tsx, so a test never runs a
// stale dist/ (test/service/package.test.ts checks the built launcher and the packed tarball).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
/** node arguments that run `xtm` from the sources: spawn(process.execPath, [...XTM_SOURCE, 'serve', ...]). */
export const XTM_SOURCE = ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts')]; // tsx resolved here: children run in other directories
/** The built launcher (bin/xtm.js runs dist/). */
export const XTM_BIN = join(root, 'bin', 'xtm.js');
export const REPO_ROOT = root;

/** True when `built` is missing or older than the newest file under `sourceDir` (a stale build tests old code). */
export function staleBuild(built: string, sourceDir: string): boolean {
  const newest = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((t, e) => Math.max(t, e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs), 0);
  return !existsSync(built) || statSync(built).mtimeMs < newest(sourceDir);
}

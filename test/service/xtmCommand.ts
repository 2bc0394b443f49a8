// How tests run the `xtm` command: from the TypeScript sources through tsx, so a test never runs a
// stale dist/ (test/service/package.test.ts checks the built launcher and the packed tarball).
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
/** node arguments that run `xtm` from the sources: spawn(process.execPath, [...XTM_SOURCE, 'serve', ...]). */
export const XTM_SOURCE = ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'main.ts')]; // tsx resolved here: children run in other directories
/** The built launcher (bin/xtm.js runs dist/). */
export const XTM_BIN = join(root, 'bin', 'xtm.js');
export const REPO_ROOT = root;

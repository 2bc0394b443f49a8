#!/usr/bin/env node
// Launcher: runs the compiled code in dist/ (`npm run build`; `npm install` builds it in `prepare`).
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node ≥ 22.1 keeps compiled bytecode between runs (faster start); Node 20 has no such cache.
module.enableCompileCache?.();

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('xtm: dist/ is missing: run `npm run build` (or `npm install`, which builds it) in the xtm checkout');
  process.exit(2);
}
await import(main.href);

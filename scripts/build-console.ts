// Builds the web console (console/) into console/dist: one ES module bundle (Preact, no CDN), its
// stylesheet and index.html. Run by `npm run build:console` (npm install's prepare step runs it).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../console/', import.meta.url));
const out = `${root}dist`;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const started = performance.now();
await build({
  entryPoints: { app: `${root}src/main.tsx` },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.css': 'css' },
});
copyFileSync(`${root}index.html`, `${out}/index.html`);
console.log(`console built into ${out} in ${Math.round(performance.now() - started)} ms`);

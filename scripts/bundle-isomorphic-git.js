// Part of `npm run build`: writes dist/vendor/isomorphic-git.cjs, isomorphic-git and its dependencies in
// one CommonJS file. Its Node entry requires about a hundred small modules (sha.js's chain alone is
// ~80: get-intrinsic, es-errors, math-intrinsics, …); resolving and compiling them one by one is ~40 ms
// of every command's start (`npm run bench -- cli`), one file of the same code is one read. The compiled
// store loads this copy (src/adapters/git/git.ts); run from source it loads the package itself.
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// The output path may be given (the test bundles into a temp folder); `npm run build` uses the default.
const outfile = process.argv[2] ?? join(root, 'dist/vendor/isomorphic-git.cjs');
const version = JSON.parse(readFileSync(join(root, 'node_modules/isomorphic-git/package.json'), 'utf8')).version;

buildSync({
  entryPoints: [join(root, 'node_modules/isomorphic-git/index.cjs')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // Its licence travels with it; the code stays readable for a stack trace.
  legalComments: 'inline',
  banner: { js: `// isomorphic-git ${version} and its dependencies, bundled by scripts/bundle-isomorphic-git.js (npm run build).` },
  logLevel: 'warning',
});

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type isomorphicGit from 'isomorphic-git';

/**
 * isomorphic-git, loaded with require rather than an ESM import. Its Node entry is one 575 kB CommonJS
 * file, and an ESM import of CommonJS first runs Node's export scanner over the whole of it: about 100 ms
 * of every `previewd list` (bench cli). require skips the scan; the module, and its instance, are the same.
 *
 * Compiled, this module sits in dist/adapters/git/, and `npm run build` puts one bundled file of
 * isomorphic-git and its ~100 small dependencies in dist/vendor/ (scripts/bundle-isomorphic-git.js):
 * another 40 ms less per command. Run from source (tsx, the tests) there is no such file, and the
 * package is loaded as installed; both are the same code at the same version.
 */
function loadIsomorphicGit(): typeof isomorphicGit {
  const require = createRequire(import.meta.url);
  const bundled = new URL('../../vendor/isomorphic-git.cjs', import.meta.url);
  return (existsSync(bundled) ? require(bundled.pathname) : require('isomorphic-git')) as typeof isomorphicGit;
}

export const git: typeof isomorphicGit = loadIsomorphicGit();

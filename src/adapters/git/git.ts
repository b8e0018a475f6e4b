import { createRequire } from 'node:module';
import type isomorphicGit from 'isomorphic-git';

/**
 * isomorphic-git, loaded with require rather than an ESM import. Its Node entry is one 575 kB CommonJS
 * file, and an ESM import of CommonJS first runs Node's export scanner over the whole of it: about 100 ms
 * of every `previewd list` (bench cli). require skips the scan; the module, and its instance, are the same.
 */
export const git: typeof isomorphicGit = createRequire(import.meta.url)('isomorphic-git') as typeof isomorphicGit;

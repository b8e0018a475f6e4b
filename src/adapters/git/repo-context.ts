import fs from 'node:fs';

/** What every isomorphic-git call needs: the fs, the git directory, and a long-lived object cache. */
export interface RepoContext {
  fs: typeof fs;
  gitdir: string;
  /** isomorphic-git's cache: keeps parsed pack indexes between calls (a large repo reads them once). */
  cache: object;
}

export function repoContext(gitdir: string): RepoContext {
  return { fs, gitdir, cache: {} };
}

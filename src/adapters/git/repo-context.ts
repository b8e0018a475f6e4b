import type fs from 'node:fs';
import { guardedFs } from './guarded-fs.ts';
import type { CommitObject, TreeEntry } from 'isomorphic-git';

/** What every isomorphic-git call needs: the fs, the git directory, and long-lived caches. */
export interface RepoContext {
  fs: typeof fs;
  gitdir: string;
  /** isomorphic-git's cache: keeps parsed pack indexes between calls (a large repo reads them once). */
  cache: object;
  /**
   * Parsed trees by id. Objects never change, so an entry is never stale; the map is bounded and
   * forgets the oldest first. The trees near the root, read by every commit, stay in it.
   */
  trees: Map<string, TreeEntry[]>;
  /**
   * Parsed commits by id, bounded by the same size: a history walk or a list reads the same few
   * commits again and again, and each read from disk first probes for a loose object (a failed stat).
   */
  commits: Map<string, CommitObject>;
  treeCacheSize: number;
}

export function repoContext(gitdir: string, treeCacheSize = 4096): RepoContext {
  return { fs: guardedFs(), gitdir, cache: {}, trees: new Map(), commits: new Map(), treeCacheSize };
}

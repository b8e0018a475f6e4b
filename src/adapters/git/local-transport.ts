import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git.ts';
import { readRef, swapRef } from './refs.ts';
import type { RepoContext } from './repo-context.ts';
import type { Transport } from './transport.ts';

/**
 * The embedded default: no remote. The repository's own branch is the target; publishing is a
 * compare-and-swap of `refs/heads/<branch>` under git's lock file, so a person committing in the same
 * repository with the git CLI is never overwritten. When the branch is checked out, the changed
 * folders are checked out too, so the overlay sits on disk ready for `kubectl kustomize`.
 */
export function createLocalTransport(ctx: RepoContext, dir: string, branch: string): Transport {
  const trackingRef = `refs/heads/${branch}`;
  async function syncWorkTree(old: string | null, next: string): Promise<void> {
    const head = await git.currentBranch({ fs: ctx.fs, gitdir: ctx.gitdir, fullname: true });
    if (head !== trackingRef || old === null) return;
    const changed = new Set<string>();
    await git.walk({
      fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache,
      trees: [git.TREE({ ref: old }), git.TREE({ ref: next })],
      map: async (path, [a, b]) => {
        if (path === '.') return true;
        const depth = path.split('/').length;
        const [ao, bo] = await Promise.all([a?.oid(), b?.oid()]);
        if (ao === bo) return null; // unchanged subtree: do not descend
        if (depth === 4 && path.startsWith('previews/')) {
          changed.add(path);
          return null;
        }
        return depth < 4 ? true : null;
      },
    });
    if (changed.size === 0) return;
    await git.checkout({ fs: ctx.fs, dir, gitdir: ctx.gitdir, cache: ctx.cache, ref: branch, filepaths: [...changed], force: true, noUpdateHead: true });
    // checkout removes a destroyed environment's files but leaves its folders; git would not.
    for (const folder of changed) await removeEmptyFolders(dir, folder);
  }
  return {
    trackingRef,
    fetch: () => readRef(ctx, trackingRef),
    async push(old, next) {
      if (!(await swapRef(ctx, trackingRef, old, next))) return 'moved';
      await syncWorkTree(old, next);
      return 'ok';
    },
  };
}

async function removeEmptyFolders(dir: string, folder: string): Promise<void> {
  const parts = folder.split('/');
  for (let depth = parts.length; depth > 1; depth--) {
    try {
      await rmdir(join(dir, ...parts.slice(0, depth)));
    } catch {
      return; // not empty (or already gone): stop climbing
    }
  }
}

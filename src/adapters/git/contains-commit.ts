import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';

// How far back to look. Argo CD reports the branch tip; previewd's commit is normally a handful of
// commits behind it, or ahead of it while the sync is pending. Past this the answer is "no".
const MAX_WALK = 5000;

async function has(ctx: RepoContext, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    return true;
  } catch {
    return false;
  }
}

async function descends(ctx: RepoContext, oid: string, ancestor: string): Promise<boolean> {
  try {
    return await git.isDescendent({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid, ancestor, depth: MAX_WALK });
  } catch (err) {
    if ((err as { code?: string }).code === 'MaxDepthError') return false;
    throw err;
  }
}

/**
 * Whether `revision` contains `commit` (is that commit or a descendant of it), or null when the
 * revision is not in the local clone. Checks the cheap direction first: while a sync is pending the
 * revision is an ancestor of the commit, found by walking back from the commit.
 */
export async function containsCommit(ctx: RepoContext, revision: string, commit: string): Promise<boolean | null> {
  if (revision === commit) return true;
  if (!(await has(ctx, revision)) || !(await has(ctx, commit))) return null;
  if (await descends(ctx, commit, revision)) return false;
  return descends(ctx, revision, commit);
}

import git from 'isomorphic-git';
import { envFolder, type EnvRef } from '../../domain/environment.ts';
import { envKey, envOfMessage } from './chain.ts';
import { StoreStateError } from './errors.ts';
import type { RepoContext } from './repo-context.ts';
import { commitTree, folderAt, folderChanged } from './tree-read.ts';
import { editTree } from './tree-edit.ts';

export interface ReplayResult {
  /** The new tip: `onto`, plus the replayed commits. */
  tip: string;
  /** Old commit id → new id (or the tip it was absorbed into, when its content was already there). */
  moved: Map<string, string>;
  /** Environments someone else changed: previewd's commits for them, dropped. */
  dropped: Map<string, { env: EnvRef; commits: string[] }>;
}

/**
 * Re-applies previewd's unpublished commits on top of a newer remote tip. Each commit touches one
 * environment folder; it is replayed by setting that folder to the content the commit gave it, so the
 * commits of others (other folders, or anything outside `previews/`) are kept as they are. If anyone
 * changed the same folder between `base` and `onto`, their version stands and previewd's commits for
 * that environment are dropped — they were previewd's own, never anyone else's.
 */
export async function replay(ctx: RepoContext, chain: readonly string[], base: string | null, onto: string, now: Date): Promise<ReplayResult> {
  const baseTree = await commitTree(ctx, base);
  const ontoTree = await commitTree(ctx, onto);
  let tip = onto;
  let tipTree = ontoTree;
  const moved = new Map<string, string>();
  const dropped = new Map<string, { env: EnvRef; commits: string[] }>();
  for (const oid of chain) {
    const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    const env = envOfMessage(commit.message);
    if (env === null) throw new StoreStateError(`unpublished commit ${oid} has no Preview-Repo/Preview-PR trailers; it was not made by previewd`);
    const key = envKey(env);
    const folder = envFolder(env);
    const already = dropped.get(key);
    if (already || (await folderChanged(ctx, baseTree, ontoTree, folder))) {
      if (already) already.commits.push(oid);
      else dropped.set(key, { env, commits: [oid] });
      continue;
    }
    const content = await folderAt(ctx, commit.tree, folder);
    const tree = await editTree(ctx, tipTree, [content === null ? { type: 'delete', path: folder } : { type: 'graft', path: folder, tree: content }]);
    if (tree === tipTree || tree === null) {
      moved.set(oid, tip);
      continue;
    }
    const seconds = Math.floor(now.getTime() / 1000);
    tip = await git.writeCommit({
      fs: ctx.fs, gitdir: ctx.gitdir,
      commit: {
        message: commit.message,
        tree,
        parent: [tip],
        author: commit.author,
        committer: { ...commit.committer, timestamp: seconds, timezoneOffset: 0 },
      },
    });
    tipTree = tree;
    moved.set(oid, tip);
  }
  return { tip, moved, dropped };
}

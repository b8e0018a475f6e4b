import { git } from './git.ts';
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
  /**
   * Commits the remote already has the content of (a push that landed though its answer was lost):
   * published, never someone else's edit.
   */
  landed: Array<{ oid: string; env: EnvRef; subject: string }>;
}

/**
 * Per environment whose folder moved between `base` and `onto`: the index in `chain` of the last of
 * previewd's commits whose folder is what `onto` has. The folder a commit gives an environment is the
 * same however often it is replayed, so this is the commit's own content on the remote.
 */
async function ownOnRemote(ctx: RepoContext, chain: readonly string[], baseTree: string | null, ontoTree: string | null): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const moved = new Map<string, boolean>();
  for (const [i, oid] of chain.entries()) {
    const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    const env = envOfMessage(commit.message);
    if (env === null) continue;
    const key = envKey(env);
    const folder = envFolder(env);
    if (!moved.has(key)) moved.set(key, await folderChanged(ctx, baseTree, ontoTree, folder));
    if (!moved.get(key)) continue;
    if ((await folderAt(ctx, commit.tree, folder)) === (await folderAt(ctx, ontoTree, folder))) found.set(key, i);
  }
  return found;
}

/**
 * Re-applies previewd's unpublished commits on top of a newer remote tip. Each commit touches one
 * environment folder; it is replayed by setting that folder to the content the commit gave it, so the
 * commits of others (other folders, or anything outside `previews/`) are kept as they are. If anyone
 * changed the same folder between `base` and `onto`, their version stands and previewd's commits for
 * that environment are dropped — they were previewd's own, never anyone else's. Unless the folder is
 * what one of previewd's own commits made it: then that commit and the ones before it landed (a push
 * whose answer was lost), and the ones after it are replayed.
 */
export async function replay(ctx: RepoContext, chain: readonly string[], base: string | null, onto: string, now: Date): Promise<ReplayResult> {
  const baseTree = await commitTree(ctx, base);
  const ontoTree = await commitTree(ctx, onto);
  let tip = onto;
  let tipTree = ontoTree;
  const moved = new Map<string, string>();
  const dropped = new Map<string, { env: EnvRef; commits: string[] }>();
  const landed: ReplayResult['landed'] = [];
  const own = await ownOnRemote(ctx, chain, baseTree, ontoTree);
  for (const [i, oid] of chain.entries()) {
    const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    const env = envOfMessage(commit.message);
    if (env === null) throw new StoreStateError(`unpublished commit ${oid} has no Preview-Repo/Preview-PR trailers; it was not made by previewd`);
    const key = envKey(env);
    const folder = envFolder(env);
    const mine = own.get(key);
    if (mine !== undefined && i <= mine) {
      landed.push({ oid, env, subject: commit.message.split('\n')[0] ?? '' });
      moved.set(oid, onto);
      continue;
    }
    const already = dropped.get(key);
    if (already || (mine === undefined && (await folderChanged(ctx, baseTree, ontoTree, folder)))) {
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
  return { tip, moved, dropped, landed };
}

import { git } from './git.ts';
import { parseCommitMessage } from '../../domain/commit-message.ts';
import { envFolder, type EnvRef } from '../../domain/environment.ts';
import { RevertTargetError } from './errors.ts';
import type { RepoContext } from './repo-context.ts';
import { commitTree, folderAt, folderChanged } from './tree-read.ts';
import type { TreeEdit } from './tree-edit.ts';

/** What a rollback restores: the commit whose content comes back, the edit, the app sha it deployed. */
export interface RollbackEdit {
  oid: string;
  edit: TreeEdit;
  sha: string | undefined;
  /** For a revert (`before`): the commit undone; `oid` is then its first parent (null: a root commit). */
  reverts?: string;
}

/**
 * The edit that restores an environment's folder to its content at `target`: a commit in the branch's
 * history that changed the folder (a rollback to anything else is a mistake worth a clear message).
 * Also returns the app sha that state deployed, from the target's own trailers. With `before`, the
 * content is the folder's just before `target` (in its first parent: a revert of what it did there);
 * the parent's trailers may speak of another environment, so no sha is taken from them.
 */
export async function rollbackEdit(ctx: RepoContext, env: EnvRef, target: string, tip: string | null, branch: string, before = false): Promise<RollbackEdit> {
  const folder = envFolder(env);
  const pick = `pick one from 'previewd history ${env.owner}/${env.repo}#${env.pr}'`;
  let oid: string;
  try {
    oid = await git.expandOid({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: target });
    await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
  } catch (err) {
    throw new RevertTargetError(`there is no commit ${JSON.stringify(target)} in the GitOps repository: ${pick}`, { cause: err });
  }
  const reachable = oid === tip || (tip !== null && (await git.isDescendent({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: tip, ancestor: oid, depth: -1 })));
  if (!reachable) throw new RevertTargetError(`commit ${oid.slice(0, 7)} is not in the history of ${branch}: ${pick}`);
  const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
  const parentTree = await commitTree(ctx, commit.parent[0] ?? null);
  if (!(await folderChanged(ctx, commit.tree, parentTree, folder))) {
    throw new RevertTargetError(`commit ${oid.slice(0, 7)} did not change ${folder}: ${pick}`);
  }
  const content = await folderAt(ctx, before ? parentTree : commit.tree, folder);
  const edit: TreeEdit = content === null ? { type: 'delete', path: folder } : { type: 'graft', path: folder, tree: content };
  if (before) return { oid: commit.parent[0] ?? oid, edit, sha: undefined, reverts: oid };
  return { oid, edit, sha: parseCommitMessage(commit.message).trailers.get('Preview-Sha') };
}

import { git } from './git.ts';
import { parseEnvFolder, PREVIEWS_DIR, type EnvRef } from '../../domain/environment.ts';
import type { CommitEnvironments } from '../../ports/gitops-store.ts';
import { listEnvironments } from './list-environments.ts';
import type { RepoContext } from './repo-context.ts';
import { commitTree, readEntries } from './tree-read.ts';

// The root's entries other than previews/, by name and object id: what changed outside the folders.
async function rootOutside(ctx: RepoContext, tree: string | null): Promise<string> {
  if (tree === null) return '';
  const entries = await readEntries(ctx, tree);
  return entries.filter((e) => e.path !== PREVIEWS_DIR).map((e) => `${e.path} ${e.oid}`).join('\n');
}

/**
 * The environment folders a commit of the branch changed against its first parent (a folder made,
 * changed or removed), and whether it changed anything outside previews/ (previewd.yaml, apps/…):
 * what `previewd revert` may undo. Reads
 * the environment lists of both trees (their folder ids), not the folders' files.
 */
export async function commitEnvironments(ctx: RepoContext, target: string, tip: string | null, branch: string): Promise<CommitEnvironments> {
  let oid: string;
  try {
    oid = await git.expandOid({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: target });
    await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
  } catch {
    return { found: false, reason: `there is no commit ${JSON.stringify(target)} in the GitOps repository: pick one from 'git log' or 'previewd history'` };
  }
  const reachable = oid === tip || (tip !== null && (await git.isDescendent({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: tip, ancestor: oid, depth: -1 })));
  if (!reachable) return { found: false, reason: `commit ${oid.slice(0, 7)} is not in the history of ${branch}` };
  const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
  const parentTree = await commitTree(ctx, commit.parent[0] ?? null);
  const [after, before] = await Promise.all([listEnvironments(ctx, commit.tree), parentTree === null ? [] : listEnvironments(ctx, parentTree)]);
  const was = new Map(before.map((e) => [e.folder, e.tree]));
  const changed = new Set<string>();
  for (const e of after) if (was.get(e.folder) !== e.tree) changed.add(e.folder);
  for (const e of before) if (!after.some((a) => a.folder === e.folder)) changed.add(e.folder);
  const envs = [...changed].sort().map((folder) => parseEnvFolder(folder)).filter((e): e is EnvRef => e !== null);
  const outside = (await rootOutside(ctx, commit.tree)) !== (await rootOutside(ctx, parentTree));
  return { found: true, commit: oid, envs, outside };
}

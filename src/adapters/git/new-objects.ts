import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';
import { readEntries } from './tree-read.ts';

async function diffTree(ctx: RepoContext, tree: string, old: string | null, out: Set<string>): Promise<void> {
  if (tree === old || out.has(tree)) return;
  out.add(tree);
  const [entries, oldEntries] = await Promise.all([readEntries(ctx, tree), readEntries(ctx, old)]);
  const before = new Map(oldEntries.map((e) => [e.path, e]));
  for (const entry of entries) {
    const prev = before.get(entry.path);
    if (prev?.oid === entry.oid) continue;
    if (entry.type === 'tree') await diffTree(ctx, entry.oid, prev?.type === 'tree' ? prev.oid : null, out);
    else if (entry.type === 'blob') out.add(entry.oid);
  }
}

/**
 * The objects a remote that has `base` lacks for the linear chain of commits ending at `tip`: each
 * commit, plus the trees and blobs that differ from its parent. Unchanged subtrees are skipped
 * without being read, which is what keeps a push's cost proportional to the change. Objects the
 * remote happens to have elsewhere may be included; that is harmless.
 */
export async function newObjects(ctx: RepoContext, chain: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const oid of chain) {
    const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
    out.add(oid);
    const parent = commit.parent[0] ?? null;
    const parentTree = parent === null
      ? null
      : (await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: parent })).commit.tree;
    await diffTree(ctx, commit.tree, parentTree, out);
  }
  return [...out];
}

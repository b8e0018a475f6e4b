import type { CommitObject, TreeEntry } from 'isomorphic-git';
import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';

/** The entries of a tree object, or none for `null` (an absent tree). */
export async function readEntries(ctx: RepoContext, tree: string | null): Promise<TreeEntry[]> {
  if (tree === null) return [];
  const cached = ctx.trees.get(tree);
  if (cached) {
    // Refresh its place, so that the trees every commit reads are the last to be forgotten.
    ctx.trees.delete(tree);
    ctx.trees.set(tree, cached);
    return cached;
  }
  const { tree: entries } = await git.readTree({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: tree });
  ctx.trees.set(tree, entries);
  if (ctx.trees.size > ctx.treeCacheSize) {
    const oldest = ctx.trees.keys().next().value;
    if (oldest !== undefined) ctx.trees.delete(oldest);
  }
  return entries;
}

/** A parsed commit, through the context's bounded cache (objects never change: an entry is never stale). */
export async function readCommitObject(ctx: RepoContext, oid: string): Promise<CommitObject> {
  const cached = ctx.commits.get(oid);
  if (cached) return cached;
  const { commit } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid });
  ctx.commits.set(oid, commit);
  if (ctx.commits.size > ctx.treeCacheSize) {
    const oldest = ctx.commits.keys().next().value;
    if (oldest !== undefined) ctx.commits.delete(oldest);
  }
  return commit;
}

/** The tree id of a commit. */
export async function commitTree(ctx: RepoContext, commit: string | null): Promise<string | null> {
  if (commit === null) return null;
  return (await readCommitObject(ctx, commit)).tree;
}

/** The id of the entry at `path` (a folder or a file) below `tree`, or null when absent. */
export async function entryAt(ctx: RepoContext, tree: string | null, path: string): Promise<TreeEntry | null> {
  let current: TreeEntry | null = tree === null ? null : { mode: '040000', path: '', oid: tree, type: 'tree' };
  for (const segment of path.split('/').filter(Boolean)) {
    if (current === null || current.type !== 'tree') return null;
    const entries = await readEntries(ctx, current.oid);
    current = entries.find((e) => e.path === segment) ?? null;
  }
  return current;
}

/** The tree id of the folder at `path`, or null when there is no folder there. */
export async function folderAt(ctx: RepoContext, tree: string | null, path: string): Promise<string | null> {
  const entry = await entryAt(ctx, tree, path);
  return entry?.type === 'tree' ? entry.oid : null;
}

/**
 * Whether the folder at `path` differs between two root trees. Descends only while the trees on the
 * way differ, so commits that touched other folders cost one comparison of root ids.
 */
export async function folderChanged(ctx: RepoContext, a: string | null, b: string | null, path: string): Promise<boolean> {
  let left: string | null = a;
  let right: string | null = b;
  for (const segment of path.split('/').filter(Boolean)) {
    if (left === right) return false;
    const [l, r] = await Promise.all([readEntries(ctx, left), readEntries(ctx, right)]);
    const le = l.find((e) => e.path === segment);
    const re = r.find((e) => e.path === segment);
    left = le?.type === 'tree' ? le.oid : null;
    right = re?.type === 'tree' ? re.oid : null;
  }
  return left !== right;
}

/** Every file below a folder tree, as path (relative to it) → content. */
export async function readFolderFiles(ctx: RepoContext, tree: string, prefix = ''): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readEntries(ctx, tree)) {
    const path = prefix ? `${prefix}/${entry.path}` : entry.path;
    if (entry.type === 'tree') {
      for (const [p, c] of await readFolderFiles(ctx, entry.oid, path)) files.set(p, c);
    } else if (entry.type === 'blob') {
      const { blob } = await git.readBlob({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: entry.oid });
      files.set(path, Buffer.from(blob).toString('utf8'));
    }
  }
  return files;
}

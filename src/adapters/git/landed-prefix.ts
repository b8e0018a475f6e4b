import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';

// How far back from the fetched tip to look for previewd's own commits; they are normally at the tip or
// a few commits below it (the others' pushes since).
const MAX_WALK = 2000;

/**
 * How many of `chain` (previewd's unpublished commits, oldest first, on top of `base`) the remote's
 * branch at `fetched` already has, by id: a push that landed though its answer was lost. Follows first
 * parents from `fetched` down to `base`, as others fast-forward the branch on top of what it had.
 */
export async function landedPrefix(ctx: RepoContext, chain: readonly string[], base: string | null, fetched: string): Promise<number> {
  if (chain.length === 0) return 0;
  const index = new Map(chain.map((oid, i) => [oid, i]));
  let at: string | undefined = fetched;
  for (let steps = 0; at !== undefined && at !== base && steps < MAX_WALK; steps++) {
    const hit = index.get(at);
    if (hit !== undefined) return hit + 1;
    const { commit }: { commit: { parent: string[] } } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: at });
    at = commit.parent[0];
  }
  return 0;
}

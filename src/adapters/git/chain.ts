import { git } from './git.ts';
import { parseCommitMessage } from '../../domain/commit-message.ts';
import { assertEnvRef, envFolder, type EnvRef } from '../../domain/environment.ts';
import { StoreStateError } from './errors.ts';
import type { RepoContext } from './repo-context.ts';

/**
 * The commits from `base` (exclusive) to `tip` (inclusive), oldest first. previewd's branch is linear
 * on top of the last published tip, so this follows first parents.
 */
export async function unpublishedChain(ctx: RepoContext, tip: string, base: string | null): Promise<string[]> {
  const chain: string[] = [];
  let at: string | undefined = tip;
  while (at !== undefined && at !== base) {
    chain.push(at);
    const { commit }: { commit: { parent: string[] } } = await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid: at });
    at = commit.parent[0];
  }
  if (at !== base) {
    throw new StoreStateError(`the local branch does not descend from the last published commit ${String(base)}; remove the clone in DATA_DIR to start over`);
  }
  return chain.reverse();
}

/** The environment a commit of previewd's is for, from its trailers. */
export function envOfMessage(message: string): EnvRef | null {
  const { trailers } = parseCommitMessage(message);
  const repo = trailers.get('Preview-Repo');
  const pr = Number(trailers.get('Preview-PR'));
  const [owner, name, extra] = (repo ?? '').split('/');
  if (!owner || !name || extra !== undefined) return null;
  const env = { owner, repo: name, pr };
  try {
    assertEnvRef(env);
    return env;
  } catch {
    return null;
  }
}

export function envKey(env: EnvRef): string {
  return envFolder(env);
}

import { envFolder, type EnvRef } from '../domain/environment.ts';
import type { SyncItem } from './reconcile-request.ts';

/** One environment whose head sha waits for (or failed) its build: what to plan again when CI moves. */
export interface HeldBuild {
  env: EnvRef;
  /** The PR event that was held, without inbox ids (they were settled when it was held). */
  sync: SyncItem;
  sha: string;
  /** When previewd first held this sha: the wait's timeout counts from here. */
  since: Date;
}

/**
 * The environments held by `waitFor`, one sha each: a newer head sha takes the place of an older one
 * (previewd waits for the newest only). In memory: after a restart the resync plans them again and
 * the wait starts over. A CI event finds here which environments its shas concern.
 */
export interface BuildLine {
  /** Holds the environment at `sync`'s head sha; returns since when this sha is held. */
  hold(env: EnvRef, sync: SyncItem, now: Date): Date;
  get(env: EnvRef): HeldBuild | undefined;
  /** The wait is over (deployed, closed, no longer asked for). */
  release(env: EnvRef): void;
  /** The held environments of `owner/repo` whose sha is one of `shas`. */
  forShas(owner: string, repo: string, shas: readonly string[]): HeldBuild[];
  size(): number;
}

export function createBuildLine(): BuildLine {
  const held = new Map<string, HeldBuild>();
  // Per repository too, so that a CI event looks at its repository's holds only.
  const byRepo = new Map<string, Set<string>>();
  const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();
  return {
    hold(env, sync, now) {
      const key = envFolder(env);
      const sha = sync.snapshot.headSha.toLowerCase();
      const before = held.get(key);
      const since = before?.sha === sha ? before.since : now;
      const { ids: _settled, ...item } = sync;
      held.set(key, { env, sync: item, sha, since });
      const repo = repoKey(env.owner, env.repo);
      byRepo.set(repo, (byRepo.get(repo) ?? new Set()).add(key));
      return since;
    },
    get: (env) => held.get(envFolder(env)),
    release(env) {
      const key = envFolder(env);
      held.delete(key);
      byRepo.get(repoKey(env.owner, env.repo))?.delete(key);
    },
    forShas(owner, repo, shas) {
      const wanted = new Set(shas.map((s) => s.toLowerCase()));
      const out: HeldBuild[] = [];
      for (const key of byRepo.get(repoKey(owner, repo)) ?? []) {
        const h = held.get(key);
        if (h && wanted.has(h.sha)) out.push(h);
      }
      return out;
    },
    size: () => held.size,
  };
}

import type { Checked } from '../domain/config-problem.ts';
import type { PreviewConfig } from '../domain/config-types.ts';
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
  /**
   * The PR's `.github/preview.yaml` as read at this sha: a file at a commit never changes, so each
   * re-plan of the wait (every resync round, every CI event) reuses it instead of paying GitHub again.
   */
  config?: Checked<PreviewConfig>;
  /** Looks in the registry so far for this sha (the next one waits longer). */
  looks: number;
  timer?: NodeJS.Timeout;
}

export interface BuildLineOptions {
  /** Plans a held environment again (a registry has no event for a pushed tag: previewd looks again). */
  recheck: (held: HeldBuild) => void;
  /** The first look again after this long, doubling up to `maxMs` (default 2 s to 60 s). */
  baseMs?: number;
  maxMs?: number;
}

/**
 * The environments held by `waitFor`, one sha each: a newer head sha takes the place of an older one
 * (previewd waits for the newest only). In memory: after a restart the resync plans them again and
 * the wait starts over. A CI event finds here which environments its shas concern.
 */
export interface BuildLine {
  /** Holds the environment at `sync`'s head sha (with its config as read there); returns since when this sha is held. */
  hold(env: EnvRef, sync: SyncItem, now: Date, config?: Checked<PreviewConfig> | null): Date;
  get(env: EnvRef): HeldBuild | undefined;
  /** The wait is over (deployed, closed, no longer asked for). */
  release(env: EnvRef): void;
  /** The held environments of `owner/repo` whose sha is one of `shas`. */
  forShas(owner: string, repo: string, shas: readonly string[]): HeldBuild[];
  /** Plans the held environment again after a while (backing off): for images, which send no event. */
  lookAgain(env: EnvRef): void;
  size(): number;
  /** Stops every look still to come. */
  close(): void;
}

export function createBuildLine(options: BuildLineOptions): BuildLine {
  const baseMs = options.baseMs ?? 2000;
  const maxMs = options.maxMs ?? 60_000;
  let closed = false;
  const held = new Map<string, HeldBuild>();
  // Per repository too, so that a CI event looks at its repository's holds only.
  const byRepo = new Map<string, Set<string>>();
  const repoKey = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();
  return {
    hold(env, sync, now, config) {
      const key = envFolder(env);
      const sha = sync.snapshot.headSha.toLowerCase();
      const { ids: _settled, ...item } = sync;
      const repo = repoKey(env.owner, env.repo);
      byRepo.set(repo, (byRepo.get(repo) ?? new Set()).add(key));
      const before = held.get(key);
      if (before?.sha === sha) {
        // The same sha held again (a resync, a CI event): the newest event speaks for it, the wait goes on.
        before.sync = item;
        if (config) before.config = config;
        return before.since;
      }
      clearTimeout(before?.timer);
      held.set(key, { env, sync: item, sha, since: now, looks: 0, ...(config ? { config } : {}) });
      return now;
    },
    get: (env) => held.get(envFolder(env)),
    release(env) {
      const key = envFolder(env);
      clearTimeout(held.get(key)?.timer);
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
    lookAgain(env) {
      const h = held.get(envFolder(env));
      if (!h || closed) return;
      clearTimeout(h.timer);
      const delay = Math.min(maxMs, baseMs * 2 ** h.looks);
      h.looks++;
      h.timer = setTimeout(() => {
        delete h.timer;
        if (held.get(envFolder(env)) === h) options.recheck(h);
      }, delay);
      // A look to come never keeps the process alive: a stop or an exit ends the wait anyway.
      h.timer.unref();
    },
    size: () => held.size,
    close() {
      closed = true;
      for (const h of held.values()) clearTimeout(h.timer);
    },
  };
}

import { backoffDelay, type BackoffPolicy } from '../domain/backoff.ts';
import type { GitOpsStore, PublishResult } from '../ports/gitops-store.ts';

export interface PublisherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface PublisherOptions {
  store: Pick<GitOpsStore, 'publish' | 'pendingCount'>;
  /** How long to wait for more commits before pushing: a burst of events becomes a few pushes. */
  lingerMs: number;
  backoff: BackoffPolicy;
  log: PublisherLogger;
  /** Told about every publish that pushed something or met a conflict. */
  onPublished?: (result: PublishResult) => void;
  isTransient: (err: unknown) => boolean;
  /** No remote (the embedded local repository): publishing moves the local branch, and the log says so. */
  local?: boolean;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Publisher {
  /** Asks for the commits made so far to be pushed soon; several asks within the linger share one push. */
  kick(): void;
  /** Resolves when every commit made before the call is published (retrying transient failures). */
  flush(): Promise<void>;
  /** The last publish error, until a publish succeeds (for readiness). */
  lastError(): unknown;
}

/**
 * The only caller of `store.publish()`. Reconcilers commit and move on; the publisher pushes what has
 * accumulated, retries a failed push with backoff (the commits wait in the local clone meanwhile, so
 * nothing is lost), and reports what landed.
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  let loop: Promise<void> | null = null;
  let again = false;
  let error: unknown = null;

  async function runLoop(): Promise<void> {
    let attempt = 0;
    for (;;) {
      again = false;
      // Linger so that a burst of commits goes out in one push; after a failure, back off instead.
      await sleep(attempt === 0 ? options.lingerMs : backoffDelay(options.backoff, attempt - 1, random));
      try {
        const result = await options.store.publish();
        error = null;
        attempt = 0;
        if (result.published.length > 0 || result.conflicts.length > 0) {
          const counts = { commits: result.published.length, conflicts: result.conflicts.length, retries: result.retries };
          if (options.local) options.log.info(counts, 'published: moved the local GitOps repository\'s branch to the new commits (no remote: GITOPS_REPO_URL is not set)');
          else options.log.info(counts, 'published to the GitOps remote');
          options.onPublished?.(result);
        }
      } catch (err) {
        error = err;
        if (!options.isTransient(err)) {
          options.log.error({ err }, 'publishing to the GitOps remote failed; the commits are kept and will be pushed on the next change');
          return;
        }
        options.log.warn({ err, attempt }, 'publishing to the GitOps remote failed; retrying');
        attempt++;
        continue;
      }
      if (!again && (await options.store.pendingCount()) === 0) return;
    }
  }

  function kick(): Promise<void> {
    if (loop) {
      again = true;
      return loop;
    }
    const current: Promise<void> = runLoop().finally(() => {
      loop = null;
      // A kick that came while the loop was on its way out still gets its push.
      if (again) void kick();
    });
    loop = current;
    return current;
  }

  return {
    kick: () => void kick(),
    async flush() {
      // A loop already running may be past the point where it reads pending commits; go round again.
      while ((await options.store.pendingCount()) > 0) {
        await kick();
        if (error !== null && !options.isTransient(error)) throw error;
      }
    },
    lastError: () => error,
  };
}

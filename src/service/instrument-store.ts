import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import type { PublishResult } from '../ports/gitops-store.ts';
import type { Metrics } from '../ports/metrics.ts';

export interface InstrumentStoreOptions {
  metrics: Pick<Metrics, 'committed' | 'pushed' | 'pushConflicts'>;
  /** Told of every push or fetch that reached the remote, and of every one that failed (readiness). */
  remote: { reached(): void; failed(err: unknown): void };
}

/**
 * The GitOps store with its writes counted: commits by action, pushes by result, conflicts, and each
 * contact with the remote. Wrapped once in the composition root, so the reconciler, the publisher and
 * the resync count without knowing it.
 */
export function instrumentStore(store: IsomorphicGitStore, options: InstrumentStoreOptions): IsomorphicGitStore {
  const { metrics, remote } = options;
  // Calls that arrive while a publish waits get the same promise: it is counted once.
  const counted = new WeakSet<Promise<PublishResult>>();

  function onPublished(result: PublishResult): void {
    metrics.pushed('moved', result.retries);
    if (result.published.length > 0) metrics.pushed('ok');
    metrics.pushConflicts(result.conflicts.length);
    // Nothing published and nothing refused: there was nothing to push, and the remote was not asked.
    if (result.published.length > 0 || result.retries > 0) remote.reached();
  }

  const instrumented: IsomorphicGitStore = {
    ...store,
    async commit(change) {
      const result = await store.commit(change);
      if (result.status === 'committed') metrics.committed(change.meta.action);
      return result;
    },
    async revert(env, target, meta) {
      const result = await store.revert(env, target, meta);
      if (result.status === 'committed') metrics.committed('rollback');
      return result;
    },
    publish() {
      const publishing = store.publish();
      if (!counted.has(publishing)) {
        counted.add(publishing);
        publishing.then(onPublished, (err: unknown) => {
          metrics.pushed('error');
          remote.failed(err);
        });
      }
      return publishing;
    },
    fetch() {
      return instrumented.refresh();
    },
    async refresh() {
      try {
        const result = await store.refresh();
        metrics.pushConflicts(result.conflicts.length);
        remote.reached();
        return result;
      } catch (err) {
        remote.failed(err);
        throw err;
      }
    },
  };
  return instrumented;
}

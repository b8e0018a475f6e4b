import type { EnvConflict, GitOpsStore } from '../ports/gitops-store.ts';

export interface FreshViewOptions {
  store: Pick<GitOpsStore, 'fetch' | 'pendingCount'>;
  /** How old the last fetch may be before a reader fetches again. */
  maxAgeMs: number;
  onConflicts: (conflicts: readonly EnvConflict[]) => void;
  log: { warn(obj: object, msg: string): void };
  clock?: () => number;
}

/**
 * Keeps the local view of the GitOps branch at most `maxAgeMs` old for those who plan or show it: a
 * commit by someone else (a person's revert, the CLI) is seen within that time. Readers arriving
 * while a fetch runs share it. A fetch that fails is logged and the local view used: the publisher's
 * retries and /readyz report an unreachable remote, and a conflict at publish plans again anyway.
 */
export function createFreshView(options: FreshViewOptions): { fresh(): Promise<void> } {
  const clock = options.clock ?? (() => performance.now());
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let running: Promise<void> | null = null;
  return {
    fresh() {
      if (running) return running;
      if (clock() - fetchedAt < options.maxAgeMs) return Promise.resolve();
      const started = clock();
      // With commits waiting, the publisher is about to fetch anyway (and a conflict is planned again):
      // a fetch here would only queue behind its pushes and hold every reconcile up.
      running = options.store.pendingCount().then((pending) => (pending > 0 ? { conflicts: [] } : options.store.fetch())).then((result) => {
        if (result.conflicts.length > 0) options.onConflicts(result.conflicts);
      }, (err: unknown) => {
        options.log.warn({ err }, 'fetching the GitOps branch failed; planning on the local view');
      }).finally(() => {
        fetchedAt = started;
        running = null;
      });
      return running;
    },
  };
}

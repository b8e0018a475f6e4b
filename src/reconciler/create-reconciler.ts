import { envFolder } from '../domain/environment.ts';
import type { PublishResult } from '../ports/gitops-store.ts';
import { noMetrics, type Metrics } from '../ports/metrics.ts';
import { createConflictReplanner } from './conflict-replanner.ts';
import { isTransient } from './errors.ts';
import { createFreshView } from './fresh-view.ts';
import { createPreviewStatusBook, type PreviewStatus, type PreviewStatusBook } from './preview-status-book.ts';
import { createPublisher, type Publisher, type PublisherLogger } from './publisher.ts';
import { reconcilePreview, type ReconcileDeps, type ReconcileLogger } from './reconcile-preview.ts';
import { createKeyedLock } from './keyed-lock.ts';
import { createWaitingLine } from './waiting-line.ts';
import { createBuildLine, type BuildLine } from './build-line.ts';
import { mergeRequests, type ReconcileRequest } from './reconcile-request.ts';
import { createWorkQueue } from './work-queue.ts';

export interface ReconcilerOptions extends Omit<ReconcileDeps, 'publisher' | 'statuses' | 'log' | 'waiting' | 'slots' | 'enqueue' | 'lifecycle' | 'fresh' | 'hooks' | 'checks' | 'images' | 'builds'> {
  lifecycle?: ReconcileDeps['lifecycle'];
  /** GitHub's check runs and statuses, for `waitFor` (absent: waits that list checks cannot pass). */
  checks?: ReconcileDeps['checks'];
  /** The image registries, for `waitFor: { image: true }`. */
  images?: ReconcileDeps['images'];
  log: ReconcileLogger & PublisherLogger & { error(obj: object, msg: string): void };
  /** Environments worked on at once (the store serializes the commits themselves). */
  concurrency?: number;
  /** How long the publisher gathers commits before a push. */
  lingerMs?: number;
  /** The store is the embedded local repository (no remote): said so in the publish log. */
  localRepository?: boolean;
  /** How long events for one pull request settle before it is reconciled (a burst becomes one commit). */
  settleMs?: number;
  /**
   * How old the local view of the GitOps branch may be when an environment is planned, and when the
   * API reads it (default 2 s: the local repository; a remote is given its fetch interval).
   */
  fetchIntervalMs?: number;
  onPublished?: (result: PublishResult) => void;
  /** Told about every status change (the reporter listens here). */
  onStatus?: (status: PreviewStatus) => void;
  /** Told each item's id once it is settled: published, or planned as a no-op (the inbox retires it). */
  onSettled?: (id: string) => void;
  /** How soon a wait for an image tag looks again, doubling each time (default 2 s up to 60 s). */
  imageRecheck?: { baseMs?: number; maxMs?: number };
  /** Measures each reconcile (duration and result). */
  metrics?: Pick<Metrics, 'reconciled'>;
}

/** The one writer: a keyed queue of reconcile requests, and the publisher that pushes their commits. */
export interface Reconciler {
  enqueue(req: ReconcileRequest): boolean;
  /** Resolves when the queue is empty and every commit is published. */
  idle(): Promise<void>;
  /** Stops taking requests, finishes and publishes what was accepted. */
  close(): Promise<void>;
  queueDepth(): number;
  /** Fetches the GitOps branch when the local view is older than the fetch interval. */
  fresh(): Promise<void>;
  readonly statuses: PreviewStatusBook;
  readonly publisher: Publisher;
  /** The environments held by `waitFor`: what a CI event plans again. */
  readonly builds: BuildLine;
}

export function createReconciler(options: ReconcilerOptions): Reconciler {
  const metrics = options.metrics ?? noMetrics();
  const statuses = createPreviewStatusBook((status) => options.onStatus?.(status));
  // The queue is made last; the replanner and the slot-freeing apply reach it through this function.
  const queueRef: { enqueue: (req: ReconcileRequest) => boolean } = { enqueue: () => false };
  const replanner = createConflictReplanner({
    statuses, now: options.now, log: options.log, enqueue: (req) => queueRef.enqueue(req),
    ...(options.onSettled ? { onSettled: options.onSettled } : {}),
  });
  const publisher = createPublisher({
    store: options.store,
    lingerMs: options.lingerMs ?? 100,
    backoff: { baseMs: 200, maxMs: 30_000 },
    log: options.log,
    isTransient,
    ...(options.localRepository ? { local: true } : {}),
    onPublished(result) {
      const at = options.now().toISOString();
      for (const p of result.published) statuses.markPublished(p.local, p.commit, at);
      replanner.published(result);
      options.onPublished?.(result);
    },
  });
  const view = createFreshView({ store: options.store, maxAgeMs: options.fetchIntervalMs ?? 2000, onConflicts: replanner.conflicts, log: options.log });
  // An image tag sends no event when it is pushed: a held environment waiting for one is looked at again.
  const builds = createBuildLine({
    recheck: (held) => void queueRef.enqueue({ env: held.env, items: [{ ...held.sync, cause: 'image-recheck' }] }),
    ...options.imageRecheck,
  });
  const deps: ReconcileDeps = {
    ...options, lifecycle: options.lifecycle ?? null, checks: options.checks ?? null, images: options.images ?? null, builds,
    publisher, statuses, waiting: createWaitingLine(), slots: createKeyedLock(),
    enqueue: (req) => void queueRef.enqueue(req), fresh: view.fresh, hooks: replanner,
  };
  const queue = createWorkQueue<ReconcileRequest>({
    concurrency: options.concurrency ?? 4,
    settleMs: options.settleMs ?? 250,
    async worker(_key, req) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        await reconcilePreview(deps, req);
      } catch (err) {
        metrics.reconciled(isTransient(err) ? 'retry' : 'failed', seconds());
        throw err;
      }
      metrics.reconciled('ok', seconds());
    },
    merge: mergeRequests,
    classify: (err) => (isTransient(err) ? 'transient' : 'terminal'),
    backoff: { baseMs: 500, maxMs: 60_000 },
    onFailure(key, req, err, kind, attempt) {
      const item = req.items[0];
      const fields = { env: key, cause: item?.cause, delivery: item?.delivery, err, attempt };
      if (kind === 'transient') {
        options.log.warn(fields, 'reconcile failed; retrying with backoff');
        return;
      }
      options.log.error(fields, 'reconcile failed and will not be retried');
      const message = err instanceof Error ? err.message : String(err);
      statuses.set({ env: req.env, state: 'failed', reason: message, ...(item?.kind === 'sync' ? { sha: item.snapshot.headSha } : {}), at: options.now().toISOString() });
      for (const i of req.items) {
        if (i.kind === 'action') i.done?.({ status: 'refused', message });
        replanner.settled(i);
      }
    },
  });
  queueRef.enqueue = (req) => queue.enqueue(envFolder(req.env), req);
  return {
    enqueue: (req) => queueRef.enqueue(req),
    async idle() {
      // A publish that meets a conflict queues its work again: idle means both are quiet.
      do {
        await queue.idle();
        await publisher.flush();
      } while (queue.size() > 0);
    },
    async close() {
      builds.close();
      do {
        await queue.close();
        await publisher.flush();
      } while (queue.size() > 0);
    },
    queueDepth: () => queue.size(),
    fresh: view.fresh,
    statuses,
    publisher,
    builds,
  };
}

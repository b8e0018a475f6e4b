import type { PreviewAction } from '../domain/commit-message.ts';

/** What became of a webhook delivery (`previewd_webhooks_total{outcome}`). */
export type WebhookOutcomeLabel = 'accepted' | 'ignored' | 'duplicate' | 'bad_signature' | 'malformed' | 'too_large' | 'unavailable';

/** How one reconcile of an environment ended: done, failed and retried later, or given up on. */
export type ReconcileResult = 'ok' | 'retry' | 'failed';

/** One push to the GitOps remote: accepted, refused because the branch moved, or failed. */
export type PushResult = 'ok' | 'moved' | 'error';

/**
 * Values that are read when Prometheus scrapes rather than kept up to date on every change: they are
 * cheap to compute and would otherwise need a hook in every place that changes them.
 */
export interface MetricSources {
  /** Reconcile requests waiting or running. */
  queueDepth(): number;
  /** The state of every environment previewd knows, as its PR report says it. */
  previewStates(): Iterable<string>;
  /** What /readyz would answer now. */
  ready(): boolean;
  /** Pull requests owed a report (comment, Deployment or commit status behind their state), and since when the oldest is. */
  reportsOwed(): { count: number; oldest: Date | null };
}

/**
 * What previewd counts and measures (docs/metrics.md is the contract). Components take an optional
 * `Metrics` and use {@link noMetrics} when none is given, so that instrumentation never changes what
 * they do. Implementations must not throw.
 */
export interface Metrics {
  /** A webhook delivery was answered. `event` is the X-GitHub-Event header (unverified for some outcomes). */
  webhook(event: string, outcome: WebhookOutcomeLabel): void;
  /** One environment was reconciled in `seconds`. */
  reconciled(result: ReconcileResult, seconds: number): void;
  /** previewd made one commit in the GitOps repository. */
  committed(action: PreviewAction): void;
  /** `count` pushes to the GitOps remote ended this way. */
  pushed(result: PushResult, count?: number): void;
  /** Environments whose folder someone else changed while previewd's commits for it were unpublished. */
  pushConflicts(count: number): void;
  /** One HTTP request to GitHub's REST API was answered with `status` (`error`: no answer at all). */
  githubRequest(method: string, status: number | 'error'): void;
  /** `x-ratelimit-remaining` of the latest GitHub answer that carried it. */
  githubRateLimit(remaining: number): void;
  /** The Argo CD Application watch was restarted (after a failure, an expiry or the end of a stream). */
  watchRestarted(): void;
  /** The GitOps remote was reached (a push or a fetch succeeded) at `at`. */
  remoteReached(at: Date): void;
  /** Where the scrape-time values come from; later calls replace the sources they name. */
  sample(sources: Partial<MetricSources>): void;
}

/** Metrics that go nowhere: the default of every component, and what tests use when they do not look. */
export function noMetrics(): Metrics {
  const ignore = (): void => undefined;
  return {
    webhook: ignore, reconciled: ignore, committed: ignore, pushed: ignore, pushConflicts: ignore,
    githubRequest: ignore, githubRateLimit: ignore, watchRestarted: ignore, remoteReached: ignore, sample: ignore,
  };
}

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReportedState } from '../domain/report-calls.ts';
import type { MetricSources, Metrics } from '../ports/metrics.ts';

/** The metrics on prom-client, with what `GET /metrics` answers. */
export interface PrometheusMetrics extends Metrics {
  /** This instance's own registry (never prom-client's global one: two services in a test stay apart). */
  readonly registry: Registry;
  /** The Prometheus text exposition format's content type. */
  readonly contentType: string;
  /** Every metric in the text exposition format; the scrape-time gauges are read now. */
  scrape(): Promise<string>;
}

// The X-GitHub-Event header is unverified on a bad signature or an oversized body: any other value is
// counted as `other`, so a stranger cannot make a label value per request.
const KNOWN_EVENTS = new Set([
  'pull_request', 'issue_comment', 'ping', 'push', 'installation', 'installation_repositories', 'pull_request_review',
  'check_run', 'check_suite', 'status', 'workflow_run', 'deployment', 'deployment_status', 'repository', 'meta', 'create', 'delete',
]);

// Always exported, at 0 when no environment is in them: "no preview ready" is a value, not an absent series.
const STATES = [
  'pending', 'building', 'committed', 'deploying', 'ready', 'failed', 'destroyed', 'sleeping', 'rolled-back', 'waiting', 'refused', 'skipped',
] as const satisfies readonly ReportedState[];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A registry holding docs/metrics.md's metrics and prom-client's default process metrics. */
export function createMetrics(): PrometheusMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  let sources: Partial<MetricSources> = {};

  const webhooks = new Counter({ name: 'previewd_webhooks_total', help: 'Webhook deliveries by event and outcome.', labelNames: ['event', 'outcome'] as const, registers });
  new Gauge({
    name: 'previewd_queue_depth', help: 'Reconcile requests waiting or running.', registers,
    collect() {
      if (sources.queueDepth) this.set(sources.queueDepth());
    },
  });
  new Gauge({
    name: 'previewd_reports_owed', help: 'Pull requests owed a report to GitHub (kept in DATA_DIR across restarts).', registers,
    collect() {
      if (sources.reportsOwed) this.set(sources.reportsOwed().count);
    },
  });
  new Gauge({
    name: 'previewd_reports_oldest_owed_seconds', help: 'How long the pull request owed a report longest has waited (0: none owed).', registers,
    collect() {
      const oldest = sources.reportsOwed?.().oldest;
      this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
    },
  });
  const reconcile = new Histogram({
    name: 'previewd_reconcile_duration_seconds', help: 'Time to reconcile one environment.', labelNames: ['result'] as const, registers,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
  const commits = new Counter({ name: 'previewd_commits_total', help: 'Commits made in the GitOps repository, by action.', labelNames: ['action'] as const, registers });
  const pushes = new Counter({ name: 'previewd_pushes_total', help: 'Pushes to the GitOps remote, by result.', labelNames: ['result'] as const, registers });
  const conflicts = new Counter({ name: 'previewd_push_conflicts_total', help: 'Environments whose folder someone else changed during a push.', registers });
  const github = new Counter({ name: 'previewd_github_requests_total', help: 'GitHub REST calls, by method and status.', labelNames: ['method', 'status'] as const, registers });
  // Registered at GitHub's first answer: with GitHub off (or before it answered) the series is absent,
  // not a 0 that would read as "rate limit exhausted" and fire PreviewdGitHubRateLimitLow.
  const rateLimit = new Gauge({ name: 'previewd_github_rate_limit_remaining', help: 'x-ratelimit-remaining of the last GitHub answer.', registers: [] });
  const restarts = new Counter({ name: 'previewd_watch_restarts_total', help: 'Restarts of the Argo CD Application watch.', registers });
  new Gauge({
    name: 'previewd_previews', help: 'Environments by state.', labelNames: ['state'] as const, registers,
    collect() {
      if (!sources.previewStates) return;
      const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
      for (const state of sources.previewStates()) counts.set(state, (counts.get(state) ?? 0) + 1);
      this.reset();
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const lastPublish = new Gauge({ name: 'previewd_last_publish_success_timestamp_seconds', help: 'When a push last succeeded (or the remote was last reachable), in Unix seconds.', registers });
  new Gauge({
    name: 'previewd_ready', help: '1 when /readyz says ready.', registers,
    collect() {
      if (sources.ready) this.set(sources.ready() ? 1 : 0);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    webhook: (event, outcome) => webhooks.inc({ event: KNOWN_EVENTS.has(event) ? event : 'other', outcome }),
    reconciled: (result, seconds) => reconcile.observe({ result }, seconds),
    committed: (action) => commits.inc({ action }),
    pushed(result, count = 1) {
      if (count > 0) pushes.inc({ result }, count);
    },
    pushConflicts(count) {
      if (count > 0) conflicts.inc(count);
    },
    githubRequest(method, status) {
      const m = method.toUpperCase();
      github.inc({ method: METHODS.has(m) ? m : 'other', status: String(status) });
    },
    githubRateLimit(remaining) {
      if (!Number.isFinite(remaining)) return;
      if (registry.getSingleMetric('previewd_github_rate_limit_remaining') === undefined) registry.registerMetric(rateLimit);
      rateLimit.set(remaining);
    },
    watchRestarted: () => restarts.inc(),
    remoteReached: (at) => lastPublish.set(at.getTime() / 1000),
    sample(next) {
      sources = { ...sources, ...next };
    },
  };
}

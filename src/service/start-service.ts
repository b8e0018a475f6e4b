import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import type { PrometheusMetrics } from '../adapters/metrics.ts';
import { ensureWebhookSecret } from '../adapters/webhook-secret.ts';
import { buildApp } from '../app.ts';
import type { Assets } from '../assets/load-assets.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { describeSettings } from '../domain/describe-settings.ts';
import type { Settings } from '../domain/load-settings.ts';
import { createDeliveryLog } from '../http/delivery-log.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { Forge, ForgeChecks, ForgeLifecycle, ForgeReports } from '../ports/forge.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';
import { noMetrics } from '../ports/metrics.ts';
import { resyncOnce, type ResyncReport } from '../jobs/resync-once.ts';
import { scheduleResync } from '../jobs/schedule-resync.ts';
import { createReconciler, type Reconciler } from '../reconciler/create-reconciler.ts';
import { createRegistryReader } from '../reconciler/registry-reader.ts';
import { routeWebhook } from '../reconciler/route-webhook.ts';
import { routeChecks } from '../reconciler/route-checks.ts';
import { createImageRegistry } from './create-image-registry.ts';
import { createFeedback, type Feedback } from './create-feedback.ts';
import { createRefresher } from './create-refresher.ts';
import { inboxJournalPath, openJournalInbox } from '../adapters/inbox/journal-inbox.ts';
import { replayInbox } from './replay-inbox.ts';
import { openFileReportDebt, reportDebtPath } from '../adapters/report-debt/file-report-debt.ts';
import { noReportDebt } from '../ports/report-debt.ts';
import { reportWhatIsOwed } from './report-what-is-owed.ts';
import { instrumentStore } from './instrument-store.ts';
import { createRemoteReachability, type RemoteReachabilityOptions } from './remote-reachability.ts';
import { createPreviewApi } from './create-preview-api.ts';
import { listenError } from './listen-error.ts';
import { createChangeFeed, tapApplications } from './change-feed.ts';
import { githubWebUrl } from '../http/dashboard/links.ts';
import { openGitOpsStore } from './open-gitops-store.ts';

export interface ServiceDeps {
  settings: Settings;
  assets: Assets;
  log: Logger;
  /** null when GitHub reporting is off. */
  forge: Forge | null;
  /** The same GitHub, for the PR reports (null: the reports go to the log). */
  reports: ForgeReports | null;
  /** The same GitHub, for the resync and the PR commands (null: only TTLs are checked). */
  lifecycle?: ForgeLifecycle | null;
  /** The same GitHub, for `waitFor`'s check runs and statuses (null or absent: waits that list checks never pass). */
  checks?: ForgeChecks | null;
  /** The image registries for `waitFor: { image: true }` (default: REGISTRY_CREDENTIALS by host, anonymous elsewhere). */
  images?: ImageRegistry;
  /** How soon a wait for an image tag looks again (default 2 s, doubling up to 60 s). */
  imageRecheck?: { baseMs?: number; maxMs?: number };
  /** Whether to run the resync on RESYNC_SCHEDULE (tests drive rounds themselves). Default true. */
  schedule?: boolean;
  /** null when there is no cluster: health read-back is off. */
  cluster: Cluster | null;
  /** How long status changes gather before one PR report (default 1 s). */
  reportDebounceMs?: number;
  now?: () => Date;
  /** Largest webhook body accepted (GitHub caps payloads at 25 MB; pull requests are far smaller). */
  webhookBodyLimit?: number;
  lingerMs?: number;
  /** Counted into, and served at GET /metrics; absent, nothing is counted and /metrics is not served. */
  metrics?: PrometheusMetrics;
  /** A resync round at start (GitHub on): default, when the schedule runs. */
  resyncAtStart?: boolean;
  /** When /readyz gives up on a silent GitOps remote, and how often an idle service probes it. */
  remoteCheck?: Pick<RemoteReachabilityOptions, 'staleMs' | 'probeMs'>;
}

export interface RunningService {
  /** One resync round now (what the schedule runs): only enqueues. */
  resync(): Promise<ResyncReport>;
  app: FastifyInstance;
  url: string;
  store: IsomorphicGitStore;
  reconciler: Reconciler;
  feedback: Feedback;
  /** Stops taking events, finishes and publishes what was accepted, then closes. */
  stop(): Promise<void>;
}

/** Wires settings → adapters → app, and listens. Everything it says at start goes to the log once. */
export async function startService(deps: ServiceDeps): Promise<RunningService> {
  const { settings, log } = deps;
  await mkdir(settings.dataDir, { recursive: true });
  const secrets = settings.webhookSecret !== null ? [settings.webhookSecret] : await generatedSecret(settings.dataDir, log);
  const { store: opened, created } = await openGitOpsStore(settings, { log });
  const metrics = deps.metrics ?? noMetrics();
  const remote = createRemoteReachability({
    remote: settings.gitops.kind === 'remote' ? settings.gitops.url : null, metrics, ...deps.remoteCheck,
    // Commits waiting: the publisher's push is the contact (and it handles conflicts); none: a fetch.
    probe: async () => ((await store.pendingCount()) > 0 ? reconciler.publisher.kick() : store.fetch()),
  });
  const store = instrumentStore(opened, { metrics, remote });
  const inbox = await openJournalInbox({ path: inboxJournalPath(settings.dataDir), log });
  // Kept only when reports go to GitHub: without it, they go to the log and nothing is owed.
  const debt = deps.reports === null ? noReportDebt() : await openFileReportDebt({ path: reportDebtPath(settings.dataDir), log });
  if (created && settings.gitops.kind === 'local') log.info({ dir: settings.gitops.dir }, 'created a local GitOps repository from the skeleton');
  for (const line of describeSettings(settings)) log.info(line);
  const validators = createConfigValidators(deps.assets.schemas);
  const now = deps.now ?? (() => new Date());
  // The dashboard hears of every status and every Application change through this feed.
  const changes = createChangeFeed();
  const cluster = deps.cluster === null ? null : tapApplications(deps.cluster, changes);
  // The reconciler and the feedback know each other through these two callbacks only.
  let feedback: Feedback | null = null;
  const registry = createRegistryReader(store, validators);
  const lifecycle = deps.lifecycle ?? null;
  const allowedRepos = settings.allowedRepos ? { allowedRepos: settings.allowedRepos } : {};
  const reconciler = createReconciler({
    store, forge: deps.forge, lifecycle, registry, validators, templates: deps.assets.templates,
    checks: deps.checks ?? null, images: deps.images ?? createImageRegistry(settings, log),
    ...(deps.imageRecheck ? { imageRecheck: deps.imageRecheck } : {}),
    now, log, metrics, ...(deps.lingerMs === undefined ? {} : { lingerMs: deps.lingerMs }), ...allowedRepos,
    // Commits by others are seen within seconds in the local repository, within the idle probe's interval for a remote.
    fetchIntervalMs: settings.gitops.kind === 'remote' ? (deps.remoteCheck?.probeMs ?? 30_000) : 2000,
    localRepository: settings.gitops.kind === 'local',
    onStatus: (status) => {
      feedback?.onStatus(status);
      changes.publish(status.env);
    },
    onPublished: (result) => feedback?.onPublished(result),
    // Each accepted event's entry is retired once its work is published (or decided as nothing to do).
    onSettled: (id) => inbox.retire(id),
  });
  feedback = createFeedback({
    forge: deps.reports, cluster, refresher: createRefresher(settings, cluster, now), store, status: (env) => reconciler.statuses.get(env),
    gitops: { url: settings.gitops.kind === 'remote' ? settings.gitops.url : null, branch: settings.gitops.branch },
    now, log, debt, ...(deps.reportDebounceMs === undefined ? {} : { debounceMs: deps.reportDebounceMs }),
  });
  feedback.start();
  const fb = feedback;
  let stopping = false;
  const readiness = () => {
    const err = reconciler.publisher.lastError();
    const reasons = [
      ...(stopping ? ['previewd is stopping (SIGTERM): a new instance takes over'] : []),
      ...(err === null ? [] : [`publishing to the GitOps repository fails: ${err instanceof Error ? err.message : String(err)}`]),
      ...remote.notReady(),
      ...inbox.notReady(),
      ...fb.notReady(),
    ];
    return { ready: reasons.length === 0, reasons };
  };
  metrics.sample({
    queueDepth: () => reconciler.queueDepth(), ready: () => readiness().ready,
    previewStates: () => reconciler.statuses.all().map((status) => fb.reportedState(status)),
    reportsOwed: () => {
      const owed = debt.owed();
      return { count: owed.length, oldest: owed[0] ? new Date(owed[0].since) : null };
    },
  });
  remote.start();
  // Commits a killed process made and could not push were replayed on the fetched tip when the store
  // opened. Push them now: left for the next event or the idle probe (up to 30 s), they would land after
  // a resync that follows the restart and undo it (a closed PR's environment made again).
  if ((await store.pendingCount()) > 0) reconciler.publisher.kick();
  // Accepted events a previous run had not applied are replayed (below) before new work is taken.
  const deliveries = createDeliveryLog();
  const handle = routeWebhook(reconciler.enqueue);
  replayInbox({ inbox, handle, deliveries, log });
  // The PRs a previous run still owed a report: planned again, so their state is known and reported.
  void reportWhatIsOwed({ debt, lifecycle, enqueue: reconciler.enqueue, log });
  const resync = () => resyncOnce({ store, fetch: () => store.fetch(), registry, lifecycle, statuses: reconciler.statuses, enqueue: reconciler.enqueue, now, log, ...allowedRepos });
  const job = deps.schedule === false ? null : scheduleResync(settings.resyncSchedule, resync, log);
  // A lost webhook costs minutes; without this, a restart would cost up to a whole schedule interval.
  if (lifecycle !== null && (deps.resyncAtStart ?? deps.schedule !== false)) {
    void resync().catch((err: unknown) => log.warn({ err }, 'the resync at start failed; the schedule runs it again'));
  }
  const api = createPreviewApi({ store, statuses: reconciler.statuses, enqueue: reconciler.enqueue, cluster, changes, fresh: reconciler.fresh, now });
  const app = await buildApp({
    logger: log,
    api: { api, adminToken: settings.adminToken },
    dashboard: {
      api, adminToken: settings.adminToken, clusterAccess: cluster !== null, now,
      links: { githubWeb: githubWebUrl(settings.github.apiUrl), argocdWeb: settings.argocd.url ?? null, argocdNamespace: settings.argocd.namespace },
    },
    webhooks: {
      secrets, now, ...(settings.webhookSecretPrevious ? { previous: settings.webhookSecretPrevious } : {}),
      bodyLimit: deps.webhookBodyLimit ?? 5 * 1024 * 1024, deliveries, handle, inbox,
      onChecksChanged: routeChecks(reconciler.builds, reconciler.enqueue), metrics },
    health: { readiness },
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  async function stop(): Promise<void> {
    // Load balancers see it at once; the server still answers while what was accepted is published.
    stopping = true;
    const budgetMs = settings.shutdownTimeoutMs;
    await job?.stop();
    await remote.stop();
    log.info({ queued: reconciler.queueDepth() }, 'stopping: no new events; finishing and publishing what was accepted');
    // Open connections (a dashboard's live stream) get the same budget; git's publish below does not.
    if (!(await within(app.close(), budgetMs))) log.warn({ budgetMs }, 'open HTTP connections did not close within SHUTDOWN_TIMEOUT; closing anyway');
    await reconciler.close();
    await inbox.close();
    const owed = await fb.stop(budgetMs);
    if (owed > 0) log.warn({ owed, budgetMs }, 'SHUTDOWN_TIMEOUT reached with pull-request reports still owed; they are sent after the next start');
    log.info({}, 'stopped');
  }
  let url: string;
  try {
    url = await app.listen({ host: settings.host, port: settings.port });
  } catch (err) {
    // Nothing was accepted yet: close what was opened, so that the process can exit at once.
    await stop();
    throw listenError(err, settings);
  }
  log.info({ url, webhook: `${url}/webhooks/github` }, 'previewd is listening');
  return { app, url, store, reconciler, feedback: fb, resync, stop };
}

/** Whether `work` settled within `ms`; it is left running either way. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function generatedSecret(dataDir: string, log: Logger): Promise<string[]> {
  const { secret, path, created } = await ensureWebhookSecret(dataDir);
  log.info({ path }, created
    ? 'WEBHOOK_SECRET is not set: generated a webhook secret; give GitHub the content of this file'
    : 'WEBHOOK_SECRET is not set: using the webhook secret generated earlier in this file');
  return [secret];
}

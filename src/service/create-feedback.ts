import { envFolder, parseEnvFolder, type EnvRef } from '../domain/environment.ts';
import { gitopsWebUrl } from '../domain/render-comment.ts';
import type { ApplicationEvent, Cluster } from '../ports/cluster.ts';
import type { ForgeReports } from '../ports/forge.ts';
import type { GitOpsStore, PublishResult } from '../ports/gitops-store.ts';
import type { Refresher } from '../ports/refresher.ts';
import type { ReportDebt } from '../ports/report-debt.ts';
import { composeReport } from '../reconciler/compose-report.ts';
import { createPrReporter, type PrReporter } from '../reconciler/pr-reporter.ts';
import type { PreviewStatus } from '../reconciler/preview-status-book.ts';

export interface FeedbackOptions {
  forge: ForgeReports | null;
  cluster: Cluster | null;
  /** How Argo CD hears of a publish (annotations or its webhook); null: it finds out at its next poll. */
  refresher?: Refresher | null;
  store: Pick<GitOpsStore, 'contains'>;
  status: (env: EnvRef) => PreviewStatus | undefined;
  gitops: { url: string | null; branch: string };
  now: () => Date;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  debounceMs?: number;
  pickupTimeoutMs?: number;
  /** What the reports owe, kept across restarts. */
  debt?: ReportDebt;
}

/** Argo CD's side of the loop: the watch, the refresh patches after a publish, and the PR reports. */
export interface Feedback {
  onStatus(status: PreviewStatus): void;
  onPublished(result: PublishResult): void;
  start(): void;
  /** Why the feedback is not ready, if it is not (the watch has not listed yet). */
  notReady(): string[];
  /** The state the PR report last gave this status (`ready`, `deploying`…), or the status's own until reported. */
  reportedState(status: PreviewStatus): string;
  idle(): Promise<void>;
  /** Ends the watch, then sends owed reports for at most `budgetMs`; resolves with how many PRs are still owed one. */
  stop(budgetMs?: number): Promise<number>;
  readonly reporter: PrReporter;
}

/** How long, at most, reports wait for the watch's first list of Applications after the start. */
const FIRST_LIST_WAIT_MS = 30_000;

export function createFeedback(options: FeedbackOptions): Feedback {
  const { cluster, log } = options;
  // Kept for the previews-by-state gauge: only the report joins the status with what Argo CD says.
  const reported = new Map<string, { status: PreviewStatus; state: string }>();
  const compose = composeReport({
    cluster, store: options.store, gitopsWeb: options.gitops.url ? gitopsWebUrl(options.gitops.url) : null,
    gitopsBranch: options.gitops.branch, now: options.now,
    ...(options.pickupTimeoutMs === undefined ? {} : { pickupTimeoutMs: options.pickupTimeoutMs }),
  });
  // Until the watch's first list, a report would guess the Application's state (a ready preview
  // reported as waiting for Argo CD, then corrected); a watch that cannot list stops holding them.
  const holdUntil = Date.now() + FIRST_LIST_WAIT_MS;
  const reporter = createPrReporter({
    hold: () => cluster !== null && !cluster.synced() && Date.now() < holdUntil,
    forge: options.forge,
    status: options.status,
    async compose(status) {
      const text = await compose(status);
      if (text) reported.set(envFolder(status.env), { status, state: text.state });
      return text;
    },
    debounceMs: options.debounceMs ?? 1000,
    backoff: { baseMs: 1000, maxMs: 60_000 },
    log,
    ...(options.debt ? { debt: options.debt } : {}),
  });
  // Application name → environment, learned from each Application's source path (its folder).
  const envs = new Map<string, EnvRef>();
  function onApplication(event: ApplicationEvent): void {
    const name = event.type === 'delete' ? event.name : event.app.metadata.name;
    const env = event.type === 'upsert' ? parseEnvFolder(event.app.spec?.source?.path ?? '') : envs.get(name);
    if (!env) return;
    if (event.type === 'upsert') envs.set(name, env);
    else envs.delete(name);
    reporter.touch(env);
  }
  async function refresh(result: PublishResult): Promise<void> {
    const refresher = options.refresher;
    if (!refresher || result.published.length === 0) return;
    try {
      await refresher.refresh(result.published.map((p) => {
        const id = options.status(p.env)?.preview?.id;
        return { env: p.env, commit: p.commit, subject: p.subject, ...(id ? { application: id } : {}) };
      }));
    } catch (err) {
      // Argo CD still polls on its own; a failed nudge only costs time.
      log.warn({ err }, 'could not ask Argo CD to refresh; it will pick the commit up at its next poll');
    }
  }
  return {
    reporter,
    onStatus: (status) => reporter.touch(status.env),
    onPublished: (result) => void refresh(result),
    start: () => cluster?.start(onApplication),
    reportedState(status) {
      const last = reported.get(envFolder(status.env));
      return last?.status === status ? last.state : status.state;
    },
    notReady: () => (cluster && !cluster.synced() ? ['the watch on Argo CD Applications has not listed them yet'] : []),
    idle: () => reporter.idle(),
    async stop(budgetMs) {
      await cluster?.stop();
      const owed = await reporter.close(budgetMs);
      await options.debt?.flush();
      return owed;
    },
  };
}

import { DEFAULT_PICKUP_TIMEOUT_MS } from '../domain/application-state.ts';
import { expiryWarning } from '../domain/preview-expiry.ts';
import { buildWaitDetail } from '../domain/render-build-wait.ts';
import { commentMarker, formatCommentForLog, renderComment, type CommentView } from '../domain/render-comment.ts';
import { commitStatusFor, deploymentEnvironment, deploymentStateFor } from '../domain/report-calls.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { ReportText } from './pr-reporter.ts';
import type { PreviewStatus } from './preview-status-book.ts';
import { reportView } from './report-view.ts';

export interface ComposeDeps {
  cluster: Pick<Cluster, 'get'> | null;
  store: Pick<GitOpsStore, 'contains'>;
  /** The GitOps repository's web page (for links), or null. */
  gitopsWeb: string | null;
  gitopsBranch: string;
  now: () => Date;
  pickupTimeoutMs?: number;
}

/**
 * The report of one environment: the comment and what the Deployment and commit status say. The
 * commit status is set only for outcomes (ready, failed, refused, destroyed) and for a build awaited
 * (`waitFor`): a pending status for every push would cost a GitHub call each time and tell the
 * developer nothing the comment does not.
 */
export function composeReport(deps: ComposeDeps): (status: PreviewStatus) => Promise<ReportText | null> {
  return async (status) => {
    const now = deps.now();
    const view = await reportView(status, {
      cluster: deps.cluster, store: deps.store, now,
      ...(deps.pickupTimeoutMs === undefined ? {} : { pickupTimeoutMs: deps.pickupTimeoutMs }),
    });
    if (view === null) return null;
    const url = view.url ?? status.preview?.url ?? null;
    // The build's words belong to the state it explains: a wait, or a failure the build caused.
    const build = (view.state === 'building' || view.state === 'failed') && status.build ? status.build : null;
    // One warning, an hour before the TTL ends (the report is asked again at that moment).
    const expiry = expiryWarning(status.preview, now);
    const warnAt = expiry.at;
    const warning = expiry.now ? `⏰ This preview expires within the hour; \`/preview preserve\` keeps it longer.` : null;
    // While a newer sha waits for its build, the environment (if any) still runs the one it ran.
    const runs = build && status.preview?.sha && status.preview.sha !== build.sha ? status.preview.sha : null;
    const keeps = runs && view.state === 'building' ? `The environment keeps running ${runs.slice(0, 7)} meanwhile.` : null;
    const comment: CommentView = {
      env: status.env, state: view.state, url, namespace: status.preview?.namespace ?? null, sha: runs ?? status.sha ?? null,
      repoUrl: status.repoUrl ?? null, gitopsCommit: status.commit ?? null, gitopsWeb: deps.gitopsWeb, gitopsBranch: deps.gitopsBranch,
      sync: view.sync, health: view.health, reasons: view.reasons, note: [warning, keeps, view.note].filter(Boolean).join(' ') || null, problems: status.problems ?? [],
      expiresAt: status.preview?.expiresAt ?? null, preservedUntil: status.preview?.preservedUntil ?? null,
      ...(build ? { build } : {}),
    };
    const deployment = deploymentStateFor(view.state);
    // A wait names what it waits for (or the check that failed): "Preview waiting for build: build".
    const commit = commitStatusFor(view.state, build ? buildWaitDetail(build) : undefined);
    const waitingForPickup = view.state === 'committed' && deps.cluster !== null && status.published && status.publishedAt;
    const pickupAt = waitingForPickup ? new Date(Date.parse(status.publishedAt ?? '') + (deps.pickupTimeoutMs ?? DEFAULT_PICKUP_TIMEOUT_MS) + 1000) : null;
    const recheck = [pickupAt, warnAt !== null && warnAt > now.getTime() ? new Date(warnAt + 1000) : null]
      .filter((d): d is Date => d !== null && d > now)
      .sort((a, b) => a.getTime() - b.getTime())[0];
    return {
      marker: commentMarker(status.env),
      comment: renderComment(comment),
      logText: formatCommentForLog(comment),
      state: view.state,
      deployment: deployment === null ? null : {
        state: deployment, environment: deploymentEnvironment(status.env),
        description: commit?.description ?? view.state, ...(url && deployment === 'success' ? { url } : {}),
      },
      // Pending only while the build is awaited: the one pending that resolves on its own (into committed,
      // or failed) and tells the developer something the checks list otherwise would not.
      commitStatus: commit === null || (commit.state === 'pending' && view.state !== 'building') ? null : { state: commit.state, description: commit.description, ...(url ? { targetUrl: url } : {}) },
      ...(recheck ? { recheckAt: recheck } : {}),
    };
  };
}

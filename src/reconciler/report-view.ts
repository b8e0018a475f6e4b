import { applicationState, type ApplicationStateView } from '../domain/application-state.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { PreviewStatus } from './preview-status-book.ts';

/** What the report says about one environment, before it is put into words. */
export type ReportView = Omit<ApplicationStateView, 'state'> & {
  state: ApplicationStateView['state'] | 'building' | 'destroyed' | 'refused' | 'rolled-back' | 'waiting' | 'sleeping';
};

function empty(): Omit<ApplicationStateView, 'state'> {
  return { reasons: [], sync: null, health: null, revision: null, url: null };
}

/**
 * Joins what the reconciler did (the status) with what Argo CD says (the Application) into one
 * state. `ready` is decided by the domain's rules, with the ancestry of the synced revision checked
 * in the GitOps clone: a status for an older commit never claims ready for a newer one.
 */
export async function reportView(
  status: PreviewStatus,
  deps: { cluster: Pick<Cluster, 'get'> | null; store: Pick<GitOpsStore, 'contains'>; now: Date; pickupTimeoutMs?: number },
): Promise<ReportView | null> {
  switch (status.state) {
    case 'refused':
      return { ...empty(), state: 'refused', reasons: status.reason ? [status.reason] : [] };
    case 'destroyed':
      return { ...empty(), state: 'destroyed' };
    case 'building':
      // The wait says itself (status.build): what is pending, with links; no reason to repeat it.
      return { ...empty(), state: 'building', reasons: status.build ? [] : status.reason ? [status.reason] : [] };
    case 'failed':
      return { ...empty(), state: 'failed', reasons: !status.build && status.reason ? [status.reason] : [] };
    case 'rolled-back':
    case 'waiting':
      return { ...empty(), state: status.state, reasons: status.reason ? [status.reason] : [] };
    case 'sleeping':
      return { ...empty(), state: 'sleeping', note: 'scaled to zero by /preview sleep; /preview wake brings it back' };
    case 'committed':
      break;
    default:
      return null;
  }
  if (!status.published) return { ...empty(), state: 'committed', note: 'committed; waiting to be pushed to the GitOps repository' };
  if (deps.cluster === null) {
    return { ...empty(), state: 'committed', note: 'previewd has no cluster access (KUBECONFIG), so it cannot see what Argo CD does with this commit' };
  }
  const app = status.preview ? (deps.cluster.get(status.preview.id) ?? null) : null;
  const revision = app?.status?.sync?.revision;
  const contains = revision && status.commit ? await deps.store.contains(revision, status.commit) : null;
  return applicationState({
    app, lastCommit: status.commit ?? null, revisionContainsCommit: contains,
    committedAt: status.publishedAt ? new Date(status.publishedAt) : null, now: deps.now,
    ...(deps.pickupTimeoutMs === undefined ? {} : { pickupTimeoutMs: deps.pickupTimeoutMs }),
  });
}

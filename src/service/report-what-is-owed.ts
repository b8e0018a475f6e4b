import type { ForgeLifecycle } from '../ports/forge.ts';
import type { ReportDebt } from '../ports/report-debt.ts';
import type { ReconcileRequest } from '../reconciler/reconcile-request.ts';
import { syncRequest } from '../reconciler/reconcile-request.ts';

export interface ReportWhatIsOwedDeps {
  debt: ReportDebt;
  lifecycle: Pick<ForgeLifecycle, 'getPullRequest'> | null;
  enqueue: (req: ReconcileRequest) => boolean;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** GitHub's pull requests are read a few at a time: a burst of reads invites its secondary rate limit. */
const CONCURRENCY = 4;

/**
 * At start, the PRs a previous run still owed a report are planned again from their current pull
 * request, as the resync would: the plan rebuilds the environment's state (a no-op when git already
 * has it), which the reporter then sends. The report is derived, so nothing of what it said before is
 * needed, and no PR's comments are read unless it is owed. A PR GitHub no longer has is paid off.
 */
export async function reportWhatIsOwed(deps: ReportWhatIsOwedDeps): Promise<void> {
  const owed = deps.debt.owed();
  if (owed.length === 0 || deps.lifecycle === null) return;
  const lifecycle = deps.lifecycle;
  deps.log.info({ owed: owed.length, oldest: owed[0]?.since }, 'reports a previous run still owed: planning those pull requests again');
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, owed.length) }, async () => {
    while (next < owed.length) {
      const entry = owed[next++];
      if (!entry) return;
      const ctx = entry.installationId === undefined ? {} : { installationId: entry.installationId };
      try {
        const pull = await lifecycle.getPullRequest({ owner: entry.owner, repo: entry.repo }, entry.pr, ctx);
        if (pull === null) deps.debt.paid(entry);
        else deps.enqueue(syncRequest({ ...ctx, ...pull }, { actor: 'previewd', cause: 'resync', override: false }));
      } catch (err) {
        // Still owed: the next start or the PR's next event reports it.
        deps.log.warn({ env: `${entry.owner}/${entry.repo}#${entry.pr}`, err }, 'could not read a pull request owed a report');
      }
    }
  }));
}

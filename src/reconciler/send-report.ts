import type { EnvRef } from '../domain/environment.ts';
import type { CommitStatusInput, DeploymentStatusInput, ForgeReports } from '../ports/forge.ts';
import type { PreviewStatus } from './preview-status-book.ts';

/** The words of one report: the comment, and what the Deployment and the commit status should say. */
export interface ReportText {
  marker: string;
  comment: string;
  /** The same, as one paragraph for the log when GitHub reporting is off. */
  logText: string;
  state: string;
  deployment: (Pick<DeploymentStatusInput, 'state' | 'description'> & { environment: string; url?: string }) | null;
  commitStatus: (Omit<CommitStatusInput, 'context'> & { context?: string }) | null;
  /** Ask again at this time even if nothing happens (a pick-up deadline). */
  recheckAt?: Date;
}

/** What previewd sent one PR in this process's life: a cache, never the truth (GitHub is). */
export interface SentReport {
  env: EnvRef;
  commentId?: number;
  comment?: string;
  /** Deployments by PR head sha, with the last state sent. */
  deployments: Map<string, { id: number; state?: string }>;
  /** Commit statuses sent, by sha: `state description`. */
  statuses: Map<string, string>;
}

export interface SendOptions {
  /**
   * Nothing can exist on GitHub for this PR yet (it was opened in this process's life, this is not a
   * retry, and no earlier run left it owed): the comment is created without searching for its marker
   * and the Deployment without looking for one.
   */
  nothingYet: boolean;
  /** Awaited before a create that skips the search: the record that the PR is owed must be on disk. */
  beforeBlindCreate: () => Promise<void>;
}

/**
 * Writes to GitHub what differs from what was sent: the comment when its text changed, the sha's
 * Deployment (found or created once) and its status when the state changed, the commit status when it
 * changed. `sent` is updated after each write GitHub accepted, so a failure midway resends only the rest.
 */
export async function sendReport(forge: ForgeReports, sent: SentReport, status: PreviewStatus, text: ReportText, options: SendOptions): Promise<void> {
  const repo = { owner: sent.env.owner, repo: sent.env.repo };
  const ctx = status.installationId === undefined ? {} : { installationId: status.installationId };
  const sha = status.sha;
  const blind = options.nothingYet && sent.commentId === undefined;
  if (blind) await options.beforeBlindCreate();
  if (text.comment !== sent.comment) {
    const known = sent.commentId === undefined ? {} : { knownId: sent.commentId };
    const result = await forge.upsertComment(repo, sent.env.pr, text.marker, text.comment, { ...ctx, ...known, ...(blind ? { searchFirst: false } : {}) });
    sent.commentId = result.id;
    sent.comment = text.comment;
  }
  const dep = text.deployment;
  if (dep && sha) {
    if (dep.state === 'inactive') {
      for (const d of sent.deployments.values()) {
        if (d.state === 'inactive') continue;
        await forge.setDeploymentStatus(repo, d.id, { state: 'inactive', description: dep.description }, ctx);
        d.state = 'inactive';
      }
    } else {
      let d = sent.deployments.get(sha);
      if (!d) {
        // Unless nothing can exist yet, a Deployment of this sha may be there already: made by a run
        // that crashed before remembering it, or by an attempt whose answer was lost (its state is
        // unknown, so the status below is sent again).
        const found = options.nothingYet ? null : await forge.findDeployment(repo, { sha, environment: dep.environment }, ctx);
        d = { id: found ?? await forge.createDeployment(repo, { sha, environment: dep.environment, description: dep.description }, ctx) };
        sent.deployments.set(sha, d);
      }
      if (d.state !== dep.state) {
        await forge.setDeploymentStatus(repo, d.id, { state: dep.state, description: dep.description, ...(dep.url ? { environmentUrl: dep.url } : {}) }, ctx);
        d.state = dep.state;
      }
    }
  }
  const cs = text.commitStatus;
  if (cs && sha && sent.statuses.get(sha) !== `${cs.state} ${cs.description}`) {
    await forge.setCommitStatus(repo, sha, { context: 'previewd', ...cs }, ctx);
    sent.statuses.set(sha, `${cs.state} ${cs.description}`);
  }
}

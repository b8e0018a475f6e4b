import { fitDescription } from './fit-description.ts';
import type { EnvRef } from './environment.ts';

/**
 * Every state previewd reports into a pull request: DESIGN.md's preview states, plus `refused` (the
 * PR's `.github/preview.yaml` broke the policy) and `skipped` (no preview for this PR: paths, drafts…).
 * The same members as the reconciler's `PreviewStatus['state']`, named here so the domain owns them.
 */
export type ReportedState =
  | 'pending' | 'building' | 'committed' | 'deploying' | 'ready' | 'failed' | 'destroyed' | 'sleeping' | 'rolled-back' | 'waiting'
  | 'refused' | 'skipped';

export type DeploymentState = 'pending' | 'in_progress' | 'success' | 'failure' | 'inactive';

export interface CommitStatusReport {
  state: 'pending' | 'success' | 'failure' | 'error';
  description: string;
}

export { MAX_DESCRIPTION } from './fit-description.ts';

/** The GitHub Deployment environment of a preview: `preview/<repo>#<n>`, e.g. `preview/shop#42`. */
export function deploymentEnvironment(env: EnvRef): string {
  return `preview/${env.repo}#${env.pr}`;
}

/**
 * The Deployment status for a state, or null when the Deployment should not be touched. A Deployment is
 * of the PR's head sha, so it exists only once that sha is to be deployed (building, then committed): nothing is queued as a Deployment
 * (`pending`) or for a sha that will not be deployed (`refused`, `skipped`, `waiting`), lest it stay
 * in progress for ever. A rolled-back or sleeping environment no longer runs the head sha: inactive.
 */
export function deploymentStateFor(state: ReportedState): DeploymentState | null {
  switch (state) {
    case 'building':
      // The sha will be deployed once its build is done: its Deployment exists, pending.
      return 'pending';
    case 'committed':
    case 'deploying':
      return 'in_progress';
    case 'ready':
      return 'success';
    case 'failed':
      return 'failure';
    case 'destroyed':
    case 'sleeping':
    case 'rolled-back':
      return 'inactive';
    case 'pending':
    case 'refused':
    case 'skipped':
    case 'waiting':
      return null;
  }
}

/**
 * The `previewd` commit status for a state, or null when the head sha gets none. `detail` (a reason)
 * is appended when there is room; the description never exceeds GitHub's 140 characters. `pending`
 * and `skipped` set none: a status that a skipped PR never resolves would hang in the checks list.
 */
export function commitStatusFor(state: ReportedState, detail?: string): CommitStatusReport | null {
  const status = ((): CommitStatusReport | null => {
    switch (state) {
      case 'pending':
      case 'skipped':
        return null;
      case 'building':
        // `detail`: what it waits for (buildWaitDetail), e.g. "Preview waiting for build: build, ci / image".
        return { state: 'pending', description: 'Preview waiting for build' };
      case 'committed':
        return { state: 'pending', description: 'Preview committed; waiting for Argo CD' };
      case 'deploying':
        return { state: 'pending', description: 'Argo CD is deploying the preview' };
      case 'waiting':
        return { state: 'pending', description: "Preview waiting: the app's preview limit is reached" };
      case 'ready':
        return { state: 'success', description: 'Preview ready' };
      case 'failed':
        return { state: 'failure', description: 'Preview failed' };
      case 'refused':
        return { state: 'failure', description: 'Preview refused: .github/preview.yaml breaks the policy' };
      case 'destroyed':
        return { state: 'success', description: 'Preview destroyed' };
      case 'sleeping':
        return { state: 'success', description: 'Preview asleep; /preview wake starts it' };
      case 'rolled-back':
        // Neither a success nor a failure of this commit: the environment runs an earlier one on purpose.
        return { state: 'pending', description: 'Preview rolled back in the GitOps repository; push or /preview redeploy to deploy this commit' };
    }
  })();
  if (status === null) return null;
  const extra = detail === undefined ? '' : oneLine(detail);
  return { state: status.state, description: fitDescription(extra === '' ? status.description : `${status.description}: ${extra}`) };
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

import type { AppRegistration, Policy } from './config-types.ts';
import type { PullRequestSnapshot } from './pull-request.ts';

export const DEFAULT_PREVIEW_LABEL = 'preview';

/** Whether the PR carries the label. GitHub's label names are unique regardless of case, so compared so. */
export function hasLabel(labels: readonly string[], label: string): boolean {
  const wanted = label.toLowerCase();
  return labels.some((l) => l.toLowerCase() === wanted);
}

export type PreviewDecision =
  | { kind: 'deploy' }
  | { kind: 'destroy'; reason: string }
  | { kind: 'none'; reason: string };

export interface PreviewDecisionInput {
  snapshot: PullRequestSnapshot;
  /** The app's registration in previewd.yaml, or null when the repository is not registered. */
  app: AppRegistration | null;
  policy: Pick<Policy, 'forks'>;
  /** The label that lets a fork PR in under `forks: label`. */
  previewLabel?: string;
  /** Whether whoever last added the label has write access; null when GitHub could not be asked. */
  labelApproved: boolean | null;
  /** Whether the PR touches `.github/preview.yaml`'s paths; null when there is no filter or it is unknown. */
  touchesPaths: boolean | null;
  /** Whether the environment's folder exists in the GitOps repository now. */
  exists: boolean;
}

/**
 * What should happen to one PR's environment, from what is known before its `.github/preview.yaml`
 * is read. `enabled: false` in that file is not decided here: the reconciler reads the config (at the
 * head sha, through GitHub) only once this says deploy, and turns that into a `none`/`disabled` itself.
 *
 * Deletions happen only where the contract allows one: a closed PR, or a fork whose preview the
 * policy (or a removed label) no longer allows. Anything merely unknown keeps what exists.
 */
export function decidePreview(input: PreviewDecisionInput): PreviewDecision {
  const { snapshot, app, exists } = input;

  // First, so that a PR closed after its repository left the registry still has its environment removed.
  if (snapshot.state === 'closed') {
    const how = snapshot.merged ? 'merged' : 'closed';
    return exists ? { kind: 'destroy', reason: `the pull request was ${how}` } : { kind: 'none', reason: `the pull request was ${how}; there is no preview to remove` };
  }

  // An open PR of a repository removed from the registry keeps its environment until its TTL or close:
  // a registry edit could be a mistake, and a deletion is not its to make.
  if (app === null) return { kind: 'none', reason: 'this repository is not registered in previewd.yaml' };

  if (snapshot.fork) {
    const refusal = forkRefusal(input);
    if (refusal !== null) return refusal;
  }

  if (snapshot.draft && !app.drafts) {
    // An existing environment stays when a PR goes back to draft: that is usually a pause (to stop review
    // requests, or while CI is fixed), and destroying would lose its data and the URL reviewers use. It
    // is not updated while in draft, and catches up at ready_for_review.
    return {
      kind: 'none',
      reason: exists
        ? 'the pull request is a draft: the preview keeps its last version until it is ready for review'
        : 'the pull request is a draft: its preview starts when it is marked ready for review (or set drafts: true for the app in previewd.yaml)',
    };
  }

  // A PR that stops touching the paths (a revert, or a changed filter) keeps an existing preview: not
  // touching paths says "no need for one", not "remove it", and close or TTL will clean it up.
  if (input.touchesPaths === false) {
    return {
      kind: 'none',
      reason: exists
        ? "the pull request no longer touches .github/preview.yaml's paths: the preview keeps its last version"
        : "the pull request touches none of .github/preview.yaml's paths",
    };
  }

  return { kind: 'deploy' };
}

/** Why a fork PR may not be deployed now, or null when the policy lets it through. */
function forkRefusal(input: PreviewDecisionInput): PreviewDecision | null {
  const { snapshot, policy, exists } = input;
  const label = input.previewLabel ?? DEFAULT_PREVIEW_LABEL;
  switch (policy.forks) {
    case 'always':
      return null;
    case 'never':
      // The environment can exist only if the policy was looser when it was made: it no longer applies.
      return exists
        ? { kind: 'destroy', reason: 'the policy no longer allows previews of pull requests from forks (policy.forks: never)' }
        : { kind: 'none', reason: 'pull requests from forks get no preview here (policy.forks: never)' };
    case 'label': {
      if (!hasLabel(snapshot.labels, label)) {
        return exists
          ? { kind: 'destroy', reason: `the "${label}" label was removed from this pull request from a fork` }
          : { kind: 'none', reason: `a pull request from a fork gets a preview once a maintainer adds the "${label}" label` };
      }
      if (input.labelApproved === true) return null;
      // Fail closed, and keep what exists: an unapproved label must not deploy the fork's new code, but
      // a label re-added by a stranger (or GitHub being unreachable) is no reason to remove a preview.
      const why =
        input.labelApproved === false
          ? `the "${label}" label was added by someone without write access to the repository`
          : `previewd cannot check who added the "${label}" label (GitHub reporting is off or GitHub did not answer)`;
      return { kind: 'none', reason: `${why}: a maintainer must add it` };
    }
  }
}

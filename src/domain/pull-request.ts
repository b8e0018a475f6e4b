import type { EnvRef } from './environment.ts';

/** What previewd needs to know of a pull request, taken from a webhook payload or the REST API. */
export interface PullRequestSnapshot extends EnvRef {
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  /** Full head commit sha. */
  headSha: string;
  /** Head branch name (untrusted text: only ever a value in YAML/JSON, never a path or a name). */
  headRef: string;
  /** True when the head lives in another repository (or that repository was deleted). */
  fork: boolean;
  /** Login of the PR's author. */
  author: string;
  /** The PR's title (untrusted text, shown on the dashboard as text only), when GitHub sent one. */
  title?: string;
  labels: string[];
  /** https URL of the app repository (for Argo CD's reference-commit trailer). */
  repoUrl: string;
  /** The GitHub App installation that sent the event, when one did. */
  installationId?: number;
}

/** One accepted pull_request delivery, reduced to what the reconciler needs. */
export interface PullRequestEvent {
  action: string;
  snapshot: PullRequestSnapshot;
  /** Login of whoever caused the event (`sender`). */
  sender: string;
  /** `X-GitHub-Delivery`. */
  delivery: string;
  /** For labeled/unlabeled: the label's name. */
  label?: string;
}

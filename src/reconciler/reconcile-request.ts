import type { EnvRef } from '../domain/environment.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';

/** One piece of work for the reconciler: bring an environment in line with its pull request. */
export interface ReconcileRequest {
  env: EnvRef;
  /** The newest known state of the pull request. */
  snapshot: PullRequestSnapshot;
  /** Who caused it (sender, commenter, `previewd` for a resync). */
  actor: string;
  /** The X-GitHub-Delivery that caused it, when one did. */
  delivery?: string;
  /** What caused it, for logs (`pull_request.synchronize`, `resync`). */
  cause: string;
}

/** Coalescing: the newest event describes the pull request as it is now, so it wins. */
export function mergeRequests(_waiting: ReconcileRequest, incoming: ReconcileRequest): ReconcileRequest {
  return incoming;
}

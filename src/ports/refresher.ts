import type { EnvRef } from '../domain/environment.ts';

/** One environment's commit that reached the GitOps remote, with its Application's name when known. */
export interface RefreshTarget {
  env: EnvRef;
  /** The commit's id on the remote. */
  commit: string;
  subject: string;
  /** The environment's Application (preview.json's id), when previewd knows one. */
  application?: string;
}

/**
 * Tells Argo CD that the GitOps branch moved, so that it looks now instead of at its next poll (three
 * minutes by default). Two ways: refresh annotations patched through the Kubernetes API (needs `patch`
 * on the ApplicationSet and the Applications), or a signed push event to Argo CD's webhook endpoints
 * (no Kubernetes write at all).
 */
export interface Refresher {
  /** `annotations` or `webhook`: said at start and in /readyz-free logs, so operators know which RBAC they need. */
  readonly kind: 'annotations' | 'webhook';
  /**
   * After a publish: the commits that reached the remote, oldest first. Rejects with a RefreshError
   * saying what to fix; nobody retries it — Argo CD still polls, a failed nudge only costs time.
   */
  refresh(targets: readonly RefreshTarget[]): Promise<void>;
}

/** Argo CD could not be told of a publish. */
export class RefreshError extends Error {
  override name = 'RefreshError';
}

import type { ArgoApplication } from '../domain/argo-application.ts';

export type { ArgoApplication } from '../domain/argo-application.ts';

/** What the watch reports: an Application added or changed, or gone. */
export type ApplicationEvent = { type: 'upsert'; app: ArgoApplication } | { type: 'delete'; name: string };

/**
 * Argo CD as previewd sees it through the Kubernetes API: the preview Applications (watched), and the
 * two refresh annotations that make Argo CD act now instead of at its next poll.
 */
export interface Cluster {
  /**
   * Starts watching the preview Applications. Every add, change and delete reaches `onEvent`; after a
   * relist (410 Expired, a restart after an error) the current set is re-announced. Restarts itself
   * with backoff: a dropped connection never ends the watch.
   */
  start(onEvent: (event: ApplicationEvent) => void): void;
  stop(): Promise<void>;
  /** True once the first list has completed (readiness). */
  synced(): boolean;
  /** The newest known Application of that name. */
  get(name: string): ArgoApplication | undefined;
  /** Merge-patches `argocd.argoproj.io/application-set-refresh: "true"` onto the ApplicationSet. */
  refreshApplicationSet(): Promise<void>;
  /** Merge-patches `argocd.argoproj.io/refresh: normal` onto an Application; false when it does not exist. */
  refreshApplication(name: string): Promise<boolean>;
}

/** A cluster call failed; `transient` ones (timeouts, 5xx, dropped connections) are retried. */
export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(message: string, readonly transient: boolean, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * An Argo CD Application (argoproj.io/v1alpha1) as the Kubernetes API returns it. Only the fields
 * previewd reads are typed, all optional: the object is Argo CD's, and versions differ (Argo CD 3 no
 * longer records per-resource health in `status.resources` by default).
 */
export interface ArgoApplication {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
  };
  spec?: {
    source?: { repoURL?: string; path?: string; targetRevision?: string };
    destination?: { server?: string; namespace?: string };
  };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision?: string; resources?: Array<{ kind?: string; name?: string; namespace?: string; status?: string; message?: string; hookPhase?: string }> };
    };
    conditions?: Array<{ type?: string; message?: string; lastTransitionTime?: string }>;
    resources?: Array<{ group?: string; kind?: string; name?: string; namespace?: string; status?: string; health?: { status?: string; message?: string } }>;
    summary?: { externalURLs?: string[]; images?: string[] };
    reconciledAt?: string;
  };
}

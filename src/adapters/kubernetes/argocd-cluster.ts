import {
  CustomObjectsApi, Observable, PatchStrategy, setHeaderOptions, Watch,
  type ConfigurationOptions, type KubeConfig, type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { BackoffPolicy } from '../../domain/backoff.ts';
import type { ArgoApplication, Cluster } from '../../ports/cluster.ts';
import type { Metrics } from '../../ports/metrics.ts';
import { createApplicationWatch } from './application-watch.ts';
import type { ApplicationList, OpenWatch, Timers, WatchLogger } from './list-watch-types.ts';
import { httpStatusOf, toClusterError } from './translate-cluster-error.ts';

/** The labels previewd's ApplicationSet puts on every preview Application (argocd/applicationset.yaml). */
export const DEFAULT_LABEL_SELECTOR = 'app.kubernetes.io/managed-by=previewd';
/** Set to "true" on the ApplicationSet: its controller regenerates the Applications now. */
export const APPLICATION_SET_REFRESH = 'argocd.argoproj.io/application-set-refresh';
/** Set to "normal" on an Application: Argo CD compares it with git now (and removes the annotation). */
export const APPLICATION_REFRESH = 'argocd.argoproj.io/refresh';

const GROUP = 'argoproj.io';
/** Recorded in each object's managedFields for previewd's patches (client-node would say `node-fetch`). */
export const FIELD_MANAGER = 'previewd';
const VERSION = 'v1alpha1';

/** What the adapter logs through (pino's Logger fits): failures and recoveries of the watch. */
export type ClusterLogger = WatchLogger;

/** How to reach Argo CD, and the knobs tests turn (timers, randomness, timeouts). */
export interface ArgoCdClusterOptions {
  /** Loaded by the caller (see loadKubeConfig): KUBECONFIG or the in-cluster ServiceAccount. */
  kubeConfig: KubeConfig;
  /** Where the Applications and the ApplicationSet live (ARGOCD_NAMESPACE). */
  namespace: string;
  /** The ApplicationSet's name (ARGOCD_APPLICATIONSET). */
  applicationSet: string;
  labelSelector?: string;
  log: ClusterLogger;
  /**
   * Retry after a list or watch failed in a way a retry fixes (default 0.5 s doubling to 4 s, full
   * jitter): after an outage the first change is seen within seconds of the server's return.
   */
  backoff?: BackoffPolicy;
  /** Retry after a failure only new configuration fixes (401, or 403/404 outside a start; default 1 s to 30 s). */
  configBackoff?: BackoffPolicy;
  random?: () => number;
  setTimeout?: (callback: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** What each watch asks the server for (default 5 to 10 minutes, jittered as client-go does). */
  watchTimeoutSeconds?: number;
  /** How long past its timeout a silent watch is kept before it is presumed dead (default 30 s). */
  silenceGraceMs?: number;
  /** Items per list page (default 500, as kubectl and client-go). */
  pageSize?: number;
  /** Limit for a list page or a patch (default 30 s). */
  requestTimeoutMs?: number;
  /** Counts the watch's restarts. */
  metrics?: Pick<Metrics, 'watchRestarted'>;
}

/** Hands a signal to client-node's fetch: requests are bounded, and a stopped watch leaves none in flight. */
function withSignal(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre(context) {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/**
 * Argo CD through the Kubernetes API: a list+watch of the preview Applications (selected by previewd's
 * label) in the Argo CD namespace, and the refresh annotations as JSON merge patches.
 *
 * Why not client-node 1.4's informer (ListWatch): it has no hook after a list (for `synced` and to
 * announce the current set again), it stops for good on a socket error, and its stop() neither
 * cancels a list in flight nor a watch being opened — both go on to open a watch after stop. The loop
 * in createApplicationWatch keeps its Watch (auth, TLS, line parsing) and fixes those.
 */
export function createArgoCdCluster(options: ArgoCdClusterOptions): Cluster {
  const { kubeConfig, namespace, log } = options;
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const watcher = new Watch(kubeConfig);
  const labelSelector = options.labelSelector ?? DEFAULT_LABEL_SELECTOR;
  const random = options.random ?? Math.random;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const bounded = (signal?: AbortSignal): AbortSignal => {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  };
  const timers: Timers = {
    setTimeout: options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms)),
    clearTimeout: options.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout)),
  };

  async function list(signal: AbortSignal): Promise<ApplicationList> {
    const items: ArgoApplication[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = (await api.listNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace, plural: 'applications', labelSelector, limit: options.pageSize ?? 500, ...(token ? { _continue: token } : {}) },
        withSignal(bounded(signal)),
      )) as { items?: ArgoApplication[]; metadata?: { resourceVersion?: string; continue?: string } };
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion ?? '';
      token = page.metadata?.continue || undefined;
    } while (token);
    return { items, resourceVersion };
  }

  const path = `/apis/${GROUP}/${VERSION}/namespaces/${encodeURIComponent(namespace)}/applications`;
  const watch: OpenWatch = (resourceVersion, timeoutSeconds, onLine, onDone) =>
    watcher.watch(path, { resourceVersion, labelSelector, allowWatchBookmarks: true, timeoutSeconds }, onLine, onDone);

  const applications = createApplicationWatch({
    list, watch, log, timers, random,
    backoff: options.backoff ?? { baseMs: 500, maxMs: 4000 },
    configBackoff: options.configBackoff ?? options.backoff ?? { baseMs: 1000, maxMs: 30_000 },
    watchTimeoutSeconds: () => options.watchTimeoutSeconds ?? Math.floor(300 * (1 + random())),
    ...(options.silenceGraceMs !== undefined && { silenceGraceMs: options.silenceGraceMs }),
    ...(options.metrics && { onRestart: () => options.metrics?.watchRestarted() }),
  });

  async function annotate(plural: 'applications' | 'applicationsets', name: string, annotations: Record<string, string>): Promise<void> {
    await api.patchNamespacedCustomObject(
      { group: GROUP, version: VERSION, namespace, plural, name, body: { metadata: { annotations } }, fieldManager: FIELD_MANAGER },
      // client-node 1.4 sends a PATCH as a JSON patch unless told: this body is a merge patch.
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch, withSignal(bounded())),
    );
  }

  return {
    start: (onEvent) => applications.start(onEvent),
    async stop() {
      applications.stop();
    },
    synced: () => applications.synced(),
    get: (name) => applications.get(name),
    async refreshApplicationSet() {
      try {
        await annotate('applicationsets', options.applicationSet, { [APPLICATION_SET_REFRESH]: 'true' });
      } catch (error) {
        throw toClusterError(error, `refreshing ApplicationSet ${namespace}/${options.applicationSet}`);
      }
    },
    async refreshApplication(name) {
      try {
        await annotate('applications', name, { [APPLICATION_REFRESH]: 'normal' });
        return true;
      } catch (error) {
        if (httpStatusOf(error) === 404) return false;
        throw toClusterError(error, `refreshing Application ${namespace}/${name}`);
      }
    },
  };
}

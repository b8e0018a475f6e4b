import type { ClusterLogger } from '../adapters/kubernetes/argocd-cluster.ts';
import type { Settings } from '../domain/load-settings.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { Metrics } from '../ports/metrics.ts';

/**
 * The Argo CD cluster the settings point at (KUBECONFIG or in-cluster), or null: health read-back off.
 * The Kubernetes client is loaded only when there is a cluster to talk to: importing it costs about
 * 70 MB of resident memory (its generated API for every Kubernetes kind), a third of the service's.
 */
export async function createCluster(settings: Settings, log: ClusterLogger, metrics?: Metrics): Promise<Cluster | null> {
  if (settings.cluster.kubeconfig === undefined && !settings.cluster.inCluster) return null;
  const [{ loadKubeConfig }, { createArgoCdCluster }] = await Promise.all([
    import('../adapters/kubernetes/load-kube-config.ts'),
    import('../adapters/kubernetes/argocd-cluster.ts'),
  ]);
  const kubeConfig = loadKubeConfig(settings.cluster);
  if (kubeConfig === null) return null;
  return createArgoCdCluster({ kubeConfig, namespace: settings.argocd.namespace, applicationSet: settings.argocd.applicationSet, log, ...(metrics ? { metrics } : {}) });
}

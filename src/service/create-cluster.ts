import { createArgoCdCluster, type ClusterLogger } from '../adapters/kubernetes/argocd-cluster.ts';
import { loadKubeConfig } from '../adapters/kubernetes/load-kube-config.ts';
import type { Settings } from '../domain/load-settings.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { Metrics } from '../ports/metrics.ts';

/** The Argo CD cluster the settings point at (KUBECONFIG or in-cluster), or null: health read-back off. */
export function createCluster(settings: Settings, log: ClusterLogger, metrics?: Metrics): Cluster | null {
  const kubeConfig = loadKubeConfig(settings.cluster);
  if (kubeConfig === null) return null;
  return createArgoCdCluster({ kubeConfig, namespace: settings.argocd.namespace, applicationSet: settings.argocd.applicationSet, log, ...(metrics ? { metrics } : {}) });
}

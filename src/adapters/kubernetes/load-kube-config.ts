import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Settings } from '../../domain/load-settings.ts';
import { ClusterError } from '../../ports/cluster.ts';

/**
 * The Kubernetes access the settings describe: the KUBECONFIG file(s) (merged in order, as kubectl
 * does), else the in-cluster ServiceAccount, else null (health read-back is off). A file that cannot be
 * read or names no current cluster is a ClusterError, not retried: the settings must change.
 */
export function loadKubeConfig(cluster: Settings['cluster']): KubeConfig | null {
  const kubeConfig = new KubeConfig();
  if (cluster.kubeconfig !== undefined) {
    const files = cluster.kubeconfig.split(path.delimiter).filter(Boolean);
    try {
      files.forEach((file, index) => {
        if (index === 0) return kubeConfig.loadFromFile(file);
        const next = new KubeConfig();
        next.loadFromFile(file);
        // As kubectl: the first file that sets current-context decides it.
        kubeConfig.mergeConfig(next, Boolean(kubeConfig.getCurrentContext()));
      });
    } catch (error) {
      throw new ClusterError(`KUBECONFIG (${cluster.kubeconfig}) cannot be read: ${error instanceof Error ? error.message : String(error)}`, false, undefined, { cause: error });
    }
    if (!kubeConfig.getCurrentCluster()) {
      throw new ClusterError(`KUBECONFIG (${cluster.kubeconfig}) has no current context with a cluster: set current-context, e.g. with kubectl config use-context`, false);
    }
    return kubeConfig;
  }
  if (cluster.inCluster) {
    // Reads the ServiceAccount token and CA from /var/run/secrets/kubernetes.io/serviceaccount.
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  return null;
}

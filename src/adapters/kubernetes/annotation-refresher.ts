import type { Cluster } from '../../ports/cluster.ts';
import type { Refresher } from '../../ports/refresher.ts';

/**
 * The refresh through the Kubernetes API: `application-set-refresh` on the ApplicationSet (a new
 * preview gets its Application now) and `refresh: normal` on each known Application of the published
 * environments. Needs `patch` on both (argocd/rbac.yaml); the Argo CD webhook mode needs neither.
 */
export function createAnnotationRefresher(cluster: Pick<Cluster, 'get' | 'refreshApplicationSet' | 'refreshApplication'>): Refresher {
  return {
    kind: 'annotations',
    async refresh(targets) {
      await cluster.refreshApplicationSet();
      for (const target of targets) {
        // Only an Application the watch has seen: a new one is made by the ApplicationSet refresh.
        if (target.application && cluster.get(target.application)) await cluster.refreshApplication(target.application);
      }
    },
  };
}

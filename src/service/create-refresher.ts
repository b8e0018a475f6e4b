import { createWebhookRefresher } from '../adapters/argocd/webhook-refresher.ts';
import { createAnnotationRefresher } from '../adapters/kubernetes/annotation-refresher.ts';
import type { Settings } from '../domain/load-settings.ts';
import type { Cluster } from '../ports/cluster.ts';
import type { Refresher } from '../ports/refresher.ts';

/**
 * How Argo CD hears of a publish: ARGOCD_WEBHOOK_URL set, by push events there (no Kubernetes write,
 * even with a cluster); else, with a cluster, by refresh annotations; else not at all (Argo CD polls).
 */
export function createRefresher(settings: Settings, cluster: Cluster | null, now: () => Date): Refresher | null {
  const webhook = settings.argocd.webhook;
  const { gitops } = settings;
  if (webhook && gitops.kind === 'remote') {
    return createWebhookRefresher({
      urls: webhook.urls, ...(webhook.secret === undefined ? {} : { secret: webhook.secret }),
      repoUrl: gitops.url, branch: gitops.branch, author: gitops.author, now,
    });
  }
  return cluster === null ? null : createAnnotationRefresher(cluster);
}

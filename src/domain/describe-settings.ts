import type { Settings } from './load-settings.ts';

/**
 * The lines the service logs once at start: what it will do with these settings, above all what is
 * off and how to turn it on, so that a newcomer with no settings at all learns what they get.
 * No secret appears here, only whether one is set.
 */
export function describeSettings(settings: Settings): string[] {
  const { gitops, github, cluster, argocd } = settings;
  const lines: string[] = [];

  if (gitops.kind === 'local') {
    lines.push(`GitOps repository: local, at ${gitops.dir}, branch ${gitops.branch} (set GITOPS_REPO_URL for a remote)`);
  } else {
    const auth = gitops.token === undefined ? 'no credentials (set GITOPS_TOKEN if the remote needs them)' : `credentials of ${gitops.username ?? 'x-access-token'}`;
    lines.push(`GitOps repository: ${gitops.url}, branch ${gitops.branch}, with ${auth}`);
  }
  lines.push(`commits by ${gitops.author.name} <${gitops.author.email}>`);

  // Where a generated webhook secret lives is logged by the code that generates it, with the file's path.
  if (settings.webhookSecret !== null) lines.push('webhook secret: from WEBHOOK_SECRET');
  const previous = settings.webhookSecretPrevious;
  if (previous) lines.push(`webhook secret rotation: WEBHOOK_SECRET_PREVIOUS is also accepted until ${previous.until.toISOString()}, refused after`);
  if (settings.allowedRepos) lines.push(`repositories: only those matching ALLOWED_REPOS (${settings.allowedRepos.join(', ')}) among previewd.yaml's`);

  switch (github.kind) {
    case 'off':
      lines.push('GitHub reporting is off: set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY to turn it on');
      break;
    case 'token':
      lines.push(`GitHub: with GITHUB_TOKEN, at ${github.apiUrl}`);
      break;
    case 'app':
      lines.push(`GitHub: as GitHub App ${github.appId}, at ${github.apiUrl}`);
      break;
  }

  const where = `Applications in namespace ${argocd.namespace}, ApplicationSet ${argocd.applicationSet}`;
  if (cluster.kubeconfig !== undefined) lines.push(`cluster: from KUBECONFIG (${cluster.kubeconfig}); ${where}`);
  else if (cluster.inCluster) lines.push(`cluster: in-cluster service account; ${where}`);
  else lines.push('no cluster: health read-back is off (set KUBECONFIG or run in a cluster)');
  const webhook = argocd.webhook;
  if (webhook) {
    const signed = webhook.secret === undefined ? 'unsigned (set ARGOCD_WEBHOOK_SECRET to argocd-secret\'s webhook.github.secret)' : 'signed with ARGOCD_WEBHOOK_SECRET';
    lines.push(`Argo CD refresh: a push event for ${gitops.branch} to ${webhook.urls.join(', ')} after each publish, ${signed}; no Kubernetes write (argocd/rbac-readonly.yaml is enough)`);
  } else if (cluster.kubeconfig !== undefined || cluster.inCluster) {
    lines.push(`Argo CD refresh: annotations patched on ApplicationSet ${argocd.applicationSet} and the Applications (argocd/rbac.yaml); set ARGOCD_WEBHOOK_URL for a mode without Kubernetes writes`);
  } else lines.push('Argo CD refresh: none, Argo CD sees each commit at its next poll (set ARGOCD_WEBHOOK_URL, or a cluster, to tell it at once)');
  // Only what exists is described: the write API and the resync say their word when they are built.
  return lines;
}

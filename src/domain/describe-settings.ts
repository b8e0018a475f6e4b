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

  lines.push(
    settings.webhookSecret === null
      ? `webhook secret: none set, so previewd uses the one it generates in ${settings.dataDir} (set WEBHOOK_SECRET to choose it)`
      : 'webhook secret: from WEBHOOK_SECRET',
  );

  switch (github.kind) {
    case 'off':
      lines.push('GitHub reporting is off: set GITHUB_TOKEN or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY to turn it on');
      break;
    case 'token':
      lines.push(`GitHub reporting: on, with GITHUB_TOKEN, at ${github.apiUrl}`);
      break;
    case 'app':
      lines.push(`GitHub reporting: on, as GitHub App ${github.appId}, at ${github.apiUrl}`);
      break;
  }

  const where = `Applications in namespace ${argocd.namespace}, ApplicationSet ${argocd.applicationSet}`;
  if (cluster.kubeconfig !== undefined) lines.push(`cluster: from KUBECONFIG (${cluster.kubeconfig}); ${where}`);
  else if (cluster.inCluster) lines.push(`cluster: in-cluster service account; ${where}`);
  else lines.push('no cluster: health read-back is off (set KUBECONFIG or run in a cluster)');

  lines.push(
    settings.adminToken === null
      ? 'write API is off: set ADMIN_TOKEN to turn on rollback, preserve and destroy over HTTP'
      : 'write API: on, for requests bearing ADMIN_TOKEN',
  );
  lines.push(`resync, TTL and preserve checks: on schedule ${settings.resyncSchedule}`);
  return lines;
}

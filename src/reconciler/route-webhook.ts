import { envFolder } from '../domain/environment.ts';
import { parsePullRequestEvent } from '../domain/parse-pull-request-event.ts';
import type { WebhookHandler } from '../http/webhook-event.ts';
import type { ReconcileRequest } from './reconcile-request.ts';

/**
 * Turns a verified delivery into a reconcile request. It only enqueues: the decision and the work are
 * the reconciler's, so that a webhook, a resync and a command all take the same path.
 */
export function routeWebhook(enqueue: (req: ReconcileRequest) => boolean): WebhookHandler {
  return (event, log) => {
    if (event.name !== 'pull_request') return { accepted: false, reason: `${event.name} events do not change previews` };
    const parsed = parsePullRequestEvent(event.payload, event.delivery);
    if (!parsed.ok) return { accepted: false, reason: parsed.reason };
    const { snapshot, sender, delivery, action } = parsed.event;
    const env = { owner: snapshot.owner, repo: snapshot.repo, pr: snapshot.pr };
    const queued = enqueue({ env, snapshot, actor: sender, delivery, cause: `pull_request.${action}` });
    log.info({ repo: `${env.owner}/${env.repo}`, pr: env.pr, env: envFolder(env), action, sha: snapshot.headSha, queued }, 'pull_request event');
    if (!queued) {
      return { accepted: false, reason: 'previewd is shutting down; GitHub will show the delivery as failed and the next resync picks it up' };
    }
    return { accepted: true };
  };
}

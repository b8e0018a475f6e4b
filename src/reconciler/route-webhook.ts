import { envFolder } from '../domain/environment.ts';
import { parsePullRequestEvent } from '../domain/parse-pull-request-event.ts';
import type { WebhookHandler, WebhookOutcome } from '../http/webhook-event.ts';
import { parseIssueCommentEvent } from '../domain/parse-issue-comment-event.ts';
import { parsePreviewCommand } from '../domain/parse-preview-command.ts';
import { syncRequest, type ActionItem, type ReconcileRequest } from './reconcile-request.ts';

/**
 * Turns a verified delivery into a reconcile request. It only enqueues: the decision and the work are
 * the reconciler's, so that a webhook, a resync and a command all take the same path.
 */
export function routeWebhook(enqueue: (req: ReconcileRequest) => boolean): WebhookHandler {
  return (event, log) => {
    // The inbox entry travels with the work, so that the reconciler retires exactly it once settled.
    const ids = event.inboxId === undefined ? {} : { ids: [event.inboxId] };
    if (event.name === 'issue_comment') return routeComment(event.payload, event.delivery, ids, enqueue, log);
    if (event.name !== 'pull_request') return { accepted: false, reason: `${event.name} events do not change previews` };
    const parsed = parsePullRequestEvent(event.payload, event.delivery);
    if (!parsed.ok) return { accepted: false, reason: parsed.reason };
    const { snapshot, sender, delivery, action } = parsed.event;
    const env = { owner: snapshot.owner, repo: snapshot.repo, pr: snapshot.pr };
    // A push, a reopen or a close speaks for the PR as it is now: it may change an environment a person
    // or a command changed by hand. Labels and edits do not.
    const override = ['opened', 'reopened', 'synchronize', 'closed', 'ready_for_review'].includes(action);
    const queued = enqueue(syncRequest(snapshot, { actor: sender, delivery, cause: `pull_request.${action}`, override, ...ids, ...(event.replayed ? { replayed: true } : {}) }));
    log.info({ repo: `${env.owner}/${env.repo}`, pr: env.pr, env: envFolder(env), action, sha: snapshot.headSha, queued }, 'pull_request event');
    if (!queued) {
      return { accepted: false, reason: 'previewd is shutting down; GitHub will show the delivery as failed and the next resync picks it up' };
    }
    return { accepted: true };
  };
}

// A `/preview …` comment on a pull request becomes an action for its environment; the permission check,
// the acknowledgement and the answer are the worker's (they call GitHub).
function routeComment(payload: unknown, delivery: string, ids: { ids?: string[] }, enqueue: (req: ReconcileRequest) => boolean, log: { info(obj: object, msg: string): void }): WebhookOutcome {
  const parsed = parseIssueCommentEvent(payload, delivery);
  if (!parsed.ok) return { accepted: false, reason: parsed.reason };
  const { env, commentId, body, author, authorAssociation, installationId, repoUrl } = parsed.event;
  const command = parsePreviewCommand(body);
  if (command === null) return { accepted: false, reason: 'the comment holds no /preview command' };
  const item: ActionItem = {
    kind: 'action', env, action: command.ok ? command.command : { kind: 'help' }, actor: author, delivery, cause: 'comment', ...ids,
    comment: { id: commentId, authorAssociation }, repoUrl, ...(installationId === undefined ? {} : { installationId }),
    ...(command.ok ? {} : { invalid: command.error }),
  };
  const queued = enqueue({ env, items: [item] });
  log.info({ repo: `${env.owner}/${env.repo}`, pr: env.pr, env: envFolder(env), command: item.action.kind, actor: author, queued }, 'preview command');
  return queued ? { accepted: true } : { accepted: false, reason: 'previewd is shutting down' };
}

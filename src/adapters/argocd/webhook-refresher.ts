import { createHmac, randomUUID } from 'node:crypto';
import { argoCdPushEvent } from '../../domain/argocd-push-event.ts';
import { RefreshError, type Refresher } from '../../ports/refresher.ts';

export interface WebhookRefresherOptions {
  /** ARGOCD_WEBHOOK_URL: the API server's and/or the ApplicationSet controller's `/api/webhook`. */
  urls: readonly string[];
  /** ARGOCD_WEBHOOK_SECRET (argocd-secret's webhook.github.secret); absent: unsigned. */
  secret?: string;
  /** GITOPS_REPO_URL, as Argo CD's Applications and git generator name it. */
  repoUrl: string;
  branch: string;
  author: { name: string; email: string };
  now: () => Date;
  /** Per endpoint (default 10 s): Argo CD answers at once and does the refresh afterwards. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * Tells Argo CD of a publish the way GitHub would: a `push` event for the GitOps branch, POSTed to each
 * endpoint with X-GitHub-Event, X-GitHub-Delivery and, with a secret, X-Hub-Signature-256 (HMAC-SHA256
 * of the exact body, as Argo CD's GitHub parser checks it) and GitHub's older SHA-1 X-Hub-Signature.
 * No Kubernetes write: the ServiceAccount needs only get, list and watch (argocd/rbac-readonly.yaml).
 */
export function createWebhookRefresher(options: WebhookRefresherOptions): Refresher {
  const send = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function post(url: string, body: string): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'application/json', 'user-agent': 'previewd', 'x-github-event': 'push', 'x-github-delivery': randomUUID(),
    };
    if (options.secret !== undefined) {
      headers['x-hub-signature-256'] = `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}`;
      headers['x-hub-signature'] = `sha1=${createHmac('sha1', options.secret).update(body).digest('hex')}`;
    }
    let answer: Response;
    try {
      answer = await send(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (cause) {
      throw new RefreshError(`Argo CD's webhook at ${url} could not be reached: ${cause instanceof Error ? cause.message : String(cause)}; check ARGOCD_WEBHOOK_URL`, { cause });
    }
    const text = (await answer.text().catch(() => '')).trim().slice(0, 200);
    if (answer.ok) return;
    throw new RefreshError(`Argo CD's webhook at ${url} answered HTTP ${answer.status}${text ? ` (${text})` : ''}: ${advice(answer.status, options.secret !== undefined)}`);
  }

  return {
    kind: 'webhook',
    async refresh(targets) {
      if (targets.length === 0) return;
      const event = argoCdPushEvent({ repoUrl: options.repoUrl, branch: options.branch, commits: targets, author: options.author, now: options.now() });
      const body = JSON.stringify(event);
      const results = await Promise.allSettled(options.urls.map((url) => post(url, body)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
      if (failed.length === 1) throw failed[0];
      if (failed.length > 1) throw new RefreshError(failed.map((e) => e.message).join('; '), { cause: failed });
    },
  };
}

function advice(status: number, signed: boolean): string {
  // Argo CD answers 400 "Webhook processing failed" to a bad or missing signature as to a bad body.
  if (status === 400 || status === 401) {
    return signed
      ? 'check that ARGOCD_WEBHOOK_SECRET equals webhook.github.secret in the argocd-secret Secret'
      : 'Argo CD may have a webhook.github.secret in argocd-secret: set ARGOCD_WEBHOOK_SECRET to it';
  }
  if (status === 404 || status === 405) return 'check that ARGOCD_WEBHOOK_URL ends in /api/webhook';
  if (status === 503) return 'Argo CD\'s webhook queue is full; it picks the commit up at its next poll';
  return 'Argo CD picks the commit up at its next poll';
}

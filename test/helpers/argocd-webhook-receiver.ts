import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** An Application's source as Argo CD's webhook handler reads it. */
export interface WatchedApp {
  name: string;
  repoURL: string;
  targetRevision: string;
  path: string;
  /** The `argocd.argoproj.io/manifest-generate-paths` annotation, if any. */
  manifestGeneratePaths?: string;
}

/** One request the receiver took, and what Argo CD would have done with it. */
export interface ReceivedPush {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** Why it was refused (for the test's messages; Argo CD's answer says only "Webhook processing failed"). */
  reason?: string;
  /** Applications Argo CD's API server handler would refresh. */
  refreshedApps: string[];
  /** Whether the ApplicationSet controller's handler would refresh a git generator of that repoURL and revision. */
  refreshesGenerator: boolean;
}

export interface ArgoCdWebhookReceiver {
  url: string;
  received: ReceivedPush[];
  /** Answer every request with this status instead (a fault). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

// What go-playground/webhooks v6's github.PushPayload declares for the fields previewd sends: Argo CD
// decodes the body into it and refuses the request (400) on a type mismatch. Unknown keys are ignored.
type Kind = 'string' | 'bool' | 'int' | 'strings' | 'nullable-string' | { [key: string]: Kind } | [Kind];
const person: Kind = { name: 'string', email: 'string', username: 'string' };
const commit: Kind = {
  sha: 'string', id: 'string', node_id: 'string', tree_id: 'string', distinct: 'bool', message: 'string', timestamp: 'string', url: 'string',
  author: person, committer: person, added: 'strings', removed: 'strings', modified: 'strings',
};
const PUSH_PAYLOAD: Kind = {
  ref: 'string', before: 'string', after: 'string', created: 'bool', deleted: 'bool', forced: 'bool', base_ref: 'nullable-string', compare: 'string',
  commits: [commit], head_commit: commit,
  repository: {
    id: 'int', node_id: 'string', name: 'string', full_name: 'string', owner: { login: 'string', id: 'int', html_url: 'string', type: 'string', site_admin: 'bool' },
    private: 'bool', html_url: 'string', description: 'string', fork: 'bool', url: 'string', created_at: 'int', pushed_at: 'int', git_url: 'string',
    ssh_url: 'string', clone_url: 'string', default_branch: 'string', master_branch: 'string', size: 'int',
  },
  pusher: { name: 'string', email: 'string' },
};

/** Go's json.Unmarshal into that struct: an absent or null field is left alone, a value of another type fails. */
export function payloadTypeProblems(value: unknown, kind: Kind, at = ''): string[] {
  if (value === null || value === undefined) return [];
  if (kind === 'string' || kind === 'nullable-string') return typeof value === 'string' ? [] : [`${at}: not a string`];
  if (kind === 'bool') return typeof value === 'boolean' ? [] : [`${at}: not a bool`];
  if (kind === 'int') return Number.isInteger(value) ? [] : [`${at}: not an int64`];
  if (kind === 'strings') return Array.isArray(value) && value.every((v) => typeof v === 'string') ? [] : [`${at}: not a list of strings`];
  if (Array.isArray(kind)) return Array.isArray(value) ? value.flatMap((v, i) => payloadTypeProblems(v, kind[0], `${at}[${i}]`)) : [`${at}: not a list`];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
  return Object.entries(kind).flatMap(([key, k]) => payloadTypeProblems((value as Record<string, unknown>)[key], k, `${at}.${key}`));
}

const quote = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Argo CD's GetWebURLRegex: scheme, user@, ssh./altssh. and port optional, `:` or `/`, `.git` optional, any case. */
export function webUrlMatcher(webURL: string): RegExp {
  const url = new URL(webURL);
  const escapedPath = quote(url.pathname.replace(/^\//, ''));
  return new RegExp(`^((https?|ssh)://)?([a-z0-9_.-]+@)?((alt)?ssh\\.)?${quote(url.hostname)}(:\\d+)?[:/]${escapedPath}(\\.git)?$`, 'i');
}

/** Argo CD's ParseRevision: `refs/heads/main` → `main`. */
export function parseRevision(ref: string): string {
  const parts = ref.split('/');
  return parts.length >= 3 ? parts.slice(2).join('/') : (parts.at(-1) ?? '');
}

function revisionChanged(targetRevision: string, revision: string, touchedHead: boolean): boolean {
  const target = parseRevision(targetRevision);
  if (target === 'HEAD' || target === '') return touchedHead;
  return targetRevision.startsWith('refs/') ? target === revision : targetRevision === revision;
}

/** Argo CD's GetSourceRefreshPaths + AppFilesHaveChanged (relative entries resolved against the source path). */
function filesChanged(app: WatchedApp, changed: string[]): boolean {
  const paths = (app.manifestGeneratePaths ?? '').split(';').map((p) => p.trim()).filter(Boolean)
    .map((p) => (p.startsWith('/') ? p.slice(1) : path.posix.normalize(path.posix.join(app.path, p))));
  if (changed.length === 0 || paths.length === 0) return true;
  return changed.some((file) => paths.some((p) => {
    const f = `/${file}`.replace(/\/+$/, '');
    const root = `/${p}`.replace(/\/+$/, '');
    return f === root || path.posix.dirname(f) === root || path.posix.dirname(f).startsWith(`${root}/`);
  }));
}

/**
 * Argo CD's webhook endpoint as far as a GitHub push goes: POST, X-GitHub-Event, the X-Hub-Signature-256
 * HMAC over the exact body when it has a secret (webhook.github.secret), the body decoded into
 * GitHub's push payload types, then which Applications and which git generator the push refreshes.
 */
export async function startArgoCdWebhookReceiver(options: { secret?: string; apps: () => WatchedApp[]; generator: { repoURL: string; revision: string } }): Promise<ArgoCdWebhookReceiver> {
  const received: ReceivedPush[] = [];
  let fault: number | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const record: ReceivedPush = { headers: req.headers, body: raw.toString('utf8'), status: 200, refreshedApps: [], refreshesGenerator: false };
      received.push(record);
      const answer = (status: number, text = '', reason?: string): void => {
        record.status = status;
        if (reason !== undefined) record.reason = reason;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      };
      if (fault !== null) return answer(fault, 'fault');
      if (req.method !== 'POST') return answer(405, 'Webhook processing failed');
      const event = req.headers['x-github-event'];
      if (typeof event !== 'string' || event === '') return answer(400, 'Unknown webhook event');
      if (event !== 'push') return answer(400, 'Webhook processing failed');
      if (options.secret !== undefined) {
        const given = String(req.headers['x-hub-signature-256'] ?? '').replace(/^sha256=/, '');
        const expected = createHmac('sha256', options.secret).update(raw).digest('hex');
        if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return answer(400, 'Webhook processing failed', 'HMAC verification failed');
      }
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(record.body) as Record<string, unknown>;
      } catch {
        return answer(400, 'Webhook processing failed: payload must be valid JSON');
      }
      const problems = payloadTypeProblems(payload, PUSH_PAYLOAD);
      if (problems.length > 0) return answer(400, 'Webhook processing failed', problems.join('; '));
      const repository = (payload.repository ?? {}) as { html_url?: string; default_branch?: string };
      const revision = parseRevision(String(payload.ref ?? ''));
      const touchedHead = repository.default_branch === revision;
      const changed = ((payload.commits ?? []) as Array<{ added?: string[]; modified?: string[]; removed?: string[] }>)
        .flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])]);
      if (repository.html_url) {
        const matcher = webUrlMatcher(repository.html_url);
        record.refreshedApps = options.apps()
          .filter((app) => revisionChanged(app.targetRevision, revision, touchedHead) && matcher.test(app.repoURL) && filesChanged(app, changed))
          .map((app) => app.name);
        record.refreshesGenerator = matcher.test(options.generator.repoURL) && revisionChanged(options.generator.revision, revision, touchedHead);
      }
      answer(200);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhook`,
    received,
    failWith: (status) => void (fault = status),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

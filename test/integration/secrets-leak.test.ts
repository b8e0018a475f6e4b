import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { pino } from 'pino';
import { git } from '../helpers/git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture, type FeedbackFixtureOptions } from '../helpers/feedback-fixture.ts';
import { serverError, type Fault } from '../helpers/fake-github.ts';
import { issueCommentPayload, pullRequestPayload, type Json } from '../helpers/webhook-examples.ts';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (n: number): string => Array.from(randomBytes(n), (b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
const sha = (n: number): string => n.toString(16).padStart(40, 'c');
const badCredentials: Fault = { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } };

/** Real-looking secrets, fresh for each run. */
function makeSecrets() {
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const gitops = { username: 'previewd-bot', password: `glpat-${randomText(20)}` };
  return {
    githubToken: `ghp_${randomText(36)}`, privateKey, gitops,
    webhookSecret: randomBytes(32).toString('hex'), adminToken: randomBytes(32).toString('hex'),
  };
}
type Secrets = ReturnType<typeof makeSecrets>;

/** Every string that must never be seen: each secret, the PEM's body lines, and the basic-auth header value. */
function needles(s: Secrets): Array<[string, string]> {
  const pemLines = s.privateKey.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----'));
  const basic = Buffer.from(`${s.gitops.username}:${s.gitops.password}`).toString('base64');
  return [
    ['GitHub token', s.githubToken], ['GitOps token', s.gitops.password], ['basic auth (base64 of user:token)', basic],
    ['webhook secret', s.webhookSecret], ['admin token', s.adminToken], ['private key', s.privateKey.trim()],
    ...pemLines.map((line, i): [string, string] => [`private key line ${i + 1}`, line]),
  ];
}

/** A full lifecycle with GitHub failing on the way; returns every text previewd produced that a person could see. */
async function runLifecycle(s: Secrets, app: boolean): Promise<string[]> {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  const installationId = 4242;
  const options: FeedbackFixtureOptions = {
    log, githubToken: s.githubToken, gitopsAuth: s.gitops, reportDebounceMs: 50,
    env: { WEBHOOK_SECRET: s.webhookSecret, ADMIN_TOKEN: s.adminToken, LOG_LEVEL: 'trace' },
    ...(app ? { githubApp: { appId: 777, privateKey: s.privateKey, installations: { [installationId]: 'demo' } } } : {}),
  };
  const f: FeedbackFixture = await startFeedbackFixture(options);
  const seen: string[] = [];
  let counter = 0;
  const repo = f.github.repo('demo/app');
  if (app) repo.setInstallation(installationId);
  async function deliver(event: string, payload: Json): Promise<void> {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': `leak-${++counter}`, 'x-hub-signature-256': await sign(s.webhookSecret, body) };
    const res = await fetch(`${f.service.url}/webhooks/github`, { method: 'POST', headers, body });
    seen.push(await res.text());
    await f.service.reconciler.idle();
  }
  const pr = (n: number, extra: Record<string, unknown> = {}) =>
    pullRequestPayload({ owner: 'demo', repo: 'app', pr: n, sha: sha(n), author: 'alice', ...(app ? { installationId } : {}), ...extra });
  try {
    repo.setPull(1, { state: 'open', headSha: sha(1), headRef: 'feature-1', user: 'alice' });
    // GitHub refuses the credentials once and fails once while the PR's config is read and reported.
    f.github.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', badCredentials);
    f.github.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', serverError(500, 1));
    await deliver('pull_request', pr(1));
    await deliver('pull_request', pr(1, { action: 'synchronize' }));
    await f.until('the PR comment', () => repo.comments(1).length > 0);
    // A refused .github/preview.yaml reaches the comment with its problems.
    repo.setFile(sha(2), '.github/preview.yaml', 'replicas: 99\nenv:\n  "bad name": x\n');
    repo.setPull(2, { state: 'open', headSha: sha(2), headRef: 'feature-2', user: 'alice' });
    await deliver('pull_request', pr(2));
    await f.until('the refusal in the comment', () => repo.comments(2).length > 0);
    // Commands: one refused, one done; then the API with a wrong and the right token.
    for (const [author, association, body] of [['mallory', 'NONE', '/preview destroy'], ['alice', 'OWNER', '/preview preserve 24h']] as const) {
      const id = repo.addComment(1, body, author).comments(1).at(-1)?.id ?? 0;
      await deliver('issue_comment', { ...issueCommentPayload({ owner: 'demo', repo: 'app', pr: 1, body, author, association, commentId: id }), ...(app ? { installation: { id: installationId } } : {}) });
    }
    const api = `${f.service.url}/api/previews/demo/app/1`;
    const wrong = await fetch(`${api}/preserve`, { method: 'POST', headers: { authorization: `Bearer ${s.adminToken.slice(0, -1)}x`, 'content-type': 'application/json' }, body: '{"for":"48h"}' });
    assert.equal(wrong.status, 401);
    seen.push(await wrong.text());
    // Preserved by the command, so the close alone would keep it: the right token destroys it.
    const destroyed = await fetch(api, { method: 'DELETE', headers: { authorization: `Bearer ${s.adminToken}` } });
    assert.equal(destroyed.status, 200);
    seen.push(await destroyed.text());
    for (const path of ['/api/previews', '/api/previews/demo/app/1/history', '/readyz', '/docs/json']) seen.push(await (await fetch(`${f.service.url}${path}`)).text());
    await deliver('pull_request', pr(1, { action: 'closed' }));
    await f.until('the environment gone', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json')) === null);
    await f.service.reconciler.idle();
    await new Promise((r) => setTimeout(r, 300)); // the last report's debounce
    assert.ok(repo.comments(1).length > 0 && repo.comments(2).length > 0);
    assert.ok(f.github.requests.some((r) => r.status === 401) && f.github.requests.some((r) => r.status === 500), 'the faults were met');
    if (app) assert.ok(f.github.requests.some((r) => r.path.endsWith('/access_tokens')), 'previewd authenticated as the App');
    assert.match(await git(f.remote.bare, ['log', '--format=%s', 'main']), /preserve until[\s\S]*create/, 'the command and the deploy went through the authenticated remote');
    seen.push(...f.service.reconciler.statuses.all().map((st) => JSON.stringify(st)));
    // What reached GitHub: every request's path and body (comments, replies, statuses, deployments).
    // Headers are left out: the Authorization header is where the credential belongs.
    seen.push(...f.github.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`));
    seen.push(await git(f.remote.bare, ['log', '-p', '--all', '--format=fuller']));
    seen.push(await git(f.remote.bare, ['config', '--list']));
  } finally {
    await f.close();
  }
  seen.push(...lines);
  return seen;
}

function assertNoSecret(seen: string[], s: Secrets): void {
  const all = seen.join('\n');
  assert.ok(all.length > 10_000, `too little was collected to mean anything (${all.length} characters)`);
  assert.ok(all.includes('previews/demo/app/pr-1/kustomization.yaml') && all.includes('"level":'), 'the GitOps history and the log lines are in what is searched');
  for (const [what, needle] of needles(s)) {
    const at = all.indexOf(needle);
    assert.equal(at, -1, `the ${what} leaked: …${all.slice(Math.max(0, at - 200), at + 50)}…`);
  }
}

describe('secrets never leak: logs, errors, the GitOps repository, what is sent to GitHub', () => {
  test('with a GitHub token (the App key passed through settings all the same is never seen)', async () => {
    const s = makeSecrets();
    const seen = await runLifecycle(s, false);
    assertNoSecret(seen, s);
  });

  test('as a GitHub App with a generated RSA key', async () => {
    const s = makeSecrets();
    const seen = await runLifecycle(s, true);
    assertNoSecret(seen, s);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secondaryRateLimit, serverError, type RecordedRequest } from '../helpers/fake-github.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'd');
const RETRY_AFTER_S = 2;

function heading(f: FeedbackFixture, pr: number): string {
  return f.github.repo('demo/app').comments(pr)[0]?.body.split('\n')[1] ?? '';
}

/** The requests of one operation, each with what the fake answered, oldest first. */
function calls(f: FeedbackFixture, operationId: string): RecordedRequest[] {
  return f.github.requestsFor(operationId);
}

/** The one Application the generator made for `pr`, once the GitOps commit is on the remote. */
async function application(f: FeedbackFixture): Promise<string> {
  await f.until('the ApplicationSet refresh', () => f.argo.refreshes() > 0, 20_000);
  const ids = await f.argo.generate();
  assert.equal(ids.length, 1, `one Application (${ids.join(', ')})`);
  return ids[0] ?? '';
}

describe('GitHub and the Kubernetes watch misbehaving during a lifecycle', () => {
  test('500, 502 and a secondary rate limit with retry-after: previewd waits as told, and the reports converge', { timeout: 60_000 }, async () => {
    const f = await startFeedbackFixture();
    try {
      // Each write previewd makes for a new preview meets a fault first: the comment a secondary rate limit,
      // the Deployment a 502, the commit status a 500; reading .github/preview.yaml meets a 502 too.
      f.github.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', secondaryRateLimit(RETRY_AFTER_S));
      f.github.failNext('POST', '/repos/{owner}/{repo}/deployments', serverError(502));
      f.github.failNext('POST', '/repos/{owner}/{repo}/statuses/{sha}', serverError(500));
      f.github.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', serverError(502));
      assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(1) }))).status, 202);
      const id = await application(f);
      const head = await f.argo.head();
      f.argo.progressing(id, head);
      f.argo.healthy(id, head, 'https://app-1.preview.example.com');
      await f.until('one comment saying ready', () => /Preview ready/.test(heading(f, 1)), 20_000);
      await f.until('a successful commit status', () => f.github.repo('demo/app').commitStatuses(sha(1)).at(-1)?.state === 'success', 20_000);

      // The secondary rate limit: the retry came no sooner than retry-after.
      const comments = calls(f, 'issues/create-comment');
      assert.equal(comments[0]?.status, 403);
      const retry = comments.find((c, i) => i > 0);
      assert.ok(retry, 'the comment was written again');
      const waited = (retry.at) - (comments[0]?.at ?? 0);
      assert.ok(waited >= RETRY_AFTER_S * 1000 - 50, `retried after ${waited} ms, GitHub asked for ${RETRY_AFTER_S} s`);
      assert.ok(waited < RETRY_AFTER_S * 1000 + 15_000, `and not much later (${waited} ms)`);
      // Every 5xx was retried and a later call of the same kind succeeded.
      for (const op of ['repos/create-deployment', 'repos/create-commit-status', 'repos/get-content']) {
        const list = calls(f, op);
        assert.ok(list[0] && list[0].status >= 500, `${op}: the fault was met first (${list.map((c) => c.status).join(', ')})`);
        assert.ok(list.slice(1).some((c) => c.status < 400 || (op === 'repos/get-content' && c.status === 404)), `${op} was retried to success: ${list.map((c) => c.status).join(', ')}`);
      }
      assert.equal(f.github.repo('demo/app').comments(1).length, 1, 'one comment, not one per attempt');
      assert.equal(f.github.repo('demo/app').deployments().length, 1, 'one Deployment, not one per attempt');
      assert.equal(f.github.repo('demo/app').commitStatuses(sha(1)).filter((s) => s.state === 'success').length, 1);
      f.github.assertNoViolations();
    } finally {
      await f.close();
    }
  });

  test('the watch dropped every second while statuses change: the reports stay right, never ready for an older commit', { timeout: 60_000 }, async () => {
    const f = await startFeedbackFixture();
    let drops = 0;
    const dropper = setInterval(() => {
      drops++;
      f.kube.dropWatches();
    }, 1_000);
    try {
      const pr = { owner: 'demo', repo: 'app', pr: 2 };
      await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(1) }));
      const id = await application(f);
      const first = await f.argo.head();
      f.argo.progressing(id, first);
      await f.until('deploying', () => /Preview deploying/.test(heading(f, 2)), 15_000);
      f.argo.healthy(id, first, 'https://app-2.preview.example.com');
      await f.until('ready at the first commit', () => /Preview ready/.test(heading(f, 2)), 15_000);

      // A push: from here on, ready is only right for the new GitOps commit.
      await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(2), action: 'synchronize' }));
      await f.until('the new commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-2/preview.json'))?.includes(sha(2)), 20_000);
      const second = await f.argo.head();
      await f.until('the comment leaves ready', () => !/Preview ready/.test(heading(f, 2)), 15_000);
      const leftReadyAt = Date.now();
      // Argo CD still reports the older revision healthy, across several dropped watches.
      f.argo.healthy(id, first, 'https://app-2.preview.example.com');
      await new Promise((r) => setTimeout(r, 2_500));
      assert.doesNotMatch(heading(f, 2), /Preview ready/, 'Healthy at the older revision is not ready for the new commit');
      f.argo.progressing(id, second);
      await new Promise((r) => setTimeout(r, 1_200));
      assert.doesNotMatch(heading(f, 2), /Preview ready/);
      const healthyAt = Date.now();
      f.argo.healthy(id, second, 'https://app-2.preview.example.com');
      await f.until('ready at the new commit', () => /Preview ready/.test(heading(f, 2)), 15_000);
      assert.ok(drops >= 4, `the watch was dropped while this ran (${drops} times)`);

      // Every comment write after the push that says ready came after Healthy at the new revision, and names the new sha.
      const writes = f.github.requests.filter((r) => /\/issues\/(2\/comments|comments\/\d+)$/.test(r.path.split('?')[0] ?? '') && r.method !== 'GET' && r.at >= leftReadyAt);
      for (const w of writes) {
        const body = (w.body as { body?: string } | null)?.body ?? '';
        if (!/Preview ready/.test(body)) continue;
        assert.ok(w.at >= healthyAt, 'no ready comment before Healthy at the new revision');
        assert.ok(body.includes(sha(2).slice(0, 7)), 'the ready comment names the new app commit');
      }
      // The final comment matches the final Application status.
      const app = f.kube.get('applications', id, 'argocd') as { status?: { sync?: { revision?: string }; health?: { status?: string } } };
      assert.equal(app.status?.sync?.revision, second);
      assert.equal(app.status?.health?.status, 'Healthy');
      assert.match(f.github.repo('demo/app').comments(2)[0]?.body ?? '', new RegExp(sha(2).slice(0, 7)));
      assert.equal(f.github.repo('demo/app').comments(2).length, 1);
      await f.until('a successful commit status for the new sha', () => f.github.repo('demo/app').commitStatuses(sha(2)).at(-1)?.state === 'success', 20_000);
      f.github.assertNoViolations();
    } finally {
      clearInterval(dropper);
      await f.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'e');
const pr = { owner: 'demo', repo: 'app', pr: 1 };

describe('Argo CD health back into the pull request, end to end', () => {
  let f: FeedbackFixture;
  let id = '';
  before(async () => {
    f = await startFeedbackFixture();
  });
  after(() => f.close());

  const comments = () => f.github.repo('demo/app').comments(1);
  const comment = () => comments()[0]?.body ?? '';
  // The comment's heading, its second line: `### ✅ Preview ready` and so on.
  const heading = () => comment().split('\n')[1] ?? '';
  // What GET /api/previews/... says: the same live state as the comment (it stayed `committed` before).
  const apiState = async () => ((await (await fetch(`${f.service.url}/api/previews/demo/app/1`)).json()) as { state: string }).state;
  const listState = async () => ((await (await fetch(`${f.service.url}/api/previews`)).json()) as { previews: Array<{ pr: number; state: string }> }).previews.find((p) => p.pr === 1)?.state;

  test('open → commit → refresh → Application Progressing → Synced/Healthy: one comment saying ready, a successful Deployment and commit status', async () => {
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(1) }));
    await f.until('the ApplicationSet refresh patch', () => f.argo.refreshes() > 0);
    id = (await f.argo.generate())[0] ?? '';
    assert.ok(id, 'the generator made an Application from the committed preview.json');
    const head = await f.argo.head();
    await f.until('the comment', () => /Preview (committed|deploying)/.test(heading()));
    f.argo.progressing(id, head);
    await f.until('a comment saying deploying', () => /Preview deploying/.test(heading()));
    assert.equal(await apiState(), 'deploying', 'the API shows the live state');
    f.argo.healthy(id, head, 'https://app-1.preview.example.com');
    await f.until('a comment saying ready', () => /Preview ready/.test(heading()));
    assert.equal(await apiState(), 'ready');
    assert.equal(await listState(), 'ready', 'the list shows it too');
    assert.equal(comments().length, 1, 'exactly one comment');
    assert.match(comment(), /https:\/\/app-1\.preview\.example\.com/);
    const [deployment] = f.github.repo('demo/app').deployments();
    assert.equal(deployment?.sha, sha(1));
    assert.equal(deployment?.environment, 'preview/app#1');
    const statuses = await f.until('a successful deployment status', () => {
      const all = f.github.repo('demo/app').deploymentStatuses(deployment?.id ?? 0);
      return all.at(-1)?.state === 'success' ? all : undefined;
    });
    assert.deepEqual(statuses.map((st) => st.state), ['in_progress', 'success']);
    assert.equal(new URL(statuses.at(-1)?.environmentUrl ?? '').href, 'https://app-1.preview.example.com/');
    const status = await f.until('a commit status', () => f.github.repo('demo/app').commitStatuses(sha(1))[0]);
    assert.equal(status.state, 'success');
    assert.equal(status.context, 'previewd');
    const refreshApp = f.kube.patches.filter((p) => p.resource === 'applications');
    assert.ok(refreshApp.length === 0 || refreshApp.every((p) => JSON.stringify(p.body).includes('argocd.argoproj.io/refresh')));
    f.github.assertNoViolations();
  });

  test('a status for an older GitOps commit does not claim ready for the newer one', async () => {
    const older = await f.argo.head();
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(2), action: 'synchronize' }));
    await f.until('the new commit on the remote', async () => (await f.argo.head()) !== older);
    await f.until('the comment leaves ready', () => !/Preview ready/.test(heading()));
    // The Application exists now: previewd nudges it after the push instead of waiting for Argo CD's poll.
    await f.until('the refresh patch on the Application', () => f.kube.patches.some((p) => p.resource === 'applications' && p.name === id
      && JSON.stringify(p.body) === JSON.stringify({ metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } })));
    f.argo.healthy(id, older, 'https://app-1.preview.example.com');
    await new Promise((r) => setTimeout(r, 600));
    assert.match(heading(), /Preview (deploying|committed)/, 'Synced/Healthy at the older revision is not ready for the new commit');
    f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
    await f.until('ready at the new commit', () => /Preview ready/.test(heading()));
    assert.equal(comments().length, 1);
  });

  test('a Degraded Application shows its reasons and fails the commit status', async () => {
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(3), action: 'synchronize' }));
    await f.until('the new commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json'))?.includes(sha(3)));
    const head = await f.argo.head();
    f.argo.degraded(id, head, 'Deployment "demo" exceeded its progress deadline');
    await f.until('a comment saying failed with the reason', () => /failed/i.test(heading()) && comment().includes('exceeded its progress deadline')).catch((err: Error) => {
      throw new Error(`${err.message}; the comment is:\n${comment()}\nthe Application: ${JSON.stringify((f.kube.get('applications', id, 'argocd') as { status?: unknown } | undefined)?.status)}`);
    });
    await f.until('a failed commit status', () => f.github.repo('demo/app').commitStatuses(sha(3)).at(-1)?.state === 'failure');
    assert.equal(await apiState(), 'failed', 'the API shows the failure as the comment does');
  });

  test('a watch dropped mid-way recovers and reports the next change', async () => {
    await f.until('an open watch', () => f.kube.openWatches() > 0);
    const dropped = f.kube.dropWatches();
    assert.ok(dropped > 0, 'a watch was open');
    f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
    await f.until('ready after the watch came back', () => /Preview ready/.test(heading()), 15_000);
    assert.equal(comments().length, 1);
    f.github.assertNoViolations();
  });

  test('a refused .github/preview.yaml: the comment lists each problem with file and path, and the commit status fails', async () => {
    f.github.repo('demo/app').setFile(sha(9), '.github/preview.yaml', 'replicas: 9\nenv:\n  "bad name": "<script>@everyone"\n');
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 9, sha: sha(9) }));
    const body = () => f.github.repo('demo/app').comments(9)[0]?.body ?? '';
    await f.until('the refusal comment', () => /refused/i.test(body().split('\n')[1] ?? ''));
    assert.match(body(), /\.github\/preview\.yaml/);
    assert.match(body(), /\/replicas/);
    assert.match(body(), /\/env/);
    assert.doesNotMatch(body(), /<script>|@everyone/, 'text from the PR cannot inject markup or mentions');
    await f.until('a failed commit status', () => f.github.repo('demo/app').commitStatuses(sha(9)).at(-1)?.state === 'failure');
    assert.equal(f.github.repo('demo/app').deployments().filter((d) => d.sha === sha(9)).length, 0, 'nothing deployed');
    f.github.assertNoViolations();
  });
});

// Argo CD's health back into the pull request with a real kube-apiserver v1.20.2 in the loop: previewd
// runs under its own ServiceAccount (argocd/rbac.yaml), the test plays Argo CD's controllers on the real
// server (Applications created as the ApplicationSet's git files generator would, statuses written with
// JSON patches, refresh annotations taken off once seen), and the PR's comment, Deployment and commit
// status are read from the GitHub fake.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FIELD_MANAGER } from '../../src/adapters/kubernetes/argocd-cluster.ts';
import { startRealKube, type RealKube } from '../helpers/real-kube.ts';
import { startRealFeedbackFixture, type RealFeedbackFixture } from '../helpers/real-kube/real-feedback-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const started = await startRealKube();
const skip = started.ok ? false : started.skip;
const kube = started.ok ? started.kube : (undefined as unknown as RealKube);
const sha = (n: number): string => n.toString(16).padStart(40, 'e');
const pr = { owner: 'demo', repo: 'app', pr: 1 };

describe('Argo CD health back into the pull request, with a real API server', { skip, timeout: 240_000 }, () => {
  let f: RealFeedbackFixture;
  let id = '';
  before(async () => {
    f = await startRealFeedbackFixture(kube);
  });
  after(async () => {
    await f?.close();
    await kube.close();
  });
  const comment = () => f.github.repo('demo/app').comments(1)[0]?.body ?? '';
  const heading = () => comment().split('\n')[1] ?? '';
  const apiState = async () => ((await (await fetch(`${f.service.url}/api/previews/demo/app/1`)).json()) as { state: string }).state;

  test('open → ApplicationSet refresh → Application created → Progressing → Healthy: one comment saying ready, a successful Deployment and commit status', async () => {
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(1) }));
    await f.until('the ApplicationSet refresh annotation', () => f.argo.takeAppSetRefresh());
    id = (await f.argo.generate())[0] ?? '';
    assert.ok(id, 'the generator made an Application from the committed preview.json');
    const head = await f.argo.head();
    await f.until('the comment', () => /Preview (committed|deploying)/.test(heading()));
    await f.argo.progressing(id, head);
    await f.until('a comment saying deploying', () => /Preview deploying/.test(heading()));
    assert.equal(await apiState(), 'deploying');
    await f.argo.healthy(id, head, 'https://app-1.preview.example.com');
    await f.until('a comment saying ready', () => /Preview ready/.test(heading()));
    assert.equal(await apiState(), 'ready');
    assert.equal(f.github.repo('demo/app').comments(1).length, 1, 'exactly one comment');
    assert.match(comment(), /https:\/\/app-1\.preview\.example\.com/);
    const [deployment] = f.github.repo('demo/app').deployments();
    assert.equal(deployment?.sha, sha(1));
    const statuses = await f.until('a successful deployment status', () => {
      const all = f.github.repo('demo/app').deploymentStatuses(deployment?.id ?? 0);
      return all.at(-1)?.state === 'success' ? all : undefined;
    });
    assert.deepEqual(statuses.map((st) => st.state), ['in_progress', 'success']);
    const status = await f.until('a commit status', () => f.github.repo('demo/app').commitStatuses(sha(1)).at(-1));
    assert.equal(status.state, 'success');
    assert.equal(status.context, 'previewd');
    f.github.assertNoViolations();
  });

  test('a push: the Application refreshed by previewd (field manager "previewd"), an older revision not taken for ready', async () => {
    const older = await f.argo.head();
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(2), action: 'synchronize' }));
    await f.until('the new commit on the remote', async () => (await f.argo.head()) !== older);
    await f.until('the comment leaves ready', () => !/Preview ready/.test(heading()));
    const refresh = await f.until('the refresh annotation on the Application', async () => {
      const seen = await f.argo.appRefresh(id);
      return seen.value === 'normal' ? seen : undefined;
    });
    assert.ok(refresh.managers.includes(FIELD_MANAGER), JSON.stringify(refresh.managers));
    await f.argo.healthy(id, older, 'https://app-1.preview.example.com');
    await new Promise((r) => setTimeout(r, 800));
    assert.match(heading(), /Preview (deploying|committed)/, 'Healthy at the older revision is not ready for the new commit');
    await f.argo.healthy(id, await f.argo.head(), 'https://app-1.preview.example.com');
    await f.until('ready at the new commit', () => /Preview ready/.test(heading()));
    await f.until('a successful commit status for the new head', () => f.github.repo('demo/app').commitStatuses(sha(2)).at(-1)?.state === 'success');
  });

  test('Degraded: the reasons in the comment, a failed commit status, the API says failed', async () => {
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(3), action: 'synchronize' }));
    await f.until('the new commit on the remote', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json'))?.includes(sha(3)));
    await f.argo.degraded(id, await f.argo.head(), 'Deployment "demo" exceeded its progress deadline');
    await f.until('a comment saying failed with the reason', () => /failed/i.test(heading()) && comment().includes('exceeded its progress deadline'));
    await f.until('a failed commit status', () => f.github.repo('demo/app').commitStatuses(sha(3)).at(-1)?.state === 'failure');
    assert.equal(await apiState(), 'failed');
  });

  test('closed: the folder removed, the Application pruned, the comment says destroyed', async () => {
    await f.deliver('pull_request', pullRequestPayload({ ...pr, sha: sha(3), action: 'closed', merged: true }));
    await f.until('the folder removed', async () => (await f.remote.remoteFile('previews/demo/app/pr-1/preview.json')) === null);
    assert.deepEqual(await f.argo.generate(), []);
    await f.until('destroyed', () => /destroyed/i.test(heading()));
    f.github.assertNoViolations();
  });
});

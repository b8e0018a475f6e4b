import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createOctokitForge } from '../../src/adapters/github/octokit-forge.ts';
import { git } from '../helpers/git-cli.ts';
import { createFakeGitHub, serverError, type FakeGitHub } from '../helpers/fake-github.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const TOKEN = 'ghp_serviceTestToken0123456789abcdefABCD';
const sha = (n: number): string => n.toString(16).padStart(40, 'd');

describe('the service with GitHub on: the PR\'s own config, forks, GitHub failing', () => {
  let github: FakeGitHub;
  let f: ServiceFixture;
  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
    const forge = createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token: TOKEN }, log: pino({ level: 'silent' }), retryBaseDelayMs: 5 });
    f = await startServiceFixture({ forge });
  });
  after(async () => {
    await f.close();
    await github.close();
  });

  async function deliverAndSettle(payload: Record<string, unknown>): Promise<string> {
    const start = await f.remote.remoteHead();
    assert.equal((await f.deliver('pull_request', payload)).status, 202);
    await f.reconciler.idle();
    return start;
  }

  test('.github/preview.yaml at the head sha shapes the overlay', async () => {
    github.repo('demo/app').setFile(sha(1), '.github/preview.yaml', 'addons: [redis]\nenv:\n  GREETING: hello\nreplicas: 2\n');
    await deliverAndSettle(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(1) }));
    const kustomization = (await f.remote.remoteFile('previews/demo/app/pr-1/kustomization.yaml')) ?? '';
    assert.match(kustomization, /components\/redis/);
    assert.match(kustomization, /GREETING=hello/);
    github.assertNoViolations();
  });

  test('a refused .github/preview.yaml: no commit, every problem recorded with file and path', async () => {
    github.repo('demo/app').setFile(sha(2), '.github/preview.yaml', 'replicas: 9\nttl: 90d\nenv:\n  "bad name": x\n');
    const start = await deliverAndSettle(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(2) }));
    assert.equal(await f.remote.remoteHead(), start, 'nothing committed');
    const status = f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 2 });
    assert.equal(status?.state, 'refused');
    const problems = status?.problems ?? [];
    assert.ok(problems.length >= 3, JSON.stringify(problems));
    assert.ok(problems.every((p) => p.file === '.github/preview.yaml' && p.path.startsWith('/') && p.accepted.length > 0), JSON.stringify(problems));
    assert.deepEqual(problems.map((p) => p.path.split('/')[1]).sort(), ['env', 'replicas', 'ttl'], JSON.stringify(problems));
  });

  test('a fork PR without the preview label gets nothing', async () => {
    const start = await deliverAndSettle(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 3, sha: sha(3), forkOwner: 'stranger', author: 'stranger' }));
    assert.equal(await f.remote.remoteHead(), start);
  });

  test('a fork PR labelled by someone without write access gets nothing; by a maintainer, a preview', async () => {
    const repo = github.repo('demo/app');
    repo.setRole('stranger', 'read').addLabelEvent(4, 'preview', 'stranger');
    const labelled = { owner: 'demo', repo: 'app', pr: 4, sha: sha(4), forkOwner: 'stranger', author: 'stranger', labels: ['preview'], action: 'labeled' };
    let start = await deliverAndSettle(pullRequestPayload({ ...labelled, sender: 'stranger' }));
    assert.equal(await f.remote.remoteHead(), start, 'a label added by a reader is not enough');
    repo.setRole('maintainer', 'maintain').addLabelEvent(4, 'preview', 'maintainer');
    start = await deliverAndSettle(pullRequestPayload({ ...labelled, sender: 'maintainer' }));
    assert.deepEqual((await git(f.remote.bare, ['log', '--format=%s', `${start}..main`])).split('\n'), [`preview(demo/app#4): create at ${sha(4).slice(0, 7)}`]);
    github.assertNoViolations();
  });

  test('GitHub answering 502 while the config is read: retried, then the preview lands', async () => {
    github.failNext('GET', '/repos/{owner}/{repo}/contents/{path}', serverError(502, 6));
    const start = await deliverAndSettle(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 5, sha: sha(5) }));
    assert.match(await git(f.remote.bare, ['log', '--format=%s', `${start}..main`]), /preview\(demo\/app#5\): create/);
    assert.ok(github.requests.filter((r) => r.method === 'GET' && r.path.includes('/contents/')).length >= 6);
  });

  test('paths: a PR that touches none of them gets no preview', async () => {
    github.repo('demo/app').setFile(sha(6), '.github/preview.yaml', 'paths: ["src/**"]\n').setPullFiles(6, [{ filename: 'docs/readme.md' }]);
    const start = await deliverAndSettle(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 6, sha: sha(6) }));
    assert.equal(await f.remote.remoteHead(), start);
    assert.equal(f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 6 })?.state, 'skipped');
    github.assertNoViolations();
  });
});

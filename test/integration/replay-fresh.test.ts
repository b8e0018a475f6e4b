import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { routeWebhook } from '../../src/reconciler/route-webhook.ts';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { tokenForge } from '../helpers/forge-test-kit.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const TOKEN = 'ghp_replayFreshToken0123456789abcdefABCDE';
const sha = (pr: number, n: number) => `${n.toString(16)}${pr.toString(16).padStart(39, '0')}`;
const silent = { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined };

describe('an event replayed from the inbox after a restart is planned with the pull request as it is now', () => {
  let github: FakeGitHub;
  let f: ServiceFixture;
  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
    const forge = tokenForge(github, TOKEN);
    f = await startServiceFixture({ forge, lifecycle: forge });
  });
  after(async () => {
    await f.close();
    await github.close();
  });

  const replay = (pr: number, n: number, delivery: string) => {
    const outcome = routeWebhook(f.reconciler.enqueue)({ name: 'pull_request', delivery, payload: pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr, n) }), replayed: true }, silent);
    assert.deepEqual(outcome, { accepted: true });
  };
  const previewSha = async (pr: number) => {
    const text = await f.remote.remoteFile(`previews/demo/app/pr-${pr}/preview.json`);
    return text === null ? null : (JSON.parse(text) as { sha: string }).sha;
  };

  test('an opened event for a PR closed since: no environment is made (the resync may have looked before the replay ran)', async () => {
    github.repo('demo/app').setPull(7, { state: 'closed', headSha: sha(7, 1), headRef: 'feature-7', user: 'alice' });
    const head = await f.remote.remoteHead();
    replay(7, 1, 'open-7');
    await f.reconciler.idle();
    assert.equal(await previewSha(7), null);
    assert.equal(await f.remote.remoteHead(), head, 'no commit');
    github.assertNoViolations();
  });

  test('an opened event for a PR pushed to since: the newest head is deployed, not the event\'s', async () => {
    github.repo('demo/app').setPull(8, { state: 'open', headSha: sha(8, 2), headRef: 'feature-8', user: 'alice' });
    replay(8, 1, 'open-8');
    await f.reconciler.idle();
    assert.equal(await previewSha(8), sha(8, 2));
    github.assertNoViolations();
  });
});

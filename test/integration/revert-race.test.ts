import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'd');
const folder = 'previews/demo/app/pr-1';
const env = { owner: 'demo', repo: 'app', pr: 1 };

// A person reverts previewd's last commit on the GitOps remote (the real git http-backend) with git.
async function humanRevert(f: ServiceFixture): Promise<string> {
  await git(f.remote.human, ['pull', '--quiet', '--rebase', 'origin', 'main']);
  const last = await git(f.remote.human, ['log', '-1', '--format=%H', 'main', '--', folder]);
  await git(f.remote.human, ['revert', '--no-edit', last]);
  await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
  return git(f.remote.human, ['rev-parse', 'HEAD']);
}

async function isAncestor(f: ServiceFixture, commit: string): Promise<boolean> {
  return git(f.remote.bare, ['merge-base', '--is-ancestor', commit, 'main']).then(() => true, () => false);
}

describe('a human revert against a stale clone (the GitOps remote over real git http-backend)', () => {
  let f: ServiceFixture;
  // Fetch only at a conflict: the service's clone stays stale, as when the revert lands between fetches.
  before(async () => {
    f = await startServiceFixture({ fetchIntervalMs: 3_600_000 });
  });
  after(() => f.close());

  const push = async (n: number, delivery: string) => {
    const r = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(n), action: n === 1 ? 'opened' : 'synchronize' }), { delivery });
    assert.equal(r.status, 202);
    await f.reconciler.idle();
  };

  test('a new push that meets the revert while publishing is planned again and deployed over it', async () => {
    await push(1, 'open');
    await push(2, 'push-2');
    const revert = await humanRevert(f);
    assert.match((await f.remote.remoteFile(`${folder}/preview.json`)) ?? '', new RegExp(sha(1)), 'the person rolled back to the first push');
    await push(3, 'push-3');
    assert.ok(await isAncestor(f, revert), 'the person\'s commit is kept in the history');
    assert.match((await f.remote.remoteFile(`${folder}/preview.json`)) ?? '', new RegExp(sha(3)), 'the new push is deployed');
    const subject = await git(f.remote.bare, ['log', '-1', '--format=%s', 'main', '--', folder]);
    assert.equal(subject, `preview(demo/app#1): update to ${sha(3).slice(0, 7)}`);
    assert.equal(f.reconciler.statuses.get(env)?.state, 'committed');
    await f.remote.fsck();
  });

  test('a redelivery of that push after a second revert leaves the person\'s version standing', async () => {
    const revert = await humanRevert(f);
    // One fetch interval later the service has seen the revert; then the push is delivered again.
    await f.store.fetch();
    await push(3, 'push-3-redelivered');
    assert.equal(await f.remote.remoteHead(), revert, 'no commit over the revert');
    assert.doesNotMatch((await f.remote.remoteFile(`${folder}/preview.json`)) ?? '', new RegExp(sha(3)));
    const status = f.reconciler.statuses.get(env);
    assert.equal(status?.state, 'rolled-back', JSON.stringify(status));
    assert.match(status?.reason ?? '', /a new push or a \/preview command deploys again/);
  });
});

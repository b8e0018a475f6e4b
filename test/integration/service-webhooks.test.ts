import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { kustomizeBuild } from '../helpers/kustomize-build.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'c');
const folder = 'previews/demo/app/pr-1';

async function commitsSince(f: ServiceFixture, since: string): Promise<string[]> {
  const out = await git(f.remote.bare, ['log', '--format=%s', `${since}..main`]);
  return out === '' ? [] : out.split('\n');
}

describe('the service: pull-request events become commits, end to end (GitHub reporting off)', () => {
  let f: ServiceFixture;
  before(async () => {
    f = await startServiceFixture();
  });
  after(() => f.close());

  test('opened: 202 at once, then the overlay is on the remote and builds with kubectl kustomize', async () => {
    const start = await f.remote.remoteHead();
    const response = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(1), author: 'alice' }), { delivery: 'd-open' });
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: true });
    await f.reconciler.idle();
    assert.deepEqual(await commitsSince(f, start), [`preview(demo/app#1): create at ${sha(1).slice(0, 7)}`]);
    const trailers = await git(f.remote.bare, ['interpret-trailers', '--parse'], await git(f.remote.bare, ['log', '-1', '--format=%B', 'main']));
    assert.match(trailers, /^Preview-Delivery: d-open$/m);
    assert.match(trailers, /^Preview-Actor: alice$/m);
    const checkout = join(f.remote.tmp, 'checkout');
    await git(f.remote.tmp, ['clone', '--quiet', f.remote.url, checkout]);
    const objects = await kustomizeBuild(join(checkout, folder));
    const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'demo');
    assert.ok(deployment, 'the demo Deployment is in the build');
    assert.match(JSON.stringify(deployment), new RegExp(`registry.example.com/previewd/demo:${sha(1)}`));
    await f.remote.fsck();
  });

  test('synchronize: exactly one update commit with the new image tag', async () => {
    const start = await f.remote.remoteHead();
    const response = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(2), action: 'synchronize' }));
    assert.equal(response.status, 202);
    await f.reconciler.idle();
    assert.deepEqual(await commitsSince(f, start), [`preview(demo/app#1): update to ${sha(2).slice(0, 7)}`]);
    assert.match((await f.remote.remoteFile(`${folder}/kustomization.yaml`)) ?? '', new RegExp(`newTag: "?${sha(2)}`));
  });

  test('the same delivery again changes nothing; the same content under a new delivery neither', async () => {
    const start = await f.remote.remoteHead();
    const payload = pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(2), action: 'synchronize' });
    const again = await f.deliver('pull_request', payload, { delivery: 'd-open' });
    assert.equal(again.status, 202);
    assert.deepEqual(await again.json(), { accepted: false, reason: 'duplicate delivery' });
    assert.equal((await f.deliver('pull_request', payload)).status, 202);
    await f.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), start);
  });

  test('five pushes in quick succession become one commit, to the newest sha', async () => {
    const start = await f.remote.remoteHead();
    for (let i = 3; i <= 7; i++) {
      assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(i), action: 'synchronize' }))).status, 202);
    }
    await f.reconciler.idle();
    assert.deepEqual(await commitsSince(f, start), [`preview(demo/app#1): update to ${sha(7).slice(0, 7)}`]);
  });

  test('an unregistered repository gets no preview', async () => {
    const start = await f.remote.remoteHead();
    assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'acme', repo: 'unknown', pr: 5, sha: sha(9) }))).status, 202);
    await f.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), start);
    assert.equal(f.reconciler.statuses.get({ owner: 'acme', repo: 'unknown', pr: 5 })?.state, 'skipped');
  });

  test('the GitOps remote refusing connections: the commit waits and lands once it is back', async () => {
    const start = await f.remote.remoteHead();
    f.remote.server.setDown(true);
    assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 3, sha: sha(30) }))).status, 202);
    for (let i = 0; i < 100 && f.reconciler.publisher.lastError() === null; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(f.reconciler.publisher.lastError() !== null, 'the push failed while the remote was down');
    assert.equal(await f.remote.remoteHead(), start);
    f.remote.server.setDown(false);
    await f.reconciler.idle();
    assert.match((await f.remote.remoteFile('previews/demo/app/pr-3/preview.json')) ?? '', new RegExp(sha(30)));
    assert.equal(f.reconciler.publisher.lastError(), null);
  });

  test('closed (merged): the folder is removed in a destroy commit', async () => {
    const start = await f.remote.remoteHead();
    assert.equal((await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(7), action: 'closed', merged: true }))).status, 202);
    await f.reconciler.idle();
    assert.deepEqual(await commitsSince(f, start), ['preview(demo/app#1): destroy']);
    assert.equal(await git(f.remote.bare, ['ls-tree', 'main', folder]), '');
    await f.remote.fsck();
  });

  test('bad input gets the status codes of the contract and writes nothing', async () => {
    const start = await f.remote.remoteHead();
    const payload = pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(10) });
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['missing signature', f.deliver('pull_request', payload, { signature: null }), 401, 'missing_signature'],
      ['wrong signature', f.deliver('pull_request', payload, { signature: `sha256=${'0'.repeat(64)}` }), 401, 'bad_signature'],
      ['signature of another body', f.deliver('pull_request', payload, { signature: 'sha256=nonsense' }), 401, 'bad_signature'],
      ['bad JSON', f.deliver('pull_request', '{"action": "opened",', {}), 400, 'malformed_payload'],
      ['no event header', f.deliver('pull_request', payload, { headers: { 'x-github-event': '' } }), 400, 'missing_headers'],
      ['too large', f.deliver('pull_request', JSON.stringify({ ...payload, padding: 'x'.repeat(1024 * 1024) })), 413, 'body_too_large'],
    ];
    for (const [what, pending, status, error] of cases) {
      const response = await pending;
      assert.equal(response.status, status, what);
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(body.error, error, what);
      assert.ok(body.message.length > 10, `${what}: the message says what is wrong`);
    }
    const ping = await f.deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 });
    assert.equal(ping.status, 200);
    const ignored = await f.deliver('push', { ref: 'refs/heads/main' });
    assert.equal(ignored.status, 202);
    assert.deepEqual(await ignored.json(), { accepted: false, reason: 'push events do not change previews' });
    await f.reconciler.idle();
    assert.equal(await f.remote.remoteHead(), start);
  });

  test('other routes are not affected by the webhook raw-body parser', async () => {
    const health = await fetch(`${f.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const missing = await fetch(`${f.url}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'not_found');
  });
});

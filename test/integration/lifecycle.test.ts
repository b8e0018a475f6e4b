import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { serverError } from '../helpers/fake-github.ts';
import { issueCommentPayload, pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'b');
const HOUR = 3_600_000;
const ADMIN_TOKEN = 'admin-token-for-the-lifecycle-test';

describe('lifecycle: resync, TTL and preserve, PR commands, rollback, human commits', () => {
  let f: FeedbackFixture;
  let clock = Date.parse('2026-11-22T08:00:00Z');
  before(async () => {
    f = await startFeedbackFixture({ now: () => new Date(clock), env: { ADMIN_TOKEN } });
  });
  after(() => f.close());

  const folder = (pr: number) => `previews/demo/app/pr-${pr}`;
  const previewJson = async (pr: number) => f.remote.remoteFile(`${folder(pr)}/preview.json`);
  const subjects = async (pr: number) => (await git(f.remote.bare, ['log', '--format=%s', 'main', '--', folder(pr)])).split('\n').filter(Boolean);
  // A comment as GitHub stores it (reactions need it to exist), delivered as its webhook.
  async function comment(pr: number, body: string, author: string, association: string): Promise<number> {
    const id = f.github.repo('demo/app').addComment(pr, body, author).comments(pr).at(-1)?.id ?? 0;
    await f.deliver('issue_comment', issueCommentPayload({ owner: 'demo', repo: 'app', pr, body, author, association, commentId: id }));
    await f.service.reconciler.idle();
    return id;
  }
  async function round(): Promise<void> {
    await f.service.resync();
    await f.service.reconciler.idle();
  }
  async function open(pr: number, n: number): Promise<void> {
    f.github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(n), headRef: `feature-${pr}`, user: 'alice' });
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(n), author: 'alice' }));
    await f.service.reconciler.idle();
  }

  test('a PR whose opened webhook never came gets its environment on the next round', async () => {
    f.github.repo('demo/app').setPull(1, { state: 'open', headSha: sha(1), headRef: 'feature-1', user: 'alice' });
    assert.equal(await previewJson(1), null);
    await round();
    assert.match((await previewJson(1)) ?? '', new RegExp(sha(1)));
    const before = await f.remote.remoteHead();
    await round();
    assert.equal(await f.remote.remoteHead(), before, 'a second round changes nothing');
  });

  test('GitHub failing during a round deletes nothing; a PR closed while previewd was away loses its environment', async () => {
    f.github.repo('demo/app').setPull(1, { state: 'closed', headSha: sha(1), headRef: 'feature-1', user: 'alice' });
    f.github.failNext('GET', '/repos/{owner}/{repo}/pulls', serverError(500, 4));
    const report = await f.service.resync();
    await f.service.reconciler.idle();
    assert.ok(report.errors.length > 0, 'the outage is counted');
    assert.notEqual(await previewJson(1), null, 'nothing deleted because GitHub failed');
    await round();
    assert.equal(await previewJson(1), null, 'the closed PR lost its environment');
    assert.equal((await subjects(1))[0], 'preview(demo/app#1): destroy');
  });

  test('a hand-made revert survives the round and shows in the comment; the next push deploys the new sha', async () => {
    await open(2, 20);
    f.github.repo('demo/app').setPull(2, { state: 'open', headSha: sha(21), headRef: 'feature-2', user: 'alice' });
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(21), action: 'synchronize' }));
    await f.service.reconciler.idle();
    const [latest, previous] = (await git(f.remote.bare, ['log', '--format=%H', 'main', '--', folder(2)])).split('\n');
    // A person reverts the update by hand on the remote.
    await git(f.remote.human, ['pull', '--quiet', 'origin', 'main']);
    await git(f.remote.human, ['revert', '--no-edit', latest ?? '']);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    const revert = await git(f.remote.human, ['rev-parse', 'HEAD']);
    await round();
    assert.equal(await f.remote.remoteHead(), revert, 'the round left the hand-made revert alone');
    assert.match((await previewJson(2)) ?? '', new RegExp(sha(20)));
    assert.notEqual(previous, undefined);
    await f.until('the comment says it was rolled back', () => /rolled back by Hu Man/i.test(f.github.repo('demo/app').comments(2)[0]?.body ?? '')).catch((err: Error) => {
      throw new Error(`${err.message}: ${f.github.repo('demo/app').comments(2)[0]?.body ?? '(no comment)'} / ${JSON.stringify(f.service.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 2 }))}`);
    });
    f.github.repo('demo/app').setPull(2, { state: 'open', headSha: sha(22), headRef: 'feature-2', user: 'alice' });
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(22), action: 'synchronize' }));
    await f.service.reconciler.idle();
    assert.match((await previewJson(2)) ?? '', new RegExp(sha(22)), 'the next push deploys as usual');
  });

  test('/preview preserve: a collaborator commits, an outsider gets a polite refusal and nothing changes', async () => {
    await open(3, 30);
    const before = await f.remote.remoteHead();
    await comment(3, '/preview preserve 24h', 'mallory', 'NONE');
    assert.equal(await f.remote.remoteHead(), before, 'nothing committed for an outsider');
    assert.ok(f.github.repo('demo/app').comments(3).some((c) => /write access/.test(c.body)), 'a polite refusal');
    const asked = await comment(3, '/preview preserve 7d', 'bob', 'COLLABORATOR');
    assert.equal((await subjects(3))[0], `preview(demo/app#3): preserve until ${new Date(clock + 7 * 24 * HOUR).toISOString()}`);
    const message = await git(f.remote.bare, ['log', '-1', '--format=%B', 'main', '--', folder(3)]);
    assert.match(await git(f.remote.bare, ['interpret-trailers', '--parse'], message), /^Preview-Actor: bob$/m);
    assert.deepEqual(f.github.repo('demo/app').reactions(asked).map((r) => r.content), ['eyes', '+1']);
  });

  test('TTL: an environment expires after its ttl unless preserved, and a preserved one when its preservation ends', async () => {
    await open(4, 40);
    clock += 73 * HOUR; // the skeleton's ttl is 72h; PR 3 is preserved for 7 days from its command
    await round();
    assert.equal(await previewJson(4), null);
    assert.equal((await subjects(4))[0], 'preview(demo/app#4): expire');
    assert.notEqual(await previewJson(3), null, 'preserved: still there past its ttl');
    clock += 5 * 24 * HOUR;
    await round();
    assert.equal(await previewJson(3), null, 'gone once its preservation ended');
    assert.equal((await subjects(3))[0], 'preview(demo/app#3): expire');
  });

  test('rollback by command to the previous deploy; history lists every commit with its action and actor', async () => {
    await open(5, 50);
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 5, sha: sha(51), action: 'synchronize' }));
    await f.service.reconciler.idle();
    await comment(5, '/preview rollback', 'bob', 'MEMBER');
    assert.match((await previewJson(5)) ?? '', new RegExp(sha(50)), 'back to the first deploy');
    const history = await f.service.store.history({ owner: 'demo', repo: 'app', pr: 5 });
    assert.deepEqual(history.map((r) => [r.action, r.actor]), [['rollback', 'bob'], ['update', 'octocat'], ['create', 'alice']]);
    f.github.assertNoViolations();
  });

  test('rollback through the API: a missing or wrong token gets 401; the right one commits; history shows it', async () => {
    const url = `${f.service.url}/api/previews/demo/app/5`;
    const history = async () => ((await (await fetch(`${url}/history`)).json()) as { commits: Array<{ commit: string; action: string; actor: string }> }).commits;
    const create = (await history()).find((c) => c.action === 'create');
    assert.ok(create, 'the history API lists the create commit');
    const post = (token: string | null) => fetch(`${url}/rollback`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-preview-actor': 'carol' },
      body: JSON.stringify({ to: create.commit }),
    });
    assert.equal((await post(null)).status, 401);
    assert.equal((await post('wrong-token')).status, 401);
    const before = await f.remote.remoteHead();
    const update = (await history()).find((c) => c.action === 'update');
    const target = await fetch(`${url}/rollback`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}`, 'x-preview-actor': 'carol' },
      body: JSON.stringify({ to: update?.commit }),
    });
    assert.equal(target.status, 200, await target.clone().text());
    assert.equal(((await target.json()) as { status: string }).status, 'committed');
    await f.service.reconciler.idle();
    assert.notEqual(await f.remote.remoteHead(), before);
    assert.match((await previewJson(5)) ?? '', new RegExp(sha(51)));
    assert.deepEqual((await history()).slice(0, 2).map((c) => [c.action, c.actor]), [['rollback', 'carol'], ['rollback', 'bob']]);
    const all = (await (await fetch(`${f.service.url}/api/previews`)).json()) as { previews: Array<{ pr: number; state: string }> };
    assert.ok(all.previews.some((p) => p.pr === 5), 'the list API shows the environment');
  });

  test('a hand-made revert of a destroy recreates the environment, and previewd adopts it', async () => {
    const destroy = (await git(f.remote.bare, ['log', '--format=%H', '-1', 'main', '--', folder(1)]));
    assert.equal((await subjects(1))[0], 'preview(demo/app#1): destroy');
    await git(f.remote.human, ['pull', '--quiet', 'origin', 'main']);
    await git(f.remote.human, ['revert', '--no-edit', destroy]);
    // Dated by the service's clock, which this test has moved days ahead of the machine's.
    await git(f.remote.human, ['commit', '--quiet', '--amend', '--no-edit', `--date=${new Date(clock).toISOString()}`]);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    const revert = await git(f.remote.human, ['rev-parse', 'HEAD']);
    await round();
    assert.notEqual(await previewJson(1), null, 'the closed PR\'s restored environment is kept');
    assert.equal(await f.remote.remoteHead(), revert, 'nothing overrode it, nothing expired it');
    assert.equal(f.service.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 1 })?.state, 'rolled-back');
    const listed = (await (await fetch(`${f.service.url}/api/previews/demo/app/1`)).json()) as { state: string };
    assert.equal(listed.state, 'rolled-back', 'adopted: the API reports on it');
  });
});

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { OctokitForgeOptions } from '../../src/adapters/github/octokit-forge.ts';
import { costOf, pullSha, rejection, tokenForge } from '../helpers/forge-test-kit.ts';
import { createFakeGitHub, serverError, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_previewdLifecyclePulls0123456789abcdefAB';

describe('ForgeLifecycle.listOpenPullRequests on the Octokit forge: conditional pages against the fake GitHub', () => {
  let github: FakeGitHub;

  function forge(overrides: Partial<OctokitForgeOptions> = {}) {
    return tokenForge(github, TOKEN, overrides);
  }

  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('listOpenPullRequests: open ones only, newest first; unchanged → one 304 and no rate limit; a push → 200 and the new list', async () => {
    const repo = github.repo('acme/cond');
    for (let n = 1; n <= 5; n += 1) repo.setPull(n, { headSha: pullSha(n), state: n === 2 || n === 4 ? 'closed' : 'open' });
    const cond = { owner: 'acme', repo: 'cond' };
    const lifecycle = forge();
    const first = await costOf(github, () => lifecycle.listOpenPullRequests(cond));
    assert.deepEqual(first.result.pulls.map((p) => p.pr), [5, 3, 1]);
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.requests, ['GET pulls/list 200']);
    assert.equal(first.points, 1);
    assert.equal(github.requestsFor('pulls/list').at(-1)?.path, '/repos/acme/cond/pulls?state=open&per_page=100');

    const again = await costOf(github, () => lifecycle.listOpenPullRequests(cond));
    assert.deepEqual(again.requests, ['GET pulls/list 304']);
    assert.equal(again.points, 0);
    assert.deepEqual(again.result, { pulls: first.result.pulls, changed: false });
    assert.match(String(github.requestsFor('pulls/list').at(-1)?.headers['if-none-match']), /^W\/"[0-9a-f]{64}"$/);

    repo.setPull(3, { headSha: pullSha(3, 1) });
    const pushed = await costOf(github, () => lifecycle.listOpenPullRequests(cond));
    assert.deepEqual(pushed.requests, ['GET pulls/list 200']);
    assert.equal(pushed.points, 1);
    assert.equal(pushed.result.changed, true);
    assert.equal(pushed.result.pulls.find((p) => p.pr === 3)?.headSha, pullSha(3, 1));

    repo.setPull(5, { headSha: pullSha(5), state: 'closed' });
    assert.deepEqual((await lifecycle.listOpenPullRequests(cond)).pulls.map((p) => p.pr), [3, 1]);
    // Another forge remembers nothing: a plain 200.
    assert.deepEqual((await costOf(github, () => forge().listOpenPullRequests(cond))).requests, ['GET pulls/list 200']);
  });

  test('listOpenPullRequests: 120 open pull requests over two pages; a push to one on page 2 is seen though page 1 is a 304', async () => {
    const repo = github.repo('acme/big');
    for (let n = 1; n <= 120; n += 1) repo.setPull(n, { headSha: pullSha(n) });
    const big = { owner: 'acme', repo: 'big' };
    const lifecycle = forge();
    const first = await costOf(github, () => lifecycle.listOpenPullRequests(big));
    assert.equal(first.result.pulls.length, 120);
    assert.deepEqual(first.result.pulls.map((p) => p.pr), Array.from({ length: 120 }, (_, i) => 120 - i));
    assert.deepEqual(first.requests, ['GET pulls/list 200', 'GET pulls/list 200']);
    assert.equal(github.requestsFor('pulls/list').at(-1)?.path, '/repos/acme/big/pulls?state=open&per_page=100&page=2');

    const again = await costOf(github, () => lifecycle.listOpenPullRequests(big));
    assert.deepEqual(again.requests, ['GET pulls/list 304', 'GET pulls/list 304']);
    assert.equal(again.points, 0);
    assert.equal(again.result.changed, false);
    assert.equal(again.result.pulls.length, 120);

    repo.setPull(5, { headSha: pullSha(5, 1) });
    const pushed = await costOf(github, () => lifecycle.listOpenPullRequests(big));
    assert.deepEqual(pushed.requests, ['GET pulls/list 304', 'GET pulls/list 200']);
    assert.equal(pushed.points, 1);
    assert.equal(pushed.result.changed, true);
    assert.equal(pushed.result.pulls.find((p) => p.pr === 5)?.headSha, pullSha(5, 1));
  });

  test('listOpenPullRequests: a full page with nothing after it is followed by a look at the next, which catches an old pull request reopened', async () => {
    const repo = github.repo('acme/full');
    repo.setPull(1, { headSha: pullSha(1), state: 'closed' });
    for (let n = 2; n <= 101; n += 1) repo.setPull(n, { headSha: pullSha(n) });
    const full = { owner: 'acme', repo: 'full' };
    const lifecycle = forge();
    assert.deepEqual((await costOf(github, () => lifecycle.listOpenPullRequests(full))).requests, ['GET pulls/list 200']);
    const second = await costOf(github, () => lifecycle.listOpenPullRequests(full));
    assert.deepEqual(second.requests, ['GET pulls/list 304', 'GET pulls/list 200']);
    assert.equal(second.result.changed, false, 'an empty page 2 adds nothing');
    const third = await costOf(github, () => lifecycle.listOpenPullRequests(full));
    assert.deepEqual([third.requests, third.points], [['GET pulls/list 304', 'GET pulls/list 304'], 0]);
    // Reopened: #1 sorts last, so page 1 is the same and only page 2 tells.
    repo.setPull(1, { headSha: pullSha(1) });
    const reopened = await costOf(github, () => lifecycle.listOpenPullRequests(full));
    assert.deepEqual(reopened.requests, ['GET pulls/list 304', 'GET pulls/list 200']);
    assert.equal(reopened.result.changed, true);
    assert.equal(reopened.result.pulls.length, 101);
  });

  test('listOpenPullRequests: a failure on page 2 is a transient error, and the next round starts clean', async () => {
    const repo = github.repo('acme/flaky');
    for (let n = 1; n <= 150; n += 1) repo.setPull(n, { headSha: pullSha(n) });
    const flaky = { owner: 'acme', repo: 'flaky' };
    const lifecycle = forge({ retries: 0 });
    github.failNext('GET', /\/repos\/acme\/flaky\/pulls\?.*page=2/, serverError(502));
    const error = await rejection(lifecycle.listOpenPullRequests(flaky));
    assert.equal(error.transient, true);
    assert.match(error.message, /listing the open pull requests of acme\/flaky failed/);
    const next = await lifecycle.listOpenPullRequests(flaky);
    assert.deepEqual([next.pulls.length, next.changed], [150, true]);
  });

  test('listOpenPullRequests: a pull request previewd cannot read fails the list (not dropped: that would read as closed)', async () => {
    github.repo('acme/odd').setPull(1, { headSha: pullSha(1) });
    const raw = await fetch(`${github.url}/repos/acme/odd/pulls`, { headers: { authorization: `token ${TOKEN}`, 'user-agent': 't' } }).then((r) => r.json() as Promise<Array<Record<string, any>>>); // eslint-disable-line @typescript-eslint/no-explicit-any
    raw[0]!.head.sha = 'not-a-sha';
    github.failNext('GET', '/repos/{owner}/{repo}/pulls', { status: 200, body: raw });
    const error = await rejection(forge().listOpenPullRequests({ owner: 'acme', repo: 'odd' }));
    assert.equal(error.transient, false);
    assert.match(error.message, /cannot read \(pull\.head\.sha: "not-a-sha" is not a commit sha/);
  });
});

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { createOctokitForge, type OctokitForgeOptions } from '../../src/adapters/github/octokit-forge.ts';
import { costOf, pullSha, rejection, tokenForge } from '../helpers/forge-test-kit.ts';
import { createFakeGitHub, serverError, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_previewdLifecycleToken0123456789abcdefAB';
const silent = { warn: () => undefined };

describe('ForgeLifecycle on the Octokit forge, against the fake GitHub', () => {
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

  test('getPullRequest: open, draft and labelled; closed and merged; from a fork; with the caller’s installation', async () => {
    const repo = github.repo('acme/shop');
    repo.setPull(1, { headSha: pullSha(1), headRef: 'feature/login', draft: true, labels: ['preview', 'needs review'], user: 'alice', title: 'Log in with <passkeys> & "magic" links' });
    repo.setPull(2, { headSha: pullSha(2), state: 'closed', merged: true });
    repo.setPull(3, { headSha: pullSha(3), fork: 'mallory', user: 'mallory' });
    const shop = { owner: 'acme', repo: 'shop' };
    const lifecycle = forge();
    assert.deepEqual(await lifecycle.getPullRequest(shop, 1), {
      owner: 'acme', repo: 'shop', pr: 1, state: 'open', merged: false, draft: true, headSha: pullSha(1), headRef: 'feature/login',
      fork: false, author: 'alice', labels: ['preview', 'needs review'], repoUrl: 'https://github.com/acme/shop',
      title: 'Log in with <passkeys> & "magic" links',
    });
    assert.deepEqual(await lifecycle.getPullRequest(shop, 2).then((p) => [p?.state, p?.merged]), ['closed', true]);
    assert.deepEqual(await lifecycle.getPullRequest(shop, 3).then((p) => [p?.fork, p?.author]), [true, 'mallory']);
    assert.equal((await lifecycle.getPullRequest(shop, 1, { installationId: 9 }))?.installationId, 9);
  });

  test('getPullRequest: a missing pull request is null; a repository it cannot see is an error, never null', async () => {
    github.repo('acme/shop');
    const lifecycle = forge();
    const missing = await costOf(github, () => lifecycle.getPullRequest({ owner: 'acme', repo: 'shop' }, 999));
    assert.equal(missing.result, null);
    assert.deepEqual(missing.requests, ['GET pulls/get 404', 'GET repos/get 200']);
    const hidden = await rejection(lifecycle.getPullRequest({ owner: 'acme', repo: 'hidden' }, 1));
    assert.equal(hidden.status, 404);
    assert.equal(hidden.transient, false);
    assert.match(hidden.message, /reading pull request acme\/hidden#1 failed: GitHub answered 404/);
    // The repository check failing for a passing reason is that failure (retried later), not a verdict.
    github.failNext('GET', '/repos/{owner}/{repo}', serverError(502));
    const flaky = await rejection(forge({ retries: 0 }).getPullRequest({ owner: 'acme', repo: 'shop' }, 998));
    assert.deepEqual([flaky.status, flaky.transient], [502, true]);
  });

  test('listOwnerRepositories: an organization’s repositories, archived left out, conditional the same way', async () => {
    github.addOrg('orgco');
    github.repo('orgco/shop');
    github.repo('orgco/api', { private: false });
    github.repo('orgco/old', { archived: true });
    const lifecycle = forge();
    const first = await costOf(github, () => lifecycle.listOwnerRepositories('orgco'));
    assert.deepEqual(first.result.repos.map((r) => `${r.owner}/${r.repo}`).sort(), ['orgco/api', 'orgco/shop']);
    assert.deepEqual(first.requests, ['GET repos/list-for-org 200']);
    const again = await costOf(github, () => lifecycle.listOwnerRepositories('orgco'));
    assert.deepEqual([again.requests, again.points, again.result.changed], [['GET repos/list-for-org 304'], 0, false]);
    github.repo('orgco/new');
    const added = await lifecycle.listOwnerRepositories('orgco');
    assert.deepEqual([added.changed, added.repos.length], [true, 3]);
  });

  test('listOwnerRepositories: a user falls back from /orgs (once) to the user’s public repositories and the token’s own private ones', async () => {
    github.repo('solo/site', { private: false });
    github.repo('solo/secret');
    github.repo('solo/gone', { archived: true });
    const lifecycle = forge();
    const first = await costOf(github, () => lifecycle.listOwnerRepositories('solo'));
    assert.deepEqual(first.result.repos, [{ owner: 'solo', repo: 'site' }, { owner: 'solo', repo: 'secret' }]);
    assert.deepEqual(first.requests, ['GET repos/list-for-org 404', 'GET repos/list-for-user 200', 'GET repos/list-for-authenticated-user 200']);
    const again = await costOf(github, () => lifecycle.listOwnerRepositories('solo'));
    assert.deepEqual([again.requests, again.points, again.result.changed], [['GET repos/list-for-user 304', 'GET repos/list-for-authenticated-user 304'], 0, false]);
    github.repo('solo/private-new');
    const added = await lifecycle.listOwnerRepositories('solo');
    assert.deepEqual([added.changed, added.repos.map((r) => r.repo).sort()], [true, ['private-new', 'secret', 'site']]);
    const nobody = await rejection(lifecycle.listOwnerRepositories('nobody-at-all'));
    assert.deepEqual([nobody.status, nobody.transient], [404, false]);
  });

  test('addReaction: 👀 then 👍 on a comment, the same one twice is one; a deleted comment is a non-transient error', async () => {
    const repo = github.repo('acme/react').addComment(7, '/preview preserve 48h', 'alice');
    const commentId = repo.comments(7)[0]!.id;
    const react = { owner: 'acme', repo: 'react' };
    const lifecycle = forge();
    await lifecycle.addReaction(react, commentId, 'eyes');
    await lifecycle.addReaction(react, commentId, 'eyes');
    await lifecycle.addReaction(react, commentId, '+1');
    assert.deepEqual(repo.reactions(commentId).map((r) => [r.content, r.user]), [['eyes', 'previewd-user'], ['+1', 'previewd-user']]);
    assert.deepEqual(github.requestsFor('reactions/create-for-issue-comment').map((r) => r.status), [201, 200, 201]);
    repo.deleteComment(commentId);
    const error = await rejection(lifecycle.addReaction(react, commentId, 'confused'));
    assert.deepEqual([error.status, error.transient], [404, false]);
  });

  test('replyToPullRequest: a new comment each time; a body past GitHub’s 65536 characters is cut, not refused', async () => {
    const repo = github.repo('acme/reply');
    const lifecycle = forge();
    await lifecycle.replyToPullRequest({ owner: 'acme', repo: 'reply' }, 4, 'Preserved until 2026-01-03 00:00 UTC.');
    await lifecycle.replyToPullRequest({ owner: 'acme', repo: 'reply' }, 4, `${'x'.repeat(70_000)}`);
    const comments = repo.comments(4);
    assert.equal(comments.length, 2);
    assert.equal(comments[0]?.body, 'Preserved until 2026-01-03 00:00 UTC.');
    assert.ok(comments[1]!.body.length <= 65536 && comments[1]!.body.endsWith('…'));
    const refused = await rejection(lifecycle.replyToPullRequest({ owner: 'acme', repo: 'nowhere' }, 4, 'hi'));
    assert.deepEqual([refused.status, refused.transient], [404, false]);
  });
});

describe('ForgeLifecycle as a GitHub App', () => {
  const APP_ID = 5151;
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  let github: FakeGitHub;

  function appForge() {
    return createOctokitForge({ baseUrl: github.url, auth: { kind: 'app', appId: APP_ID, privateKey: keys.privateKey }, log: silent, retryBaseDelayMs: 5 });
  }

  before(async () => {
    github = await createFakeGitHub();
    github.addApp({ appId: APP_ID, key: keys.publicKey, installations: { 77: 'acme', 88: 'octo' } });
    github.addOrg('acme');
    github.repo('acme/shop');
    github.repo('acme/api');
    github.repo('acme/old', { archived: true });
    github.repo('other/x');
    github.repo('octo/blog').setInstallation(88);
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('listOwnerRepositories lists the installation’s repositories: looked up on the organization, then conditional', async () => {
    const forge = appForge();
    const first = await forge.listOwnerRepositories('acme');
    assert.deepEqual(first.repos.map((r) => r.repo).sort(), ['api', 'shop']);
    assert.equal(first.changed, true);
    assert.deepEqual(github.requestsFor('apps/get-org-installation').map((r) => r.status), [200]);
    const list = github.requestsFor('apps/list-repos-accessible-to-installation');
    assert.equal(list.at(-1)?.identity?.kind, 'installation');
    const points = github.rateLimitUsed();
    const again = await forge.listOwnerRepositories('acme');
    assert.deepEqual([again.changed, again.repos.length], [false, 2]);
    assert.equal(github.requestsFor('apps/list-repos-accessible-to-installation').at(-1)?.status, 304);
    assert.equal(github.rateLimitUsed(), points, 'a 304 costs no point; the installation lookup is remembered');
  });

  test('a user account’s installation is found after the organization lookup says 404; the webhook’s installation needs no lookup', async () => {
    const forge = appForge();
    assert.deepEqual((await forge.listOwnerRepositories('octo')).repos, [{ owner: 'octo', repo: 'blog' }]);
    assert.deepEqual(github.requestsFor('apps/get-user-installation').map((r) => r.status), [200]);
    const lookups = github.requestsFor('apps/get-org-installation').length + github.requestsFor('apps/get-user-installation').length;
    assert.deepEqual((await appForge().listOwnerRepositories('acme', { installationId: 77 })).repos.length, 2);
    assert.equal(github.requestsFor('apps/get-org-installation').length + github.requestsFor('apps/get-user-installation').length, lookups);
  });

  test('an account without the App is a non-transient error that says so', async () => {
    const error = await rejection(appForge().listOwnerRepositories('other'));
    assert.deepEqual([error.status, error.transient], [404, false]);
    assert.match(error.message, /not installed on this account/);
  });
});

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { TRANSIENT_DEPLOYMENTS } from '../../src/adapters/github/deployments.ts';
import { createOctokitForge, type OctokitForgeOptions } from '../../src/adapters/github/octokit-forge.ts';
import { ForgeError } from '../../src/ports/forge.ts';
import { createFakeGitHub, serverError, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_previewdReportsToken0123456789abcdefAB';
const shop = { owner: 'acme', repo: 'shop' };
const MARKER = '<!-- previewd:comment -->';
const SHA1 = '1111111111111111111111111111111111111111';
const SHA2 = '2222222222222222222222222222222222222222';
const silent = { warn: () => undefined };

function body(text: string): string {
  return `${MARKER}\n## Preview\n\n${text}\n`;
}

async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(() => assert.fail('expected a ForgeError'), (e: unknown) => e);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  return error;
}

describe('ForgeReports on the Octokit forge, against the fake GitHub', () => {
  let github: FakeGitHub;

  function forge(overrides: Partial<OctokitForgeOptions> = {}) {
    return createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token: TOKEN }, log: silent, retryBaseDelayMs: 5, throttle: { writeIntervalMs: 0 }, ...overrides });
  }

  /** The requests `fn` makes, as `METHOD operationId status`. */
  async function requestsOf(fn: () => Promise<unknown>): Promise<string[]> {
    const mark = github.requests.length;
    await fn();
    return github.requests.slice(mark).map((r) => `${r.method} ${r.operationId ?? r.path} ${r.status}`);
  }

  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
    github.repo('acme/shop');
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('upsertComment creates the comment once, then writes nothing while the text is the same, and edits it when it changes', async () => {
    const reports = forge();
    let id = 0;
    assert.deepEqual(await requestsOf(async () => ({ id } = await reports.upsertComment(shop, 1, MARKER, body('deploying')))), ['GET issues/list-comments 200', 'POST issues/create-comment 201']);
    assert.deepEqual(await requestsOf(async () => assert.deepEqual(await reports.upsertComment(shop, 1, MARKER, body('deploying')), { id, action: 'unchanged' })), ['GET issues/list-comments 200']);
    assert.deepEqual(await requestsOf(async () => assert.deepEqual(await reports.upsertComment(shop, 1, MARKER, body('ready')), { id, action: 'updated' })), ['GET issues/list-comments 200', 'PATCH issues/update-comment 200']);
    const comments = github.repo('acme/shop').comments(1);
    assert.deepEqual(comments.map((c) => [c.id, c.body]), [[id, body('ready')]]);
  });

  test('upsertComment with knownId is a single PATCH, no GET; searchFirst false is a single POST', async () => {
    const reports = forge();
    let created = { id: 0, action: '' };
    assert.deepEqual(await requestsOf(async () => (created = await reports.upsertComment(shop, 2, MARKER, body('committed'), { searchFirst: false }))), ['POST issues/create-comment 201']);
    assert.equal(created.action, 'created');
    const edit = await requestsOf(async () => assert.deepEqual(await reports.upsertComment(shop, 2, MARKER, body('ready'), { knownId: created.id }), { id: created.id, action: 'updated' }));
    assert.deepEqual(edit, ['PATCH issues/update-comment 200']);
    assert.equal(github.repo('acme/shop').comments(2)[0]?.body, body('ready'));
  });

  test('upsertComment finds the marker on page 3 of 250 comments, edits the oldest marked one, and leaves copies and quotes alone', async () => {
    const repo = github.repo('acme/shop');
    for (let i = 0; i < 250; i += 1) {
      const text = i === 10 ? `quoting ${MARKER} mid-sentence` : i === 220 ? body('old state') : i === 240 ? body('copied by a person') : `comment ${i}`;
      repo.addComment(3, text, i === 220 ? 'previewd-user' : 'octocat');
    }
    const ours = repo.comments(3)[220]!.id;
    let result = { id: 0, action: '' };
    const made = await requestsOf(async () => (result = await forge().upsertComment(shop, 3, MARKER, body('ready'))));
    assert.deepEqual(made, ['GET issues/list-comments 200', 'GET issues/list-comments 200', 'GET issues/list-comments 200', 'PATCH issues/update-comment 200']);
    assert.deepEqual(result, { id: ours, action: 'updated' });
    const pages = github.requestsFor('issues/list-comments').slice(-3).map((r) => r.path);
    assert.deepEqual(pages, ['/repos/acme/shop/issues/3/comments?per_page=100', '/repos/acme/shop/issues/3/comments?per_page=100&page=2', '/repos/acme/shop/issues/3/comments?per_page=100&page=3']);
    assert.equal(repo.comments(3)[240]?.body, body('copied by a person'));
    assert.equal(repo.comments(3)[10]?.body, `quoting ${MARKER} mid-sentence`);
    assert.equal(repo.comments(3).length, 250);
  });

  test('upsertComment makes the comment again when a person deleted it, with or without knownId', async () => {
    const repo = github.repo('acme/shop');
    const reports = forge();
    const first = await reports.upsertComment(shop, 4, MARKER, body('ready'), { searchFirst: false });
    repo.addComment(4, 'thanks!');
    repo.deleteComment(first.id);
    let again = { id: 0, action: '' };
    const calls = await requestsOf(async () => (again = await reports.upsertComment(shop, 4, MARKER, body('ready again'), { knownId: first.id })));
    assert.deepEqual(calls, ['PATCH issues/update-comment 404', 'GET issues/list-comments 200', 'POST issues/create-comment 201']);
    assert.equal(again.action, 'created');
    assert.notEqual(again.id, first.id);
    repo.deleteComment(again.id);
    assert.equal((await reports.upsertComment(shop, 4, MARKER, body('third'))).action, 'created');
    assert.deepEqual(repo.comments(4).map((c) => c.body), ['thanks!', body('third')]);
  });

  test('upsertComment refuses a body that does not start with its marker (it could never be found again)', async () => {
    const error = await rejection(forge().upsertComment(shop, 5, MARKER, 'no marker here'));
    assert.equal(error.transient, false);
    assert.match(error.message, /writing previewd's comment on acme\/shop#5 failed: the comment body does not start with its marker/);
    assert.deepEqual(github.repo('acme/shop').comments(5), []);
  });

  test('createDeployment sends the fields that make GitHub deploy a sha at once, even with a pending commit status', async () => {
    const reports = forge();
    await reports.setCommitStatus(shop, SHA1, { state: 'pending', context: 'previewd', description: 'Deploying' });
    const id = await reports.createDeployment(shop, { sha: SHA1, environment: 'preview/shop#6', description: 'Preview of #6' });
    const sent = github.requestsFor('repos/create-deployment').at(-1)?.body;
    assert.deepEqual(sent, {
      ref: SHA1, environment: 'preview/shop#6', description: 'Preview of #6', transient_environment: TRANSIENT_DEPLOYMENTS,
      production_environment: false, auto_merge: false, required_contexts: [],
    });
    const [deployment] = github.repo('acme/shop').deployments().filter((d) => d.id === id);
    assert.equal(deployment?.sha, SHA1);
    assert.equal(deployment?.environment, 'preview/shop#6');
    // Without required_contexts GitHub refuses while previewd's own status is pending.
    const octokit = await reports.octokitFor(shop);
    const mark = github.requestsFor('repos/create-deployment').length;
    const refused = await octokit.rest.repos.createDeployment({ owner: 'acme', repo: 'shop', ref: SHA1, environment: 'preview/shop#6' }).catch((e: unknown) => e);
    assert.equal((refused as { status?: number }).status, 409);
    assert.deepEqual(github.requestsFor('repos/create-deployment').slice(mark).map((r) => r.status), [409], 'a 409 is not retried');
  });

  test('deployment statuses: in_progress, success with environment_url, the next success retires the previous, failure and inactive', async () => {
    const reports = forge();
    const repo = github.repo('acme/shop');
    const env = 'preview/shop#7';
    const first = await reports.createDeployment(shop, { sha: SHA1, environment: env, description: 'Preview of #7' });
    await reports.setDeploymentStatus(shop, first, { state: 'in_progress', description: 'Syncing', logUrl: 'https://argocd.example.com/applications/shop-pr-7' });
    await reports.setDeploymentStatus(shop, first, { state: 'success', description: 'Ready', environmentUrl: 'https://shop-pr-7.preview.example.com' });
    assert.deepEqual(repo.deploymentStatuses(first).map((s) => [s.state, s.environmentUrl, s.logUrl]), [
      ['in_progress', '', 'https://argocd.example.com/applications/shop-pr-7'],
      ['success', 'https://shop-pr-7.preview.example.com', ''],
    ]);
    const second = await reports.createDeployment(shop, { sha: SHA2, environment: env, description: 'Preview of #7' });
    await reports.setDeploymentStatus(shop, second, { state: 'in_progress', description: 'Syncing' });
    assert.equal(repo.deploymentStatuses(first).at(-1)?.state, 'success', 'a starting deployment leaves the serving one active');
    const calls = await requestsOf(() => reports.setDeploymentStatus(shop, second, { state: 'success', description: 'Ready', environmentUrl: 'https://shop-pr-7.preview.example.com' }));
    assert.deepEqual(calls, ['POST repos/create-deployment-status 201'], 'the previous one turns inactive without a request of its own');
    assert.equal(repo.deploymentStatuses(first).at(-1)?.state, 'inactive');
    const third = await reports.createDeployment(shop, { sha: SHA1, environment: env, description: 'Preview of #7' });
    await reports.setDeploymentStatus(shop, third, { state: 'failure', description: 'Degraded: pod crash-looping' });
    assert.equal(repo.deploymentStatuses(second).at(-1)?.state, 'success', 'a failure does not retire the working deployment');
    await reports.setDeploymentStatus(shop, second, { state: 'inactive', description: 'Preview destroyed' });
    assert.equal(repo.deploymentStatuses(second).at(-1)?.state, 'inactive');
    const autoInactive = github.requestsFor('repos/create-deployment-status').slice(-6).map((r) => [(r.body as { state: string }).state, (r.body as { auto_inactive?: boolean }).auto_inactive]);
    assert.deepEqual(autoInactive, [['in_progress', false], ['success', true], ['in_progress', false], ['success', true], ['failure', false], ['inactive', false]]);
  });

  test('findDeployment names the newest Deployment of that sha in that environment, and null when there is none', async () => {
    const reports = forge();
    const env = 'preview/shop#11';
    assert.equal(await reports.findDeployment(shop, { sha: SHA1, environment: env }), null);
    const older = await reports.createDeployment(shop, { sha: SHA1, environment: env, description: 'Preview of #11' });
    await reports.createDeployment(shop, { sha: SHA2, environment: env, description: 'Preview of #11' });
    await reports.createDeployment(shop, { sha: SHA1, environment: 'preview/shop#12', description: 'Preview of #12' });
    assert.equal(await reports.findDeployment(shop, { sha: SHA1, environment: env }), older, 'the other sha and the other PR are not it');
    const newer = await reports.createDeployment(shop, { sha: SHA1, environment: env, description: 'Preview of #11' });
    const calls = await requestsOf(() => reports.findDeployment(shop, { sha: SHA1, environment: env }));
    assert.deepEqual(calls, ['GET repos/list-deployments 200'], 'one GET');
    assert.equal(await reports.findDeployment(shop, { sha: SHA1, environment: env }), newer);
  });

  test('a commit status (and a deployment status) with a 200-character description is cut to 140, ending in an ellipsis', async () => {
    const reports = forge();
    const long = `Failed: ${'x'.repeat(192)}`;
    await reports.setCommitStatus(shop, SHA2, { state: 'failure', context: 'previewd', description: long, targetUrl: 'https://github.com/acme/shop/pull/8#issuecomment-1' });
    const [status] = github.repo('acme/shop').commitStatuses(SHA2);
    assert.equal(Array.from(status?.description ?? '').length, 140);
    assert.ok(status?.description?.endsWith('x…'));
    assert.deepEqual([status?.state, status?.context, status?.targetUrl], ['failure', 'previewd', 'https://github.com/acme/shop/pull/8#issuecomment-1']);
    const id = await reports.createDeployment(shop, { sha: SHA2, environment: 'preview/shop#8', description: 'Preview of #8' });
    await reports.setDeploymentStatus(shop, id, { state: 'failure', description: `${'é'.repeat(139)}🚀🚀` });
    assert.equal(Array.from(github.repo('acme/shop').deploymentStatuses(id)[0]?.description ?? '').length, 140);
  });

  test('a 422 is a non-transient ForgeError that says what GitHub refused, without the token', async () => {
    const reports = forge();
    const unknownRef = await rejection(reports.createDeployment(shop, { sha: 'no-such-branch', environment: 'preview/shop#9', description: 'x' }));
    assert.equal(unknownRef.transient, false);
    assert.equal(unknownRef.status, 422);
    assert.match(unknownRef.message, /^creating a Deployment of no-such to preview\/shop#9 on acme\/shop failed: GitHub answered 422 \(No ref found for: no-such-branch\)\.$/);
    github.failNext('POST', '/repos/{owner}/{repo}/statuses/{sha}', {
      status: 422,
      body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest', status: '422', errors: [{ resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' }] },
    });
    const invalid = await rejection(reports.setCommitStatus(shop, SHA1, { state: 'success', context: 'previewd', description: 'Ready' }));
    assert.equal(invalid.transient, false);
    assert.match(invalid.message, /setting the previewd status of acme\/shop@1111111 to success failed: GitHub answered 422 \(Validation Failed: state is not included in the list\)/);
    for (const error of [unknownRef, invalid]) assert.ok(!error.message.includes(TOKEN));
  });

  test('a 403 names the write access the report needs', async () => {
    github.failNext('POST', '/repos/{owner}/{repo}/deployments', { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' } });
    const error = await rejection(forge().createDeployment(shop, { sha: SHA1, environment: 'preview/shop#10', description: 'x' }));
    assert.equal(error.transient, false);
    assert.match(error.message, /Resource not accessible by integration.*write access to Deployments/);
  });

  test('a 502 is retried, for statuses and comment edits alike', async () => {
    const reports = forge();
    github.failNext('POST', '/repos/{owner}/{repo}/statuses/{sha}', serverError(502));
    assert.deepEqual(await requestsOf(() => reports.setCommitStatus(shop, SHA1, { state: 'success', context: 'previewd', description: 'Ready' })), [
      'POST repos/create-commit-status 502',
      'POST repos/create-commit-status 201',
    ]);
    const { id } = await reports.upsertComment(shop, 11, MARKER, body('one'), { searchFirst: false });
    github.failNext('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', serverError(502, 2));
    assert.deepEqual(await reports.upsertComment(shop, 11, MARKER, body('two'), { knownId: id }), { id, action: 'updated' });
    assert.deepEqual(github.requestsFor('issues/update-comment').slice(-3).map((r) => r.status), [502, 502, 200]);
  });

  test('a 202 "merged instead of deploying" answer is a transient ForgeError', async () => {
    github.failNext('POST', '/repos/{owner}/{repo}/deployments', { status: 202, body: { message: 'Auto-merged main into topic-branch on deployment.' } });
    const error = await rejection(forge().createDeployment(shop, { sha: SHA1, environment: 'preview/shop#12', description: 'x' }));
    assert.equal(error.transient, true);
    assert.equal(error.status, 202);
    assert.match(error.message, /GitHub answered 202 \(Auto-merged main into topic-branch on deployment\.\) without creating it/);
  });

  test('writes are paced a second apart by default (GitHub\'s advice), and not at all with writeIntervalMs 0', async () => {
    const fast = forge();
    const start = Date.now();
    for (let i = 0; i < 5; i += 1) await fast.setCommitStatus(shop, SHA1, { state: 'pending', context: `fast-${i}`, description: 'x' });
    assert.ok(Date.now() - start < 900, `five writes took ${Date.now() - start} ms`);
    const paced = forge({ throttle: {} });
    await paced.setCommitStatus(shop, SHA2, { state: 'pending', context: 'paced-1', description: 'x' });
    await paced.setCommitStatus(shop, SHA2, { state: 'pending', context: 'paced-2', description: 'x' });
    const [a, b] = github.requestsFor('repos/create-commit-status').slice(-2);
    assert.ok((b?.at ?? 0) - (a?.at ?? 0) >= 900, 'the second write waited for the first');
  });
});

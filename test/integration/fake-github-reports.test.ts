import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { createFakeGitHub, lostAnswer, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_fakeReportsTestToken0123456789abcdefA';
const SHA = 'abcdefabcdefabcdefabcdefabcdefabcdefabcd';
const o = { owner: 'acme', repo: 'shop' };

async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  return promise.then((r) => (r as { status: number }).status, (e: unknown) => (e as { status?: number }).status);
}

describe('fake GitHub: comments, reactions and deployments as GitHub serves them', () => {
  let github: FakeGitHub;
  let octokit: Octokit;

  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
    github.repo('acme/shop');
    octokit = new Octokit({ baseUrl: github.url, auth: TOKEN, log: { debug() {}, info() {}, warn() {}, error() {} } });
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('comment pages carry GitHub\'s Link header; a deleted comment is 404 to PATCH; a body over 65536 characters is refused', async () => {
    const repo = github.repo('acme/shop');
    for (let i = 0; i < 250; i += 1) repo.addComment(20, `comment ${i}`);
    const middle = await octokit.rest.issues.listComments({ ...o, issue_number: 20, per_page: 100, page: 2 });
    const link = (page: number, rel: string) => `<${github.url}/repos/acme/shop/issues/20/comments?per_page=100&page=${page}>; rel="${rel}"`;
    assert.equal(middle.headers.link, [link(1, 'prev'), link(3, 'next'), link(3, 'last'), link(1, 'first')].join(', '));
    const all = await octokit.paginate(octokit.rest.issues.listComments, { ...o, issue_number: 20, per_page: 100 });
    assert.deepEqual([all.length, all[0]?.body, all[249]?.body], [250, 'comment 0', 'comment 249']);
    const id = all[5]!.id;
    assert.equal(await statusOf(octokit.rest.issues.deleteComment({ ...o, comment_id: id })), 204);
    assert.equal(await statusOf(octokit.rest.issues.updateComment({ ...o, comment_id: id, body: 'edit' })), 404);
    const tooLong = await octokit.rest.issues.createComment({ ...o, issue_number: 20, body: 'x'.repeat(65537) }).catch((e: unknown) => e as { status: number; response: { data: unknown } });
    assert.equal(tooLong.status, 422);
    assert.deepEqual((tooLong.response.data as { errors: unknown }).errors, [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]);
  });

  test('a lost answer: the comment is made as GitHub would make it, and the client never hears back', async () => {
    github.failNext('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', lostAnswer());
    const url = `${github.url}/repos/acme/shop/issues/21/comments`;
    const headers = { authorization: `token ${TOKEN}`, 'user-agent': 'previewd-test', 'content-type': 'application/json', accept: 'application/vnd.github+json' };
    await assert.rejects(fetch(url, { method: 'POST', headers, body: JSON.stringify({ body: 'once' }), signal: AbortSignal.timeout(1000) }), { name: 'TimeoutError' });
    assert.deepEqual(github.repo('acme/shop').comments(21).map((c) => c.body), ['once'], 'GitHub made the comment');
    assert.deepEqual(github.lost.map((r) => [r.method, r.path, r.status]), [['POST', '/repos/acme/shop/issues/21/comments', 201]]);
    // The fault was used up: the next create is answered.
    const second = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ body: 'twice' }) });
    assert.equal(second.status, 201);
  });

  test('reactions on a comment: 201 once, 200 for the same again, counted on the comment, listed by content', async () => {
    const repo = github.repo('acme/shop').addComment(21, '/preview redeploy', 'maya');
    const comment = repo.comments(21)[0]!;
    const first = await octokit.rest.reactions.createForIssueComment({ ...o, comment_id: comment.id, content: 'eyes' });
    assert.equal(first.status, 201);
    const again = await octokit.rest.reactions.createForIssueComment({ ...o, comment_id: comment.id, content: 'eyes' });
    assert.deepEqual([again.status, again.data.id], [200, first.data.id]);
    await octokit.rest.reactions.createForIssueComment({ ...o, comment_id: comment.id, content: 'rocket' });
    assert.deepEqual(repo.reactions(comment.id).map((r) => r.content), ['eyes', 'rocket']);
    const [listed] = await octokit.paginate(octokit.rest.issues.listComments, { ...o, issue_number: 21 });
    assert.deepEqual([listed?.reactions?.total_count, listed?.reactions?.eyes, listed?.reactions?.rocket], [2, 1, 1]);
    const rockets = await octokit.rest.reactions.listForIssueComment({ ...o, comment_id: comment.id, content: 'rocket' });
    assert.deepEqual(rockets.data.map((r) => r.content), ['rocket']);
    assert.equal(await statusOf(octokit.rest.reactions.createForIssueComment({ ...o, comment_id: 999_999, content: 'eyes' })), 404);
  });

  test('a deployment needs every commit status context to be success, unless required_contexts says otherwise', async () => {
    await octokit.rest.repos.createCommitStatus({ ...o, sha: SHA, state: 'failure', context: 'ci' });
    assert.equal(await statusOf(octokit.rest.repos.createDeployment({ ...o, ref: SHA, environment: 'qa' })), 409);
    assert.equal(await statusOf(octokit.rest.repos.createDeployment({ ...o, ref: SHA, environment: 'qa', required_contexts: ['security'] })), 409);
    assert.equal(await statusOf(octokit.rest.repos.createDeployment({ ...o, ref: SHA, environment: 'qa', required_contexts: [] })), 201);
    assert.equal(await statusOf(octokit.rest.repos.createDeployment({ ...o, ref: 'no-such-branch', required_contexts: [] })), 422);
    const [made] = github.repo('acme/shop').deployments().slice(-1);
    assert.deepEqual([made?.environment, made?.production, made?.transient, made?.task], ['qa', false, false, 'deploy']);
  });

  test('auto_inactive retires only earlier successful, non-transient, non-production deployments of the same environment', async () => {
    const repo = github.repo('acme/shop');
    async function deploy(environment: string, state: 'success' | 'in_progress' | null, extra: { transient_environment?: boolean; production_environment?: boolean } = {}) {
      const { data } = await octokit.rest.repos.createDeployment({ ...o, ref: SHA, environment, required_contexts: [], auto_merge: false, ...extra });
      const id = (data as { id: number }).id;
      if (state) await octokit.rest.repos.createDeploymentStatus({ ...o, deployment_id: id, state });
      return id;
    }
    const retired = await deploy('preview/shop#22', 'success');
    const starting = await deploy('preview/shop#22', 'in_progress');
    const transient = await deploy('preview/shop#22', 'success', { transient_environment: true });
    const production = await deploy('preview/shop#22', 'success', { production_environment: true });
    const elsewhere = await deploy('preview/shop#23', 'success');
    const latest = await deploy('preview/shop#22', null);
    await octokit.rest.repos.createDeploymentStatus({ ...o, deployment_id: latest, state: 'success', environment_url: 'https://pr-22.example.com' });
    const last = (id: number) => repo.deploymentStatuses(id).at(-1)?.state;
    assert.deepEqual([retired, starting, transient, production, elsewhere, latest].map(last), ['inactive', 'in_progress', 'success', 'success', 'success', 'success']);
    const kept = await deploy('preview/shop#23', null);
    await octokit.rest.repos.createDeploymentStatus({ ...o, deployment_id: kept, state: 'success', auto_inactive: false });
    assert.equal(last(elsewhere), 'success', 'auto_inactive: false leaves the earlier one active');
    const statuses = await octokit.rest.repos.listDeploymentStatuses({ ...o, deployment_id: retired });
    assert.deepEqual(statuses.data.map((s) => s.state), ['inactive', 'success'], 'newest first');
    const listed = await octokit.rest.repos.listDeployments({ ...o, environment: 'preview/shop#23' });
    assert.deepEqual(listed.data.map((d) => d.id), [kept, elsewhere], 'newest first, one environment');
  });

  test('deployment statuses: 404 for an unknown deployment, 422 for a description over 140 characters', async () => {
    assert.equal(await statusOf(octokit.rest.repos.createDeploymentStatus({ ...o, deployment_id: 424242, state: 'success' })), 404);
    const { data } = await octokit.rest.repos.createDeployment({ ...o, ref: SHA, environment: 'qa', required_contexts: [] });
    const id = (data as { id: number }).id;
    const refused = await octokit.rest.repos.createDeploymentStatus({ ...o, deployment_id: id, state: 'failure', description: 'x'.repeat(141) }).catch((e: unknown) => e as { status: number; response: { data: unknown } });
    assert.equal(refused.status, 422);
    assert.match(JSON.stringify(refused.response.data), /DeploymentStatus.*description is too long \(maximum is 140 characters\)/);
  });
});

import assert from 'node:assert/strict';
import { createHash, createSign, generateKeyPairSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, afterEach, before, describe, test } from 'node:test';
import { Octokit } from '@octokit/rest';
import { createFakeGitHub, loadGitHubSpec, serverError, type FakeGitHub, type Violation } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_fakeGitHubTestToken0123456789abcdefAB';

function appJwt(appId: number, privateKey: string, iat = Math.floor(Date.now() / 1000) - 30, exp = iat + 600): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iat, exp, iss: appId })}`;
  return `${signed}.${createSign('RSA-SHA256').update(signed).sign(privateKey).toString('base64url')}`;
}

describe('fake GitHub: refuses what GitHub refuses, and records it', () => {
  let fake: FakeGitHub;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'user-agent': 'previewd-test', authorization: `token ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
  }

  function lastViolation(): Violation | undefined {
    return fake.violations.at(-1);
  }

  before(async () => {
    fake = await createFakeGitHub({ spec: loadGitHubSpec() });
    fake.addToken(TOKEN);
    fake.repo('acme/shop').setFile('main', 'docs/a b.md', 'hello\n').setPullFiles(1, ['x']);
  });
  // Each test states which violations it expects; none may leak into the next.
  afterEach(() => void fake.violations.splice(0));
  after(() => fake.close());

  test('a request GitHub accepts is answered in GitHub\'s shape, with no violation', async () => {
    const answer = await call('GET', '/repos/acme/shop/contents/docs%2Fa%20b.md?ref=main');
    assert.equal(answer.status, 200);
    const file = answer.body as Record<string, unknown>;
    const blob = createHash('sha1').update('blob 6\0hello\n').digest('hex');
    assert.deepEqual(
      { type: file.type, encoding: file.encoding, content: file.content, sha: file.sha, size: file.size, name: file.name, path: file.path },
      { type: 'file', encoding: 'base64', content: 'aGVsbG8K\n', sha: blob, size: 6, name: 'a b.md', path: 'docs/a b.md' },
    );
    // The multi-segment {path} also matches with literal slashes.
    assert.equal((await call('GET', '/repos/acme/shop/contents/docs/a%20b.md')).status, 200);
    fake.assertNoViolations();
  });

  test('a wrong method is 404 and a violation', async () => {
    const answer = await call('DELETE', '/repos/acme/shop/pulls/1/files');
    assert.equal(answer.status, 404);
    assert.equal(lastViolation()?.kind, 'method');
    assert.match(lastViolation()?.problems[0] ?? '', /takes GET, not DELETE/);
    assert.throws(() => fake.assertNoViolations(), /DELETE \/repos\/acme\/shop\/pulls\/1\/files → 404 \[method\]/);
  });

  test('an unknown path is 404 and a violation', async () => {
    assert.equal((await call('GET', '/repos/acme/shop/previews')).status, 404);
    assert.equal(lastViolation()?.kind, 'route');
  });

  test('a body missing a required field is 422 and a violation', async () => {
    const answer = await call('POST', '/repos/acme/shop/issues/1/comments', { text: 'hi' });
    assert.equal(answer.status, 422);
    assert.match((answer.body as { message: string }).message, /"body" wasn't supplied/);
    assert.equal(lastViolation()?.kind, 'body');
    assert.equal((await call('POST', '/repos/acme/shop/statuses/abc', { state: 'fine' })).status, 422);
    assert.match(lastViolation()?.problems.join() ?? '', /state.*allowed values/);
  });

  test('a bad enum, a wrong type or an unknown parameter in the query is 422 and a violation', async () => {
    assert.equal((await call('GET', '/repos/acme/shop/pulls?state=merged')).status, 422);
    assert.match(lastViolation()?.problems[0] ?? '', /query\/state: must be equal to one of the allowed values \(\["open","closed","all"\]\)/);
    assert.equal((await call('GET', '/repos/acme/shop/pulls/1/files?per_page=many')).status, 422);
    assert.match(lastViolation()?.problems[0] ?? '', /per_page: must be integer/);
    assert.equal((await call('GET', '/repos/acme/shop/pulls/1/files?perpage=5')).status, 422);
    assert.match(lastViolation()?.problems[0] ?? '', /"perpage" is not a parameter/);
    assert.equal(fake.violations.length, 3);
  });

  test('a path parameter of the wrong type, bad JSON, or no User-Agent are refused and recorded', async () => {
    assert.equal((await call('GET', '/repos/acme/shop/pulls/one/files')).status, 404);
    assert.equal(lastViolation()?.kind, 'params');
    assert.equal((await call('PATCH', '/repos/acme/shop/issues/comments/1', '{"body": ')).status, 400);
    assert.equal(lastViolation()?.kind, 'json');
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${fake.url}/repos/acme/shop/pulls/1/files`, { headers: { authorization: `token ${TOKEN}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
    assert.equal(lastViolation()?.kind, 'header');
  });

  test('missing or unknown credentials are 401, as GitHub answers, but not violations', async () => {
    const anonymous = await call('GET', '/repos/acme/shop/pulls/1/files', undefined, { authorization: '' });
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body as { message: string }).message, 'Requires authentication');
    assert.equal((await call('GET', '/repos/acme/shop/pulls/1/files', undefined, { authorization: 'token nope' })).status, 401);
    fake.assertNoViolations();
  });

  test('scripted faults answer the next matching requests, then the real answer returns', async () => {
    fake.failNext('GET', /\/pulls\/1\/files$/, serverError(502, 2));
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call('GET', '/repos/acme/shop/pulls/1/files')).status);
    assert.deepEqual(statuses, [502, 502, 200]);
    fake.assertNoViolations();
  });

  test('lists are paged with per_page and a Link header of absolute URLs', async () => {
    const repo = fake.repo('acme/shop');
    for (let i = 0; i < 120; i += 1) repo.state.comments.push({ id: 5000 + i, issueNumber: 4, body: `c${i}`, user: 'octocat', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
    const first = await call('GET', '/repos/acme/shop/issues/4/comments?per_page=50');
    assert.equal((first.body as unknown[]).length, 50);
    assert.match(first.headers.get('link') ?? '', new RegExp(`^<${fake.url}/repos/acme/shop/issues/4/comments\\?per_page=50&page=2>; rel="next", <[^>]+page=3>; rel="last"$`));
    const last = await call('GET', '/repos/acme/shop/issues/4/comments?per_page=50&page=3');
    assert.equal((last.body as unknown[]).length, 20);
    assert.match(last.headers.get('link') ?? '', /rel="prev".*rel="first"/);
    assert.doesNotMatch(last.headers.get('link') ?? '', /rel="next"/);
    fake.assertNoViolations();
  });

  test('App routes take only a valid JWT; installation tokens see only their repositories', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    fake.addApp({ appId: 7, key: keys.privateKey, installations: { 70: 'acme', 71: 'other' } });
    fake.repo('acme/shop').setInstallation(70);
    const tooLong = appJwt(7, keys.privateKey, Math.floor(Date.now() / 1000), Math.floor(Date.now() / 1000) + 3600);
    const refused = await call('POST', '/app/installations/70/access_tokens', undefined, { authorization: `bearer ${tooLong}` });
    assert.equal(refused.status, 401);
    assert.match((refused.body as { message: string }).message, /too far in the future/);
    const other = await call('POST', '/app/installations/71/access_tokens', {}, { authorization: `bearer ${appJwt(7, keys.privateKey)}` });
    assert.equal(other.status, 201);
    const token = (other.body as { token: string }).token;
    assert.equal((await call('GET', '/repos/acme/shop/pulls/1/files', undefined, { authorization: `token ${token}` })).status, 404);
    fake.assertNoViolations();
  });

  test('comments (create, update, list) and commit statuses work through Octokit, on-spec', async () => {
    const octokit = new Octokit({ baseUrl: fake.url, auth: TOKEN });
    const created = await octokit.rest.issues.createComment({ owner: 'acme', repo: 'shop', issue_number: 9, body: '<!-- previewd -->\nqueued' });
    await octokit.rest.issues.updateComment({ owner: 'acme', repo: 'shop', comment_id: created.data.id, body: '<!-- previewd -->\nready' });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, { owner: 'acme', repo: 'shop', issue_number: 9, per_page: 100 });
    assert.deepEqual(listed.map((c) => c.body), ['<!-- previewd -->\nready']);
    await octokit.rest.repos.createCommitStatus({ owner: 'acme', repo: 'shop', sha: 'a'.repeat(40), state: 'pending', context: 'previewd', target_url: 'https://pv-shop-9.preview.example.com' });
    const statuses = await octokit.rest.repos.listCommitStatusesForRef({ owner: 'acme', repo: 'shop', ref: 'a'.repeat(40) });
    assert.deepEqual(statuses.data.map((s) => [s.state, s.context]), [['pending', 'previewd']]);
    fake.assertNoViolations();
  });
});

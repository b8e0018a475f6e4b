import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN_A = 'ghp_fakeLifecycleTokenA0123456789abcdefABCD';
const TOKEN_B = 'ghp_fakeLifecycleTokenB0123456789abcdefABCD';

function sha(n: number): string {
  return n.toString(16).padStart(40, 'c');
}

describe('the fake GitHub: pull requests, account lists, conditional requests and the rate limit', () => {
  let github: FakeGitHub;
  let clock = new Date('2026-03-01T10:00:00Z');

  async function get(path: string, token: string | null = TOKEN_A, headers: Record<string, string> = {}) {
    const response = await fetch(`${github.url}${path}`, { headers: { 'user-agent': 'fake-test', ...(token ? { authorization: `token ${token}` } : {}), ...headers } });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  before(async () => {
    github = await createFakeGitHub({ now: () => clock });
    github.addToken(TOKEN_A);
    github.addToken(TOKEN_B);
    const repo = github.repo('acme/shop', { defaultBranch: 'trunk' });
    repo.setPull(1, { headSha: sha(1), state: 'closed' });
    repo.setPull(2, { headSha: sha(2), baseRef: 'release' });
    repo.setPull(3, { headSha: sha(3), labels: ['preview'], draft: true });
    repo.setPull(4, { headSha: sha(4), fork: true, user: 'forker' });
    repo.setPull(5, { headSha: sha(5), state: 'closed', merged: true });
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('pulls/list filters by state and base, sorts as GitHub does, pages with Link; every answer matches the schema', async () => {
    const numbers = async (query: string) => ((await get(`/repos/acme/shop/pulls${query}`)).json as Array<{ number: number }>).map((p) => p.number);
    assert.deepEqual(await numbers(''), [4, 3, 2]);
    assert.deepEqual(await numbers('?state=closed'), [5, 1]);
    assert.deepEqual(await numbers('?state=all&direction=asc'), [1, 2, 3, 4, 5]);
    assert.deepEqual(await numbers('?base=release'), [2]);
    assert.deepEqual(await numbers('?head=forker:feature-4'), [4]);
    github.repo('acme/shop').setPull(2, { headSha: sha(22), baseRef: 'release' });
    assert.deepEqual(await numbers('?sort=updated&direction=desc'), [2, 4, 3]);
    const paged = await get('/repos/acme/shop/pulls?per_page=2');
    assert.match(paged.headers.get('link') ?? '', /<[^>]+per_page=2&page=2>; rel="next", <[^>]+page=2>; rel="last"/);
    const one = (await get('/repos/acme/shop/pulls/4')).json as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.deepEqual([one.head.repo.full_name, one.head.repo.fork, one.base.repo.full_name, one.base.ref, one.merged], ['forker/shop', true, 'acme/shop', 'trunk', false]);
    assert.equal(((await get('/repos/acme/shop/pulls/5')).json as { merged: boolean }).merged, true);
    assert.equal((await get('/repos/acme/shop/pulls/9')).status, 404);
  });

  test('every GET 200 has a weak ETag; If-None-Match answers 304 with no body and no Link; * and lists match too', async () => {
    const first = await get('/repos/acme/shop/pulls?per_page=1');
    const etag = first.headers.get('etag') ?? '';
    assert.match(etag, /^W\/"[0-9a-f]{64}"$/);
    const again = await get('/repos/acme/shop/pulls?per_page=1', TOKEN_A, { 'if-none-match': etag });
    assert.deepEqual([again.status, again.text, again.headers.get('etag'), again.headers.get('link')], [304, '', etag, null]);
    assert.equal((await get('/repos/acme/shop/pulls?per_page=1', TOKEN_A, { 'if-none-match': `"x", ${etag.slice(2)}` })).status, 304, 'strong form of the same tag, in a list');
    assert.equal((await get('/repos/acme/shop/pulls?per_page=1', TOKEN_A, { 'if-none-match': '*' })).status, 304);
    assert.equal((await get('/repos/acme/shop/pulls?per_page=1&page=2', TOKEN_A, { 'if-none-match': etag })).status, 200, 'another page has another tag');
  });

  test('ETags belong to the token: another token’s tag gets a 200, as on GitHub', async () => {
    const etag = (await get('/repos/acme/shop/pulls')).headers.get('etag') ?? '';
    const other = await get('/repos/acme/shop/pulls', TOKEN_B, { 'if-none-match': etag });
    assert.equal(other.status, 200);
    assert.notEqual(other.headers.get('etag'), etag);
  });

  test('x-ratelimit-* on every answer: a point per authenticated request, none for a 304 or a refused token; a new window after an hour', async () => {
    const spent = github.rateLimitUsed();
    const a = await get('/repos/acme/shop/pulls/2', TOKEN_B);
    const used = Number(a.headers.get('x-ratelimit-used'));
    assert.deepEqual([a.headers.get('x-ratelimit-limit'), a.headers.get('x-ratelimit-resource')], ['5000', 'core']);
    assert.equal(Number(a.headers.get('x-ratelimit-remaining')), 5000 - used);
    const b = await get('/repos/acme/shop/pulls/2', TOKEN_B, { 'if-none-match': a.headers.get('etag') ?? '' });
    assert.deepEqual([b.status, Number(b.headers.get('x-ratelimit-used'))], [304, used]);
    const c = await get('/repos/acme/shop/pulls/2', TOKEN_B);
    assert.equal(Number(c.headers.get('x-ratelimit-used')), used + 1);
    assert.equal((await get('/repos/acme/shop/pulls/2', 'ghp_wrong')).status, 401);
    assert.equal(github.rateLimitUsed() - spent, 2);
    const reset = Number(c.headers.get('x-ratelimit-reset'));
    // The window opened at this token's first request, an hour before it resets (the clock stood still).
    assert.equal(reset, Math.floor(clock.getTime() / 1000) + 3600);
    clock = new Date(reset * 1000 + 1000);
    const d = await get('/repos/acme/shop/pulls/2', TOKEN_B);
    assert.deepEqual([d.headers.get('x-ratelimit-used'), d.headers.get('x-ratelimit-remaining')], ['1', '4999']);
    assert.ok(Number(d.headers.get('x-ratelimit-reset')) > reset);
  });

  test('account lists: an organization’s (all types), a user’s (public only), 404 for a stranger; an installation list needs an installation token', async () => {
    github.addOrg('orgx');
    github.repo('orgx/one');
    github.repo('orgx/two', { private: false, archived: true });
    github.repo('someone/pub', { private: false });
    github.repo('someone/priv');
    const names = (body: unknown) => (body as Array<{ full_name: string; archived: boolean }>).map((r) => `${r.full_name}${r.archived ? ' (archived)' : ''}`);
    assert.deepEqual(names((await get('/orgs/orgx/repos')).json), ['orgx/two (archived)', 'orgx/one']);
    assert.deepEqual(names((await get('/orgs/orgx/repos?type=private')).json), ['orgx/one']);
    assert.equal((await get('/orgs/someone/repos')).status, 404);
    assert.deepEqual(names((await get('/users/someone/repos')).json), ['someone/pub']);
    assert.equal((await get('/users/no-such-user/repos')).status, 404);
    assert.equal((await get('/installation/repositories')).status, 403);
    assert.ok(names((await get('/user/repos')).json).includes('someone/priv'), 'a token’s own list has private repositories');
  });

  test('a pull request set without files lists none (an unknown one is a 404)', async () => {
    assert.deepEqual((await get('/repos/acme/shop/pulls/3/files')).json, []);
    assert.equal((await get('/repos/acme/shop/pulls/99/files')).status, 404);
  });
});

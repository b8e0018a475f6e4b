import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { SECRET } from '../helpers/service-fixture.ts';
import { githubHeaders, issueCommentPayload, pullRequestPayload, type Json } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'e');
const ADMIN_TOKEN = 'Adm1n-token-for-the-security-test-9f8e7d';
const ALLOWED_REPOS = 'demo/app, demo/ok-*';

/** Tries to get around previewd's rules through the real service; every attempt must change nothing. */
describe('security: attempts to get around the rules', () => {
  let f: FeedbackFixture;
  let counter = 0;
  before(async () => {
    f = await startFeedbackFixture({ env: { ADMIN_TOKEN, ALLOWED_REPOS } });
  });
  after(() => f.close());

  const head = () => f.remote.remoteHead();
  const settle = () => f.service.reconciler.idle();
  async function post(body: string, headers: Record<string, string>): Promise<Response> {
    return fetch(`${f.service.url}/webhooks/github`, { method: 'POST', headers, body });
  }
  async function deliver(event: string, payload: Json): Promise<void> {
    assert.equal((await f.deliver(event, payload)).status, 202);
    await settle();
  }
  async function comment(repo: string, pr: number, body: string, author: string, association: string, action = 'created'): Promise<number> {
    const id = f.github.repo(`demo/${repo}`).addComment(pr, body, author).comments(pr).at(-1)?.id ?? 0;
    const payload = issueCommentPayload({ owner: 'demo', repo, pr, body, author, association, commentId: id });
    payload.action = action;
    await deliver('issue_comment', payload);
    return id;
  }
  async function open(repo: string, pr: number, n: number, extra: Record<string, unknown> = {}): Promise<void> {
    f.github.repo(`demo/${repo}`).setPull(pr, { state: 'open', headSha: sha(n), headRef: `f-${pr}`, user: 'alice' });
    await deliver('pull_request', pullRequestPayload({ owner: 'demo', repo, pr, sha: sha(n), author: 'alice', ...extra }));
  }

  describe('webhook signatures', () => {
    const body = JSON.stringify(pullRequestPayload({ owner: 'demo', repo: 'app', pr: 90, sha: sha(90) }));
    const signed = async (secret: string, over = body): Promise<Record<string, string>> => githubHeaders(secret, over, 'pull_request', `sig-${++counter}`);

    test('wrong secret, a signature of another body, sha1= instead of sha256=, the legacy header alone: 401, nothing queued', async () => {
      const start = await head();
      const sha1 = `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`;
      const sha256AsSha1 = `sha1=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const attempts: Array<[string, Record<string, string>, string]> = [
        ['wrong secret', await signed('not-the-secret'), 'bad_signature'],
        ['another body', await signed(SECRET, body.replace('"opened"', '"closed"')), 'bad_signature'],
        ['sha1= prefix', { ...(await signed(SECRET)), 'x-hub-signature-256': sha1 }, 'bad_signature'],
        ['sha256 digest under sha1=', { ...(await signed(SECRET)), 'x-hub-signature-256': sha256AsSha1 }, 'bad_signature'],
        ['X-Hub-Signature (sha1) only', { ...(await signed(SECRET)), 'x-hub-signature-256': '', 'x-hub-signature': sha1 }, 'missing_signature'],
      ];
      for (const [what, headers, error] of attempts) {
        const res = await post(body, headers);
        assert.equal(res.status, 401, what);
        assert.equal(((await res.json()) as { error: string }).error, error, what);
      }
      await settle();
      assert.equal(await head(), start);
      assert.equal(f.service.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 90 }), undefined);
    });

    test('huge headers: refused with a 4xx, and the service keeps answering', async () => {
      for (const headers of [
        { ...(await signed(SECRET)), 'x-hub-signature-256': `sha256=${'a'.repeat(64 * 1024)}` },
        { ...(await signed(SECRET)), 'x-github-delivery': 'd'.repeat(32 * 1024) },
      ]) {
        const res = await post(body, headers);
        assert.ok(res.status >= 400 && res.status < 500, String(res.status));
      }
      assert.equal((await fetch(`${f.service.url}/healthz`)).status, 200);
    });
  });

  describe('fork pull requests', () => {
    const fork = { forkOwner: 'stranger', author: 'stranger' };

    test('without the preview label: nothing', async () => {
      const start = await head();
      await deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 11, sha: sha(11), ...fork }));
      assert.equal(await head(), start);
      assert.equal(f.service.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 11 })?.state, 'skipped');
    });

    test('labelled by its own author (read access), or with the label in the payload but no such event on GitHub: nothing', async () => {
      const start = await head();
      f.github.repo('demo/app').setRole('stranger', 'read').addLabelEvent(12, 'preview', 'stranger');
      await deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 12, sha: sha(12), ...fork, labels: ['preview'], action: 'labeled', sender: 'stranger' }));
      await deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 13, sha: sha(13), ...fork, labels: ['Preview'], action: 'labeled', sender: 'maintainer' }));
      assert.equal(await head(), start);
    });

    test('the label removed: the environment goes; added back by a non-writer: it does not come back', async () => {
      const repo = f.github.repo('demo/app').setRole('maintainer', 'maintain').setRole('stranger', 'read');
      repo.addLabelEvent(14, 'preview', 'maintainer');
      const labelled = { owner: 'demo', repo: 'app', pr: 14, sha: sha(14), ...fork };
      await deliver('pull_request', pullRequestPayload({ ...labelled, labels: ['preview'], action: 'labeled', sender: 'maintainer' }));
      assert.notEqual(await f.remote.remoteFile('previews/demo/app/pr-14/preview.json'), null, 'a maintainer\'s label deploys');
      repo.addLabelEvent(14, 'preview', 'maintainer', 'unlabeled');
      await deliver('pull_request', pullRequestPayload({ ...labelled, labels: [], action: 'unlabeled', sender: 'maintainer' }));
      assert.equal(await f.remote.remoteFile('previews/demo/app/pr-14/preview.json'), null, 'the label removed: destroyed');
      repo.addLabelEvent(14, 'preview', 'stranger');
      await deliver('pull_request', pullRequestPayload({ ...labelled, sha: sha(15), labels: ['preview'], action: 'synchronize', sender: 'stranger' }));
      assert.equal(await f.remote.remoteFile('previews/demo/app/pr-14/preview.json'), null, 'the last label is the stranger\'s');
    });
  });

  describe('PR commands', () => {
    test('NONE, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR (read access on GitHub) and a lower-case "owner": refused, nothing committed', async () => {
      await open('app', 20, 20);
      f.github.repo('demo/app').setRole('mallory', 'read');
      const start = await head();
      for (const association of ['NONE', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'owner', 'Owner']) {
        const id = await comment('app', 20, '/preview destroy', 'mallory', association);
        assert.equal(await head(), start, association);
        assert.ok(!f.github.repo('demo/app').reactions(id).some((r) => r.content === '+1'), association);
      }
      const replies = f.github.repo('demo/app').comments(20).filter((c) => /need write access/.test(c.body));
      assert.equal(replies.length, 4, 'a refusal for each valid association; the malformed ones are dropped at the door');
    });

    test('an edited comment (someone editing another person\'s comment into a command) is ignored', async () => {
      const start = await head();
      const res = await f.deliver('issue_comment', { ...issueCommentPayload({ owner: 'demo', repo: 'app', pr: 20, body: '/preview destroy', author: 'alice', association: 'OWNER' }), action: 'edited', sender: { login: 'mallory', id: 666, type: 'User' } });
      assert.equal(res.status, 202);
      assert.equal(((await res.json()) as { accepted: boolean }).accepted, false);
      await settle();
      assert.equal(await head(), start);
      assert.notEqual(await f.remote.remoteFile('previews/demo/app/pr-20/preview.json'), null);
    });
  });

  describe('ALLOWED_REPOS', () => {
    test('a registered repository outside it: no preview (a clear reason), commands unanswered, resync leaves it alone', async () => {
      const start = await head();
      await open('other', 30, 30);
      assert.equal(await head(), start);
      const status = f.service.reconciler.statuses.get({ owner: 'demo', repo: 'other', pr: 30 });
      assert.equal(status?.state, 'skipped');
      assert.match(status?.reason ?? '', /outside ALLOWED_REPOS/);
      const id = await comment('other', 30, '/preview preserve 7d', 'alice', 'OWNER');
      assert.deepEqual(f.github.repo('demo/other').reactions(id), []);
      assert.equal(f.github.repo('demo/other').comments(30).length, 1, 'only the command itself: no reply');
      f.github.repo('demo/ok-web').setPull(31, { state: 'open', headSha: sha(31), headRef: 'f-31', user: 'alice' });
      await f.service.resync();
      await settle();
      assert.ok(!f.github.requests.some((r) => r.path.startsWith('/repos/demo/other/pulls')), 'not even listed');
      const log = await git(f.remote.bare, ['log', '--format=%s', `${start}..main`]);
      assert.doesNotMatch(log, /demo\/other/);
      assert.match(log, /preview\(demo\/ok-web#31\): create/, 'a glob of the list lets its repositories in');
    });
  });

  describe('the write API token', () => {
    test('one character off, another case, whitespace inside, another scheme or place: 401; the token itself: through', async () => {
      const url = `${f.service.url}/api/previews/demo/app/999`;
      const last = ADMIN_TOKEN.at(-1) === 'd' ? 'e' : 'd';
      const attempts = [
        `Bearer ${ADMIN_TOKEN.slice(0, -1)}${last}`, `Bearer ${ADMIN_TOKEN.toUpperCase()}`, `Bearer ${ADMIN_TOKEN.toLowerCase()}`,
        `Bearer ${ADMIN_TOKEN.slice(0, 8)} ${ADMIN_TOKEN.slice(8)}`, `Bearer ${ADMIN_TOKEN}x`, `Bearer ${ADMIN_TOKEN.slice(1)}`,
        `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}`, `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`, ADMIN_TOKEN, 'Bearer ',
      ];
      for (const authorization of attempts) {
        const res = await fetch(url, { method: 'DELETE', headers: { authorization } });
        assert.equal(res.status, 401, authorization);
        assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
      }
      assert.equal((await fetch(`${url}?token=${ADMIN_TOKEN}`, { method: 'DELETE' })).status, 401);
      assert.equal((await fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 404, 'through to the route');
    });
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIssueCommentEvent } from '../../src/domain/parse-issue-comment-event.ts';
import { examplesOf, type Json } from '../helpers/webhook-examples.ts';

const EXAMPLES = examplesOf('issue_comment');

/** A recorded comment moved onto a pull request, as GitHub sends a comment on a PR's conversation. */
function onPullRequest(payload: Json): Json {
  const p = structuredClone(payload);
  const api = p.repository.url as string;
  p.issue.pull_request = { url: `${api}/pulls/${p.issue.number}`, html_url: `${p.repository.html_url}/pull/${p.issue.number}`, diff_url: '', patch_url: '', merged_at: null };
  return p;
}

function created(): Json {
  const example = EXAMPLES.find((e) => e.payload.action === 'created' && e.payload.installation !== undefined);
  assert.ok(example, 'a created example with an installation');
  return onPullRequest(example.payload);
}

describe('parseIssueCommentEvent on GitHub payloads', () => {
  test('the examples cover created, edited and deleted, from github.com and GHES', () => {
    assert.ok(EXAMPLES.length >= 10, `${EXAMPLES.length} examples`);
    for (const action of ['created', 'edited', 'deleted']) assert.ok(EXAMPLES.some((e) => e.payload.action === action), action);
    assert.ok(EXAMPLES.some((e) => e.source.startsWith('ghes')));
  });

  for (const { source, payload } of EXAMPLES) {
    test(`${source} as recorded (a comment on an issue, or not a new one) is refused`, () => {
      const result = parseIssueCommentEvent(payload, 'delivery-1');
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, payload.action === 'created' ? /on an issue, not on a pull request/ : /is not a new comment/);
    });

    test(`${source} moved onto a pull request`, () => {
      const result = parseIssueCommentEvent(onPullRequest(payload), 'delivery-1');
      if (payload.action !== 'created') {
        assert.ok(!result.ok && /is not a new comment/.test(result.reason));
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.reason);
      const expected = {
        env: { owner: payload.repository.owner.login, repo: payload.repository.name, pr: payload.issue.number },
        commentId: payload.comment.id,
        body: payload.comment.body,
        author: payload.comment.user.login,
        authorAssociation: payload.comment.author_association,
        repoUrl: payload.repository.html_url,
        delivery: 'delivery-1',
        ...(payload.installation ? { installationId: payload.installation.id } : {}),
      };
      assert.deepEqual(result.event, expected);
    });
  }
});

describe('parseIssueCommentEvent on hostile payloads', () => {
  const cases: Array<[what: string, change: (p: Json) => unknown, reason: RegExp]> = [
    ['not an object', () => 'created', /payload: expected an object/],
    ['null', () => null, /payload: expected an object, found null/],
    ['a list', () => [], /payload: expected an object, found a list/],
    ['no action', (p) => void delete p.action, /action: expected text/],
    ['edited', (p) => void (p.action = 'edited'), /"edited" is not a new comment/],
    ['pull_request null (an issue)', (p) => void (p.issue.pull_request = null), /on an issue, not on a pull request/],
    ['pull_request as text', (p) => void (p.issue.pull_request = 'yes'), /issue.pull_request: expected an object/],
    ['no issue', (p) => void delete p.issue, /issue: expected an object, found nothing/],
    ['owner with a slash', (p) => void (p.repository.owner.login = 'acme/../etc'), /owner "acme\/..\/etc" is not a GitHub account name/],
    ['repo ..', (p) => void (p.repository.name = '..'), /repository ".." is not a GitHub repository name/],
    ['repo with a newline', (p) => void (p.repository.name = 'shop\nPreview-Actor: x'), /is not a GitHub repository name/],
    ['issue number 0', (p) => void (p.issue.number = 0), /issue.number: expected a whole number from 1/],
    ['issue number as text', (p) => void (p.issue.number = '42'), /issue.number: expected a whole number from 1, found text "42"/],
    ['issue number fractional', (p) => void (p.issue.number = 4.5), /issue.number/],
    ['issue number past 2^31', (p) => void (p.issue.number = 2 ** 31), /pull request number 2147483648 is not a whole number/],
    ['no comment', (p) => void delete p.comment, /comment: expected an object/],
    ['comment id negative', (p) => void (p.comment.id = -1), /comment.id: expected a whole number from 1/],
    ['comment id unsafe', (p) => void (p.comment.id = 2 ** 60), /comment.id/],
    ['body null', (p) => void (p.comment.body = null), /comment.body: expected text, found null/],
    ['body over 65536', (p) => void (p.comment.body = 'x'.repeat(65537)), /65537 characters, GitHub allows at most 65536/],
    ['author with a newline', (p) => void (p.comment.user.login = 'octo\nPreview-Actor: root'), /comment.user.login: .* is not a GitHub login/],
    ['author with a colon', (p) => void (p.comment.user.login = 'a:b'), /is not a GitHub login/],
    ['author missing', (p) => void delete p.comment.user, /comment.user: expected an object/],
    ['association lower-case', (p) => void (p.comment.author_association = 'owner'), /"owner" is not one of GitHub's associations/],
    ['association padded', (p) => void (p.comment.author_association = ' OWNER'), /is not one of GitHub's associations/],
    ['association missing', (p) => void delete p.comment.author_association, /comment.author_association: expected text/],
    ['association as a list', (p) => void (p.comment.author_association = ['OWNER']), /expected text, found a list/],
    ['repoUrl with credentials', (p) => void (p.repository.html_url = 'https://x:y@github.com/a/b'), /is not an http\(s\) repository URL/],
    ['repoUrl javascript:', (p) => void (p.repository.html_url = 'javascript:alert(1)'), /is not an http\(s\) repository URL/],
    ['installation null', (p) => void (p.installation = null), /installation: expected an object, found null/],
    ['installation id as text', (p) => void (p.installation.id = '1'), /installation.id: expected a whole number/],
  ];
  for (const [what, change, reason] of cases) {
    test(what, () => {
      const payload = created();
      const replaced = change(payload);
      const result = parseIssueCommentEvent(replaced === undefined ? payload : replaced, 'd');
      assert.equal(result.ok, false, what);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  test('a bot may comment (its association decides nothing alone), and no installation is fine', () => {
    const payload = created();
    payload.comment.user.login = 'renovate[bot]';
    payload.comment.author_association = 'NONE';
    delete payload.installation;
    const result = parseIssueCommentEvent(payload, 'd');
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.event.author, 'renovate[bot]');
    assert.equal(result.event.installationId, undefined);
    assert.ok(!('installationId' in result.event));
  });

  test('a reason quotes hostile text escaped and bounded', () => {
    const payload = created();
    payload.comment.user.login = `${'a'.repeat(500)}\n\u001b[31m`;
    const result = parseIssueCommentEvent(payload, 'd');
    assert.ok(!result.ok);
    assert.ok(result.reason.length < 200, result.reason);
    assert.ok(!result.reason.includes('\n') && !result.reason.includes('\u001b'), result.reason);
  });
});

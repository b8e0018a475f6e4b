import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePullRequestEvent, PREVIEW_ACTIONS } from '../../src/domain/parse-pull-request-event.ts';
import { examplesOf, type Json } from '../helpers/webhook-examples.ts';

const EXAMPLES = examplesOf('pull_request');
const handled = (action: string): boolean => (PREVIEW_ACTIONS as readonly string[]).includes(action);

function opened(): Json {
  const example = EXAMPLES.find((e) => e.payload.action === 'opened' && e.payload.installation !== undefined);
  assert.ok(example, 'an opened example with an installation');
  return structuredClone(example.payload);
}

describe('parsePullRequestEvent on GitHub payloads', () => {
  test('the examples cover many actions, handled and not', () => {
    assert.ok(EXAMPLES.length >= 29, `${EXAMPLES.length} examples`);
    assert.ok(EXAMPLES.some((e) => handled(e.payload.action)) && EXAMPLES.some((e) => !handled(e.payload.action)));
  });

  for (const { source, payload } of EXAMPLES) {
    test(source, () => {
      const result = parsePullRequestEvent(payload, 'delivery-1');
      if (!handled(payload.action) || (payload.action === 'edited' && payload.changes?.base === undefined)) {
        assert.equal(result.ok, false);
        if (!result.ok) assert.match(result.reason, /does not change previews/);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.reason);
      const pr = payload.pull_request;
      const expected = {
        owner: payload.repository.owner.login,
        repo: payload.repository.name,
        pr: pr.number,
        state: pr.state,
        merged: pr.merged === true,
        draft: pr.draft,
        headSha: pr.head.sha,
        headRef: pr.head.ref,
        fork: pr.head.repo === null || pr.head.repo.full_name.toLowerCase() !== pr.base.repo.full_name.toLowerCase(),
        author: pr.user.login,
        labels: pr.labels.map((l: Json) => l.name),
        repoUrl: payload.repository.html_url,
        ...(typeof pr.title === 'string' ? { title: pr.title } : {}),
        ...(payload.installation ? { installationId: payload.installation.id } : {}),
      };
      assert.deepEqual(result.event.snapshot, expected);
      assert.equal(result.event.action, payload.action);
      assert.equal(result.event.sender, payload.sender.login);
      assert.equal(result.event.delivery, 'delivery-1');
      assert.equal(result.event.label, payload.label?.name);
    });
  }
});

describe('parsePullRequestEvent decisions the examples lack', () => {
  test('a head in another repository, or a deleted one, is a fork; case does not make a fork', () => {
    const other = opened();
    other.pull_request.head.repo.full_name = 'stranger/Hello-World';
    const deleted = opened();
    deleted.pull_request.head.repo = null;
    const sameRepo = opened();
    sameRepo.pull_request.head.repo.full_name = sameRepo.pull_request.base.repo.full_name.toUpperCase();
    for (const [payload, fork] of [[other, true], [deleted, true], [sameRepo, false]] as const) {
      const result = parsePullRequestEvent(payload, 'd');
      assert.ok(result.ok);
      assert.equal(result.event.snapshot.fork, fork);
    }
  });

  test('a merged close, merged: null, labels, a bot sender, no installation', () => {
    const payload = opened();
    payload.action = 'closed';
    payload.pull_request.state = 'closed';
    payload.pull_request.merged = true;
    payload.pull_request.labels = [{ name: 'preview' }, { name: 'x'.repeat(50) }];
    payload.sender.login = 'dependabot[bot]';
    delete payload.installation;
    const result = parsePullRequestEvent(payload, 'd');
    assert.ok(result.ok);
    assert.equal(result.event.snapshot.merged, true);
    assert.deepEqual(result.event.snapshot.labels, ['preview', 'x'.repeat(50)]);
    assert.equal(result.event.sender, 'dependabot[bot]');
    assert.equal('installationId' in result.event.snapshot, false);
    payload.pull_request.merged = null;
    const pending = parsePullRequestEvent(payload, 'd');
    assert.ok(pending.ok);
    assert.equal(pending.event.snapshot.merged, false);
  });

  test('edited counts only when the base changed', () => {
    const payload = opened();
    payload.action = 'edited';
    payload.changes = { title: { from: 'old' } };
    const titleOnly = parsePullRequestEvent(payload, 'd');
    assert.equal(titleOnly.ok, false);
    payload.changes = { base: { ref: { from: 'develop' }, sha: { from: 'a'.repeat(40) } } };
    assert.equal(parsePullRequestEvent(payload, 'd').ok, true);
  });
});

describe('parsePullRequestEvent refuses hostile payloads, naming the field', () => {
  const cases: Array<[name: string, change: (p: Json) => unknown, reason: RegExp]> = [
    ['not an object', () => 'x', /payload: expected an object/],
    ['an array', () => [], /payload: expected an object, found a list/],
    ['an unhandled action', (p) => ((p.action = 'assigned'), p), /action "assigned" does not change previews/],
    ['no action', (p) => (delete p.action, p), /action: expected text, found nothing/],
    ['missing head', (p) => (delete p.pull_request.head, p), /pull_request\.head: expected an object, found nothing/],
    ['sha too short', (p) => ((p.pull_request.head.sha = 'abc123'), p), /pull_request\.head\.sha: "abc123" is not a commit sha/],
    ['sha not hex', (p) => ((p.pull_request.head.sha = 'g'.repeat(40)), p), /pull_request\.head\.sha/],
    ['sha upper-case', (p) => ((p.pull_request.head.sha = 'A'.repeat(40)), p), /pull_request\.head\.sha/],
    ['sha a number', (p) => ((p.pull_request.head.sha = 1234), p), /pull_request\.head\.sha: expected text, found number 1234/],
    ['pr number 0', (p) => ((p.pull_request.number = 0), p), /pull_request\.number: expected a whole number from 1, found number 0/],
    ['pr number a string', (p) => ((p.pull_request.number = '2'), p), /pull_request\.number: expected a whole number from 1, found text "2"/],
    ['pr number fractional', (p) => ((p.pull_request.number = 1.5), p), /pull_request\.number/],
    ['pr number too large', (p) => ((p.pull_request.number = 2 ** 40), p), /pull request number 1099511627776 is not a whole number/],
    ['owner with ../', (p) => ((p.repository.owner.login = '../etc'), p), /owner "\.\.\/etc" is not a GitHub account name/],
    ['repo named ..', (p) => ((p.repository.name = '..'), p), /repository "\.\." is not a GitHub repository name/],
    ['repo with a slash', (p) => ((p.repository.name = 'a/b'), p), /repository "a\/b"/],
    ['no owner', (p) => (delete p.repository.owner, p), /repository\.owner: expected an object/],
    ['extra-long label', (p) => ((p.pull_request.labels = [{ name: 'x'.repeat(51) }]), p), /pull_request\.labels\[0\]\.name: expected a label name of 1 to 50 characters, found 51/],
    ['empty label', (p) => ((p.pull_request.labels = [{ name: '' }]), p), /pull_request\.labels\[0\]\.name/],
    ['label not an object', (p) => ((p.pull_request.labels = ['preview']), p), /pull_request\.labels\[0\]: expected an object/],
    ['too many labels', (p) => ((p.pull_request.labels = Array.from({ length: 101 }, (_, i) => ({ name: `l${i}` }))), p), /101 labels/],
    ['labels not a list', (p) => ((p.pull_request.labels = {}), p), /pull_request\.labels: expected a list/],
    ['event label too long', (p) => ((p.action = 'labeled'), (p.label = { name: 'y'.repeat(200) }), p), /label\.name: expected a label name/],
    ['state unknown', (p) => ((p.pull_request.state = 'merged'), p), /pull_request\.state: "merged" is not "open" or "closed"/],
    ['draft a string', (p) => ((p.pull_request.draft = 'false'), p), /pull_request\.draft: expected true or false, found text "false"/],
    ['merged a number', (p) => ((p.pull_request.merged = 1), p), /pull_request\.merged: expected true or false/],
    ['author with a newline', (p) => ((p.pull_request.user.login = 'evil\nPreview-Action: destroy'), p), /pull_request\.user\.login: "evil\\nPreview-Action: destroy" is not a GitHub login/],
    ['no sender', (p) => (delete p.sender, p), /sender: expected an object/],
    ['empty branch', (p) => ((p.pull_request.head.ref = ''), p), /pull_request\.head\.ref/],
    ['huge branch', (p) => ((p.pull_request.head.ref = 'b'.repeat(5000)), p), /pull_request\.head\.ref: expected a branch name of 1 to 1024/],
    ['base repo missing', (p) => (delete p.pull_request.base.repo, p), /pull_request\.base\.repo: expected an object/],
    ['head full_name not owner/name', (p) => ((p.pull_request.head.repo.full_name = 'a/b/c'), p), /pull_request\.head\.repo\.full_name/],
    ['repo url javascript:', (p) => ((p.repository.html_url = 'javascript:alert(1)'), p), /repository\.html_url: "javascript:alert\(1\)" is not an http\(s\) repository URL/],
    ['repo url with credentials', (p) => ((p.repository.html_url = 'https://u:p@github.com/a/b'), p), /repository\.html_url/],
    ['repo url not a URL', (p) => ((p.repository.html_url = 'not a url'), p), /repository\.html_url: "not a url" is not a URL/],
    ['installation id a string', (p) => ((p.installation = { id: '1' }), p), /installation\.id: expected a whole number/],
    ['installation null', (p) => ((p.installation = null), p), /installation: expected an object, found null/],
    ['edited changes not an object', (p) => ((p.action = 'edited'), (p.changes = 'base'), p), /changes: expected an object/],
  ];
  for (const [name, change, reason] of cases) {
    test(name, () => {
      const result = parsePullRequestEvent(change(opened()), 'd');
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  test('a long hostile value is quoted, escaped and cut short in the reason', () => {
    const payload = opened();
    payload.pull_request.head.sha = `${'z'.repeat(500)}\n`;
    const result = parsePullRequestEvent(payload, 'd');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.ok(result.reason.length < 200, result.reason);
      assert.doesNotMatch(result.reason, /\n/);
    }
  });
});

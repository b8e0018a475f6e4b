import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHECKS_EVENTS, isChecksEvent, parseChecksEvent, type ChecksEventName } from '../../src/domain/parse-checks-event.ts';
import { examplesOf, type Json } from '../helpers/webhook-examples.ts';

function objectOf(event: ChecksEventName, payload: Json): Json {
  return event === 'status' ? payload : payload[event];
}

describe('parseChecksEvent on every recorded example', () => {
  for (const event of CHECKS_EVENTS) {
    const examples = examplesOf(event);
    test(`${event}: @octokit/webhooks-examples has examples`, () => assert.ok(examples.length > 0));
    for (const { source, payload } of examples) {
      test(`${event} ${source}`, () => {
        const parsed = parseChecksEvent(event, payload);
        const completes = event === 'status' || payload.action === 'completed';
        if (!completes) {
          assert.deepEqual(parsed, { ok: false, reason: `action ${JSON.stringify(payload.action)} does not end a build (only "completed" does)` });
          return;
        }
        assert.ok(parsed.ok, !parsed.ok ? parsed.reason : '');
        const object = objectOf(event, payload);
        const sha = event === 'status' ? payload.sha : object.head_sha;
        assert.deepEqual(parsed.change.shas, [sha]);
        assert.equal(`${parsed.change.owner}/${parsed.change.repo}`, payload.repository.full_name);
        assert.deepEqual(parsed.change.pulls, event === 'status' ? [] : (object.pull_requests as Json[]).map((p) => p.number as number));
        assert.equal(parsed.change.installationId, payload.installation?.id);
        assert.equal(parsed.change.event, event);
      });
    }
  }
});

describe('parseChecksEvent refuses what GitHub would not send', () => {
  const completed = (event: Exclude<ChecksEventName, 'status'>): Json => {
    const found = examplesOf(event).find((e) => e.payload.action === 'completed');
    assert.ok(found, `no completed ${event} example`);
    return structuredClone(found.payload);
  };
  const status = (): Json => structuredClone(examplesOf('status')[0]!.payload);
  const table: Array<[name: string, event: ChecksEventName, make: () => unknown, reason: RegExp]> = [
    ['not an object', 'check_run', () => [], /^payload: expected an object, found a list$/],
    ['null', 'status', () => null, /^payload: expected an object, found null$/],
    ['no repository', 'check_run', () => ({ ...completed('check_run'), repository: undefined }), /^repository: expected an object, found nothing$/],
    ['a path as repository name', 'check_suite', () => { const p = completed('check_suite'); p.repository.name = '../../etc'; return p; }, /repository "\.\.\/\.\.\/etc" is not a GitHub repository name/],
    ['an owner with a slash', 'workflow_run', () => { const p = completed('workflow_run'); p.repository.owner.login = 'a/b'; return p; }, /owner "a\/b" is not a GitHub account name/],
    ['an upper-case sha', 'check_run', () => { const p = completed('check_run'); p.check_run.head_sha = p.check_run.head_sha.toUpperCase(); return p; }, /^check_run\.head_sha: ".*" is not a commit sha/],
    ['a short sha', 'workflow_run', () => { const p = completed('workflow_run'); p.workflow_run.head_sha = 'abc1234'; return p; }, /^workflow_run\.head_sha: "abc1234" is not a commit sha/],
    ['a sha that is a number', 'status', () => ({ ...status(), sha: 12345 }), /^sha: expected text, found number 12345$/],
    ['a newline in the sha', 'status', () => ({ ...status(), sha: `${'a'.repeat(40)}\n` }), /^sha: .* is not a commit sha/],
    ['no action', 'check_suite', () => ({ ...completed('check_suite'), action: undefined }), /^action: expected text, found nothing$/],
    ['pull_requests not a list', 'check_run', () => { const p = completed('check_run'); p.check_run.pull_requests = 'all'; return p; }, /^check_run\.pull_requests: expected a list, found text "all"$/],
    ['a pull request number below 1', 'check_suite', () => { const p = completed('check_suite'); p.check_suite.pull_requests = [{ number: -1 }]; return p; }, /^check_suite\.pull_requests\[0\]\.number: expected a whole number from 1, found number -1$/],
    ['too many pull requests', 'check_run', () => { const p = completed('check_run'); p.check_run.pull_requests = Array.from({ length: 101 }, (_, i) => ({ number: i + 1 })); return p; }, /more than 100 pull requests/],
    ['an installation id as text', 'workflow_run', () => ({ ...completed('workflow_run'), installation: { id: '7' } }), /^installation\.id: expected a whole number from 1, found text "7"$/],
    ['an empty check name', 'check_run', () => { const p = completed('check_run'); p.check_run.name = ''; return p; }, /^check_run\.name: expected a name of 1 to 1024 characters$/],
    ['a huge context', 'status', () => ({ ...status(), context: 'x'.repeat(5000) }), /^context: expected a name of 1 to 1024 characters$/],
    ['previewd’s own status', 'status', () => ({ ...status(), context: 'previewd' }), /^status "previewd" is previewd's own$/],
    ['a status without a state', 'status', () => ({ ...status(), state: undefined }), /^state: expected text, found nothing$/],
    ['a check run just created', 'check_run', () => ({ ...completed('check_run'), action: 'created' }), /^action "created" does not end a build/],
    ['a workflow requested', 'workflow_run', () => ({ ...completed('workflow_run'), action: 'requested' }), /^action "requested" does not end a build/],
  ];
  for (const [name, event, make, reason] of table) {
    test(name, () => {
      const parsed = parseChecksEvent(event, make());
      assert.ok(!parsed.ok, 'expected a refusal');
      assert.match(parsed.reason, reason);
    });
  }

  test('duplicate pull request numbers come once, sorted', () => {
    const p = completed('check_run');
    p.check_run.pull_requests = [{ number: 9 }, { number: 2 }, { number: 9 }];
    const parsed = parseChecksEvent('check_run', p);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.change.pulls, [2, 9]);
  });

  test('isChecksEvent', () => {
    for (const name of CHECKS_EVENTS) assert.ok(isChecksEvent(name));
    for (const name of ['pull_request', 'issue_comment', 'push', 'deployment_status', '']) assert.ok(!isChecksEvent(name));
  });
});

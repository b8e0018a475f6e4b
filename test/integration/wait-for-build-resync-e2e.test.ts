import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha, startWaitForFixture, type WaitForFixture } from '../helpers/wait-for-fixture.ts';
import { checkRunPayload, statusPayload } from '../helpers/webhook-examples.ts';

// Issue 13 end to end, continued (wait-for-build-e2e.test.ts has the check events): a lost event
// caught by the resync, a glob over check names, a commit-status context, and the timeout.
describe('waitFor: the resync, globs, commit statuses and the timeout, end to end', () => {
  let w: WaitForFixture;
  before(async () => {
    w = await startWaitForFixture();
  });
  after(() => w.f.close());

  test('the check event lost: the resync asks GitHub and deploys it', async () => {
    const repo = w.f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(3), { name: 'build', status: 'in_progress' });
    await w.open('app', 2, sha(3));
    await w.waitingComment('app', 2, sha(3));
    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'success' });
    // No check_run delivery: GitHub's webhook was lost.
    await w.f.service.resync();
    await w.f.until('the create commit after the resync', async () => (await w.subjects('app', 2)).length > 0);
    await w.settled();
    assert.deepEqual(await w.subjects('app', 2), [`preview(demo/app#2): create at ${sha(3).slice(0, 7)}`]);
    const configReads = w.f.github.requests.filter((r) => r.operationId === 'repos/get-content' && r.path.includes(`ref=${sha(3)}`));
    assert.equal(configReads.length, 1, '.github/preview.yaml read once for the held sha, not again by each re-plan');
    w.f.github.assertNoViolations();
  });

  test('"ci / *" as a glob: every matching run must pass', async () => {
    const repo = w.f.github.repo('demo/glob');
    repo.addCheckRun(sha(4), { name: 'ci / image', conclusion: 'success' });
    const tests = repo.addCheckRun(sha(4), { name: 'ci / test', status: 'in_progress' });
    repo.addCheckRun(sha(4), { name: 'lint', conclusion: 'failure' });
    await w.open('glob', 1, sha(4));
    const body = await w.waitingComment('glob', 1, sha(4));
    assert.match(body, /\*\*ci \/ test\*\*/);
    assert.doesNotMatch(body, /ci \/ image|lint/, 'what passed, and what the glob does not match, are not waited for');
    repo.updateCheckRun(tests.id, { status: 'completed', conclusion: 'success' });
    await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'glob', sha: sha(4), name: 'ci / test', conclusion: 'success', pr: 1 }));
    await w.f.until('the create commit', async () => (await w.subjects('glob', 1)).length > 0);
    await w.settled();
    assert.deepEqual(await w.subjects('glob', 1), [`preview(demo/glob#1): create at ${sha(4).slice(0, 7)}`]);
  });

  test('a commit status context instead of a check run; the status event deploys it', async () => {
    const repo = w.f.github.repo('demo/jenkins');
    repo.addCiStatus(sha(5), { context: 'ci/jenkins', state: 'pending', targetUrl: 'https://jenkins.example.com/job/7' });
    await w.open('jenkins', 1, sha(5));
    const body = await w.waitingComment('jenkins', 1, sha(5));
    assert.match(body, /\*\*ci\/jenkins\*\* \(\[details\]\(https:\/\/jenkins\.example\.com\/job\/7\)\): pending/);
    repo.addCiStatus(sha(5), { context: 'ci/jenkins', state: 'success', targetUrl: 'https://jenkins.example.com/job/7' });
    const res = await w.f.deliver('status', statusPayload({ owner: 'demo', repo: 'jenkins', sha: sha(5), context: 'ci/jenkins', state: 'success' }));
    assert.deepEqual(await res.json(), { accepted: true });
    await w.f.until('the create commit', async () => (await w.subjects('jenkins', 1)).length > 0);
    await w.settled();
    assert.deepEqual(await w.subjects('jenkins', 1), [`preview(demo/jenkins#1): create at ${sha(5).slice(0, 7)}`]);
  });

  test('the timeout: said in the comment, nothing deployed', async () => {
    const repo = w.f.github.repo('demo/slow');
    repo.addCheckRun(sha(6), { name: 'build', status: 'in_progress' });
    await w.open('slow', 1, sha(6));
    await w.waitingComment('slow', 1, sha(6));
    w.advance(31 * 60_000);
    await w.f.service.resync();
    const body = await w.f.until('the comment saying the build never finished', () => /Preview failed/.test(w.heading('slow', 1)) ? w.comment('slow', 1) : undefined);
    assert.match(body, /its build did not finish within 30m/);
    assert.match(body, /\*\*build\*\*.*: in progress/);
    const status = await w.f.until('the failed commit status', () => w.previewdStatus('slow', sha(6))?.state === 'failure' ? w.previewdStatus('slow', sha(6)) : undefined);
    assert.equal(status.description, 'Preview failed: not finished within 30m: build');
    await w.settled();
    assert.deepEqual(await w.subjects('slow', 1), [], 'nothing deployed');
    w.f.github.assertNoViolations();
  });
});

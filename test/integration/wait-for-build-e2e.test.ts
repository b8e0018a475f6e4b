import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sha, startWaitForFixture, type WaitForFixture } from '../helpers/wait-for-fixture.ts';
import { checkRunPayload } from '../helpers/webhook-examples.ts';

// Issue 13 end to end: previewd serve's wiring with signed webhooks over loopback, the real git
// http-backend remote and the GitHub fake (every request validated against GitHub's OpenAPI
// description). Apps wait for their build (`waitFor`); the tests play CI on the fake's check runs and
// deliver GitHub's check_run events for them. The resync, globs, statuses and the timeout:
// wait-for-build-resync-e2e.test.ts.
describe('waitFor: deployed when the build is done, end to end', () => {
  let w: WaitForFixture;
  before(async () => {
    w = await startWaitForFixture();
  });
  after(() => w.f.close());

  test('a PR opened while build runs: no commit, the comment waits for build; check_run completed success: one create commit at that sha', async () => {
    const repo = w.f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(1), { name: 'build', status: 'in_progress' });
    await w.open('app', 1, sha(1));
    const body = await w.waitingComment('app', 1, sha(1));
    assert.match(body, /\*\*build\*\* \(\[details\]\(https:\/\/github\.com\/demo\/app\/actions\/runs\/\d+\/job\/\d+\)\): in progress since/);
    await w.settled();
    assert.deepEqual(await w.subjects('app', 1), [], 'nothing committed while the build runs');
    assert.equal(await w.previewJson('app', 1), null);
    const status = await w.f.until('the pending commit status', () => w.previewdStatus('app', sha(1)));
    assert.deepEqual([status.state, status.description], ['pending', 'Preview waiting for build: build']);
    const [deployment] = repo.deployments();
    assert.equal(deployment?.sha, sha(1));
    assert.deepEqual(repo.deploymentStatuses(deployment?.id ?? 0).map((s) => s.state), ['pending']);

    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'success' });
    const res = await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(1), name: 'build', conclusion: 'success', pr: 1 }));
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: true });
    await w.f.until('the create commit', async () => (await w.subjects('app', 1)).length > 0);
    await w.settled();
    assert.deepEqual(await w.subjects('app', 1), [`preview(demo/app#1): create at ${sha(1).slice(0, 7)}`], 'exactly one commit');
    assert.equal((await w.previewJson('app', 1))?.sha, sha(1));
    await w.f.until('the comment leaves the wait', () => /Preview (committed|deploying)/.test(w.heading('app', 1)));
    assert.equal(w.f.github.repo('demo/app').comments(1).length, 1, 'one comment, edited');
    assert.equal(repo.deployments().length, 1, 'the pending Deployment is the one that goes on');
    w.f.github.assertNoViolations();
  });

  test('a push waits again while the old sha stays deployed; its failed check: nothing committed, the comment names the check and its conclusion; a re-run that succeeds deploys it', async () => {
    const repo = w.f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(2), { name: 'build', status: 'queued' });
    await w.open('app', 1, sha(2), 'synchronize');
    const body = await w.waitingComment('app', 1, sha(2));
    assert.match(body, /\*\*build\*\*.*: queued/);
    assert.match(body, new RegExp(`Note: The environment keeps running ${sha(1).slice(0, 7)} meanwhile`));
    assert.match(body, new RegExp(`\\*\\*App commit:\\*\\* \\[\`${sha(1).slice(0, 7)}\`\\]`), 'the facts are of what runs');
    assert.match(body, /\*\*URL:\*\* \[https:\/\//);
    await w.settled();
    assert.equal((await w.previewJson('app', 1))?.sha, sha(1), 'the environment still runs the old sha');
    assert.equal((await w.subjects('app', 1)).length, 1);

    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'failure' });
    assert.equal((await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(2), name: 'build', conclusion: 'failure', pr: 1 }))).status, 202);
    const failed = await w.f.until('the comment saying the build failed', () => /Preview failed/.test(w.heading('app', 1)) ? w.comment('app', 1) : undefined);
    assert.match(failed, /its check \[build\]\(https:\/\/github\.com\/demo\/app\/actions\/runs\/\d+\/job\/\d+\) ended with \*\*failure\*\*/);
    assert.match(failed, new RegExp(`Nothing was deployed for this commit \`${sha(2).slice(0, 7)}\``));
    const status = await w.f.until('the failed commit status', () => w.previewdStatus('app', sha(2))?.state === 'failure' ? w.previewdStatus('app', sha(2)) : undefined);
    assert.equal(status.description, 'Preview failed: build failure');
    await w.settled();
    assert.equal((await w.previewJson('app', 1))?.sha, sha(1), 'still the old sha');
    assert.equal((await w.subjects('app', 1)).length, 1, 'nothing committed for the failed build');

    // A re-run of the check that succeeds: its event deploys the commit after all.
    repo.addCheckRun(sha(2), { name: 'build', conclusion: 'success' });
    await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(2), name: 'build', conclusion: 'success', pr: 1 }));
    await w.f.until('the update commit after the re-run', async () => (await w.subjects('app', 1)).length > 1);
    await w.settled();
    assert.deepEqual(await w.subjects('app', 1), [`preview(demo/app#1): update to ${sha(2).slice(0, 7)}`, `preview(demo/app#1): create at ${sha(1).slice(0, 7)}`]);
    assert.equal((await w.previewJson('app', 1))?.sha, sha(2));
    w.f.github.assertNoViolations();
  });

  test('a push while a sha waits replaces it: the older sha\'s check event changes nothing, the newer\'s deploys', async () => {
    const repo = w.f.github.repo('demo/app');
    const older = repo.addCheckRun(sha(7), { name: 'build', status: 'in_progress' });
    await w.open('app', 3, sha(7));
    await w.waitingComment('app', 3, sha(7));
    const newer = repo.addCheckRun(sha(8), { name: 'build', status: 'in_progress' });
    await w.open('app', 3, sha(8), 'synchronize');
    await w.waitingComment('app', 3, sha(8));
    repo.updateCheckRun(older.id, { status: 'completed', conclusion: 'success' });
    const res = await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(7), name: 'build', conclusion: 'success', pr: 3 }));
    assert.deepEqual(await res.json(), { accepted: false, reason: 'no preview waits for the build of these commits' });
    await w.settled();
    assert.deepEqual(await w.subjects('app', 3), [], 'the older sha is never deployed');
    assert.match(w.heading('app', 3), /Preview waiting for the build/);
    repo.updateCheckRun(newer.id, { status: 'completed', conclusion: 'success' });
    await w.f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(8), name: 'build', conclusion: 'success', pr: 3 }));
    await w.f.until('the create commit', async () => (await w.subjects('app', 3)).length > 0);
    await w.settled();
    assert.deepEqual(await w.subjects('app', 3), [`preview(demo/app#3): create at ${sha(8).slice(0, 7)}`]);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { checkRunPayload, pullRequestPayload, statusPayload } from '../helpers/webhook-examples.ts';

// Issue 13 end to end: previewd serve's wiring with signed webhooks over loopback, the real git
// http-backend remote and the GitHub fake (every request validated against GitHub's OpenAPI
// description). Apps wait for their build (`waitFor`); the tests play CI on the fake's check runs and
// statuses and deliver GitHub's events for them.
// Distinct in their first 7 digits, as the comment shows them.
const sha = (n: number): string => n.toString(16).padEnd(40, 'c');
const app = (repo: string, waitFor: string) => [
  `  - repo: demo/${repo}`, `    name: ${repo}`, '    base: apps/demo/base', '    images: [registry.example.com/previewd/demo]', '    tagFormat: "{sha}"', '    port: 8080',
  `    waitFor: ${waitFor}`,
].join('\n');
const REGISTRY = `${(skeletonFiles()['previewd.yaml'] ?? '').split('apps:')[0]}apps:\n${[
  app('app', '{ checks: [build], timeout: 2h }'),
  app('glob', '{ checks: ["ci / *"], timeout: 2h }'),
  app('jenkins', '{ checks: ["ci/jenkins"], timeout: 2h }'),
  app('slow', '{ checks: [build], timeout: 30m }'),
].join('\n')}\n`;

describe('waitFor: deployed when the build is done, end to end', () => {
  let f: FeedbackFixture;
  // The service's clock: the timeout test moves it on.
  let offsetMs = 0;
  before(async () => {
    f = await startFeedbackFixture({ registry: REGISTRY, now: () => new Date(Date.now() + offsetMs) });
    // Every registered repository exists on GitHub, so the resync lists each of them.
    for (const repo of ['app', 'glob', 'jenkins', 'slow']) f.github.repo(`demo/${repo}`);
  });
  after(() => f.close());

  const comment = (repo: string, pr: number) => f.github.repo(`demo/${repo}`).comments(pr)[0]?.body ?? '';
  const heading = (repo: string, pr: number) => comment(repo, pr).split('\n')[1] ?? '';
  const folder = (repo: string, pr: number) => `previews/demo/${repo}/pr-${pr}`;
  const previewJson = async (repo: string, pr: number) => JSON.parse((await f.remote.remoteFile(`${folder(repo, pr)}/preview.json`)) ?? 'null') as { sha: string } | null;
  const subjects = async (repo: string, pr: number) => {
    const out = await git(f.remote.bare, ['log', '--format=%s', 'main', '--', folder(repo, pr)]);
    return out === '' ? [] : out.split('\n');
  };
  const previewdStatus = (repo: string, commit: string) => f.github.repo(`demo/${repo}`).commitStatuses(commit).filter((s) => s.context === 'previewd').at(-1);
  async function open(repo: string, pr: number, head: string, action = 'opened'): Promise<void> {
    f.github.repo(`demo/${repo}`).setPull(pr, { headSha: head });
    const res = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo, pr, sha: head, action }));
    assert.equal(res.status, 202);
  }
  async function waitingComment(repo: string, pr: number, head: string): Promise<string> {
    return f.until(`the comment of demo/${repo}#${pr} waiting for the build of ${head.slice(0, 7)}`, () => {
      const body = comment(repo, pr);
      return /Preview waiting for the build/.test(heading(repo, pr)) && body.includes(`\`${head.slice(0, 7)}\``) ? body : undefined;
    });
  }
  async function settled(): Promise<void> {
    await f.service.reconciler.idle();
    await f.service.feedback.idle();
  }

  test('a PR opened while build runs: no commit, the comment waits for build; check_run completed success: one create commit at that sha', async () => {
    const repo = f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(1), { name: 'build', status: 'in_progress' });
    await open('app', 1, sha(1));
    const body = await waitingComment('app', 1, sha(1));
    assert.match(body, /\*\*build\*\* \(\[details\]\(https:\/\/github\.com\/demo\/app\/actions\/runs\/\d+\/job\/\d+\)\): in progress since/);
    await settled();
    assert.deepEqual(await subjects('app', 1), [], 'nothing committed while the build runs');
    assert.equal(await previewJson('app', 1), null);
    const status = await f.until('the pending commit status', () => previewdStatus('app', sha(1)));
    assert.deepEqual([status.state, status.description], ['pending', 'Preview waiting for build: build']);
    const [deployment] = repo.deployments();
    assert.equal(deployment?.sha, sha(1));
    assert.deepEqual(repo.deploymentStatuses(deployment?.id ?? 0).map((s) => s.state), ['pending']);

    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'success' });
    const res = await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(1), name: 'build', conclusion: 'success', pr: 1 }));
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: true });
    await f.until('the create commit', async () => (await subjects('app', 1)).length > 0);
    await settled();
    assert.deepEqual(await subjects('app', 1), [`preview(demo/app#1): create at ${sha(1).slice(0, 7)}`], 'exactly one commit');
    assert.equal((await previewJson('app', 1))?.sha, sha(1));
    await f.until('the comment leaves the wait', () => /Preview (committed|deploying)/.test(heading('app', 1)));
    assert.equal(f.github.repo('demo/app').comments(1).length, 1, 'one comment, edited');
    assert.equal(repo.deployments().length, 1, 'the pending Deployment is the one that goes on');
    f.github.assertNoViolations();
  });

  test('a push waits again while the old sha stays deployed; its failed check: nothing committed, the comment names the check and its conclusion; a re-run that succeeds deploys it', async () => {
    const repo = f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(2), { name: 'build', status: 'queued' });
    await open('app', 1, sha(2), 'synchronize');
    const body = await waitingComment('app', 1, sha(2));
    assert.match(body, /\*\*build\*\*.*: queued/);
    assert.match(body, new RegExp(`Note: The environment keeps running ${sha(1).slice(0, 7)} meanwhile`));
    assert.match(body, new RegExp(`\\*\\*App commit:\\*\\* \\[\`${sha(1).slice(0, 7)}\`\\]`), 'the facts are of what runs');
    assert.match(body, /\*\*URL:\*\* \[https:\/\//);
    await settled();
    assert.equal((await previewJson('app', 1))?.sha, sha(1), 'the environment still runs the old sha');
    assert.equal((await subjects('app', 1)).length, 1);

    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'failure' });
    assert.equal((await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(2), name: 'build', conclusion: 'failure', pr: 1 }))).status, 202);
    const failed = await f.until('the comment saying the build failed', () => /Preview failed/.test(heading('app', 1)) ? comment('app', 1) : undefined);
    assert.match(failed, /its check \[build\]\(https:\/\/github\.com\/demo\/app\/actions\/runs\/\d+\/job\/\d+\) ended with \*\*failure\*\*/);
    assert.match(failed, new RegExp(`Nothing was deployed for this commit \`${sha(2).slice(0, 7)}\``));
    const status = await f.until('the failed commit status', () => previewdStatus('app', sha(2))?.state === 'failure' ? previewdStatus('app', sha(2)) : undefined);
    assert.equal(status.description, 'Preview failed: build failure');
    await settled();
    assert.equal((await previewJson('app', 1))?.sha, sha(1), 'still the old sha');
    assert.equal((await subjects('app', 1)).length, 1, 'nothing committed for the failed build');

    // A re-run of the check that succeeds: its event deploys the commit after all.
    repo.addCheckRun(sha(2), { name: 'build', conclusion: 'success' });
    await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(2), name: 'build', conclusion: 'success', pr: 1 }));
    await f.until('the update commit after the re-run', async () => (await subjects('app', 1)).length > 1);
    await settled();
    assert.deepEqual(await subjects('app', 1), [`preview(demo/app#1): update to ${sha(2).slice(0, 7)}`, `preview(demo/app#1): create at ${sha(1).slice(0, 7)}`]);
    assert.equal((await previewJson('app', 1))?.sha, sha(2));
    f.github.assertNoViolations();
  });

  test('a push while a sha waits replaces it: the older sha\'s check event changes nothing, the newer\'s deploys', async () => {
    const repo = f.github.repo('demo/app');
    const older = repo.addCheckRun(sha(7), { name: 'build', status: 'in_progress' });
    await open('app', 3, sha(7));
    await waitingComment('app', 3, sha(7));
    const newer = repo.addCheckRun(sha(8), { name: 'build', status: 'in_progress' });
    await open('app', 3, sha(8), 'synchronize');
    await waitingComment('app', 3, sha(8));
    repo.updateCheckRun(older.id, { status: 'completed', conclusion: 'success' });
    const res = await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(7), name: 'build', conclusion: 'success', pr: 3 }));
    assert.deepEqual(await res.json(), { accepted: false, reason: 'no preview waits for the build of these commits' });
    await settled();
    assert.deepEqual(await subjects('app', 3), [], 'the older sha is never deployed');
    assert.match(heading('app', 3), /Preview waiting for the build/);
    repo.updateCheckRun(newer.id, { status: 'completed', conclusion: 'success' });
    await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'app', sha: sha(8), name: 'build', conclusion: 'success', pr: 3 }));
    await f.until('the create commit', async () => (await subjects('app', 3)).length > 0);
    await settled();
    assert.deepEqual(await subjects('app', 3), [`preview(demo/app#3): create at ${sha(8).slice(0, 7)}`]);
  });

  test('the check event lost: the resync asks GitHub and deploys it', async () => {
    const repo = f.github.repo('demo/app');
    const run = repo.addCheckRun(sha(3), { name: 'build', status: 'in_progress' });
    await open('app', 2, sha(3));
    await waitingComment('app', 2, sha(3));
    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'success' });
    // No check_run delivery: GitHub's webhook was lost.
    await f.service.resync();
    await f.until('the create commit after the resync', async () => (await subjects('app', 2)).length > 0);
    await settled();
    assert.deepEqual(await subjects('app', 2), [`preview(demo/app#2): create at ${sha(3).slice(0, 7)}`]);
    f.github.assertNoViolations();
  });

  test('"ci / *" as a glob: every matching run must pass', async () => {
    const repo = f.github.repo('demo/glob');
    repo.addCheckRun(sha(4), { name: 'ci / image', conclusion: 'success' });
    const tests = repo.addCheckRun(sha(4), { name: 'ci / test', status: 'in_progress' });
    repo.addCheckRun(sha(4), { name: 'lint', conclusion: 'failure' });
    await open('glob', 1, sha(4));
    const body = await waitingComment('glob', 1, sha(4));
    assert.match(body, /\*\*ci \/ test\*\*/);
    assert.doesNotMatch(body, /ci \/ image|lint/, 'what passed, and what the glob does not match, are not waited for');
    repo.updateCheckRun(tests.id, { status: 'completed', conclusion: 'success' });
    await f.deliver('check_run', checkRunPayload({ owner: 'demo', repo: 'glob', sha: sha(4), name: 'ci / test', conclusion: 'success', pr: 1 }));
    await f.until('the create commit', async () => (await subjects('glob', 1)).length > 0);
    await settled();
    assert.deepEqual(await subjects('glob', 1), [`preview(demo/glob#1): create at ${sha(4).slice(0, 7)}`]);
  });

  test('a commit status context instead of a check run; the status event deploys it', async () => {
    const repo = f.github.repo('demo/jenkins');
    repo.addCiStatus(sha(5), { context: 'ci/jenkins', state: 'pending', targetUrl: 'https://jenkins.example.com/job/7' });
    await open('jenkins', 1, sha(5));
    const body = await waitingComment('jenkins', 1, sha(5));
    assert.match(body, /\*\*ci\/jenkins\*\* \(\[details\]\(https:\/\/jenkins\.example\.com\/job\/7\)\): pending/);
    repo.addCiStatus(sha(5), { context: 'ci/jenkins', state: 'success', targetUrl: 'https://jenkins.example.com/job/7' });
    const res = await f.deliver('status', statusPayload({ owner: 'demo', repo: 'jenkins', sha: sha(5), context: 'ci/jenkins', state: 'success' }));
    assert.deepEqual(await res.json(), { accepted: true });
    await f.until('the create commit', async () => (await subjects('jenkins', 1)).length > 0);
    await settled();
    assert.deepEqual(await subjects('jenkins', 1), [`preview(demo/jenkins#1): create at ${sha(5).slice(0, 7)}`]);
  });

  test('the timeout: said in the comment, nothing deployed', async () => {
    const repo = f.github.repo('demo/slow');
    repo.addCheckRun(sha(6), { name: 'build', status: 'in_progress' });
    await open('slow', 1, sha(6));
    await waitingComment('slow', 1, sha(6));
    offsetMs = 31 * 60_000;
    await f.service.resync();
    const body = await f.until('the comment saying the build never finished', () => /Preview failed/.test(heading('slow', 1)) ? comment('slow', 1) : undefined);
    assert.match(body, /its build did not finish within 30m/);
    assert.match(body, /\*\*build\*\*.*: in progress/);
    const status = await f.until('the failed commit status', () => previewdStatus('slow', sha(6))?.state === 'failure' ? previewdStatus('slow', sha(6)) : undefined);
    assert.equal(status.description, 'Preview failed: not finished within 30m: build');
    await settled();
    assert.deepEqual(await subjects('slow', 1), [], 'nothing deployed');
    f.github.assertNoViolations();
  });
});

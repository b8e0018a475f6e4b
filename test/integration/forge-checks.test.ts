import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { buildVerdict } from '../../src/domain/build-verdict.ts';
import { compileWaitFor } from '../../src/domain/wait-for.ts';
import { costOf, pullSha, rejection, tokenForge } from '../helpers/forge-test-kit.ts';
import { createFakeGitHub, serverError, type FakeGitHub } from '../helpers/fake-github.ts';

const TOKEN = 'ghp_previewdChecks0123456789abcdefABCDEFGH';

describe('ForgeChecks on the Octokit forge against the fake GitHub', () => {
  let github: FakeGitHub;

  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
  });
  afterEach(() => github.assertNoViolations());
  after(() => github.close());

  test('check runs: the newest of each name; unchanged → one 304, no rate limit; a run completing → 200 and the new state', async () => {
    const repo = github.repo('acme/shop');
    const sha = pullSha(1);
    const shop = { owner: 'acme', repo: 'shop' };
    const forge = tokenForge(github, TOKEN);
    const failed = repo.addCheckRun(sha, { name: 'build', conclusion: 'failure', at: new Date('2026-01-01T00:00:00Z') });
    const rerun = repo.addCheckRun(sha, { name: 'build', at: new Date('2026-01-01T00:05:00Z') });
    repo.addCheckRun(sha, { name: 'ci / image', status: 'queued', at: new Date('2026-01-01T00:05:00Z') });
    repo.addCheckRun(pullSha(2), { name: 'build', conclusion: 'success' });

    const first = await costOf(github, () => forge.listCheckRuns(shop, sha));
    assert.deepEqual(first.requests, ['GET checks/list-for-ref 200']);
    assert.equal(first.points, 1);
    assert.equal(first.result.changed, true);
    assert.deepEqual(first.result.runs.map((r) => [r.name, r.status, r.conclusion]).sort(), [['build', 'in_progress', null], ['ci / image', 'queued', null]]);
    const build = first.result.runs.find((r) => r.name === 'build')!;
    assert.equal(build.id, rerun.id, 'the re-run, not the failed run before it');
    assert.notEqual(build.id, failed.id);
    assert.equal(build.startedAt, '2026-01-01T00:05:00Z');
    assert.match(build.url ?? '', /^https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/job\/\d+$/);
    assert.equal(github.requestsFor('checks/list-for-ref').at(-1)?.path, `/repos/acme/shop/commits/${sha}/check-runs?filter=latest&per_page=100`);

    const again = await costOf(github, () => forge.listCheckRuns(shop, sha));
    assert.deepEqual(again.requests, ['GET checks/list-for-ref 304']);
    assert.equal(again.points, 0);
    assert.deepEqual(again.result, { runs: first.result.runs, changed: false });

    repo.updateCheckRun(rerun.id, { status: 'completed', conclusion: 'success' });
    const done = await costOf(github, () => forge.listCheckRuns(shop, sha));
    assert.deepEqual(done.requests, ['GET checks/list-for-ref 200']);
    assert.equal(done.result.changed, true);
    assert.deepEqual(done.result.runs.find((r) => r.name === 'build')?.conclusion, 'success');

    // What the wait decides from these answers.
    const wait = compileWaitFor({ checks: ['build', 'ci / *'], timeout: '2h', image: false });
    const verdict = buildVerdict(wait, { checkRuns: done.result.runs, statuses: [], startedAt: new Date('2026-01-01T00:00:00Z'), now: new Date('2026-01-01T00:10:00Z') });
    assert.deepEqual(verdict.verdict === 'wait' ? verdict.pending.map((p) => `${p.name}=${p.state}`) : verdict, ['ci / image=queued']);
  });

  test('check runs over several pages: every page, each conditional', async () => {
    const repo = github.repo('acme/matrix');
    const sha = pullSha(3);
    for (let i = 0; i < 25; i += 1) repo.addCheckRun(sha, { name: `test (${i})`, conclusion: 'success' });
    const forge = tokenForge(github, TOKEN, { perPage: 10 });
    const matrix = { owner: 'acme', repo: 'matrix' };
    const first = await costOf(github, () => forge.listCheckRuns(matrix, sha));
    assert.equal(first.result.runs.length, 25);
    assert.deepEqual(first.requests, ['GET checks/list-for-ref 200', 'GET checks/list-for-ref 200', 'GET checks/list-for-ref 200']);
    const again = await costOf(github, () => forge.listCheckRuns(matrix, sha));
    assert.deepEqual(again.requests, ['GET checks/list-for-ref 304', 'GET checks/list-for-ref 304', 'GET checks/list-for-ref 304']);
    assert.equal(again.points, 0);
    assert.equal(again.result.changed, false);
  });

  test('commit statuses: the newest of each context, previewd’s own included (the verdict skips it); 304 when unchanged', async () => {
    const repo = github.repo('acme/legacy');
    const sha = pullSha(4);
    const legacy = { owner: 'acme', repo: 'legacy' };
    const forge = tokenForge(github, TOKEN);
    repo.addCiStatus(sha, { context: 'ci/jenkins', state: 'pending', targetUrl: 'https://ci.example.com/job/7', at: new Date('2026-01-01T00:01:00Z') });
    await forge.setCommitStatus(legacy, sha, { context: 'previewd', state: 'pending', description: 'Preview waiting for build' });

    const first = await costOf(github, () => forge.listCommitStatuses(legacy, sha));
    assert.deepEqual(first.requests, ['GET repos/get-combined-status-for-ref 200']);
    assert.deepEqual(first.result.statuses.map((s) => [s.context, s.state, s.url]), [['ci/jenkins', 'pending', 'https://ci.example.com/job/7'], ['previewd', 'pending', null]]);
    assert.equal(first.result.statuses[0]?.since, '2026-01-01T00:01:00Z');

    const again = await costOf(github, () => forge.listCommitStatuses(legacy, sha));
    assert.deepEqual(again.requests, ['GET repos/get-combined-status-for-ref 304']);
    assert.equal(again.points, 0);
    assert.equal(again.result.changed, false);

    repo.addCiStatus(sha, { context: 'ci/jenkins', state: 'success', targetUrl: 'https://ci.example.com/job/7' });
    const done = await forge.listCommitStatuses(legacy, sha);
    assert.equal(done.changed, true);
    assert.deepEqual(done.statuses.map((s) => [s.context, s.state]), [['ci/jenkins', 'success'], ['previewd', 'pending']]);
    const verdict = buildVerdict(compileWaitFor({ checks: ['ci/*', '*'], timeout: '2h', image: false }), { checkRuns: [], statuses: done.statuses, startedAt: new Date(), now: new Date() });
    assert.equal(verdict.verdict, 'pass', 'previewd’s own pending status never holds the wait');
  });

  test('a sha with nothing reported: empty lists', async () => {
    github.repo('acme/quiet');
    const forge = tokenForge(github, TOKEN);
    assert.deepEqual(await forge.listCheckRuns({ owner: 'acme', repo: 'quiet' }, pullSha(5)), { runs: [], changed: true });
    assert.deepEqual(await forge.listCommitStatuses({ owner: 'acme', repo: 'quiet' }, pullSha(5)), { statuses: [], changed: true });
  });

  test('pullRequestsForCommit: the open pull requests whose head is the sha, forks included', async () => {
    const repo = github.repo('acme/prs');
    const sha = pullSha(6);
    repo.setPull(6, { headSha: sha }).setPull(7, { headSha: sha, fork: 'someone' }).setPull(8, { headSha: sha, state: 'closed' }).setPull(9, { headSha: pullSha(9) });
    const forge = tokenForge(github, TOKEN);
    const found = await costOf(github, () => forge.pullRequestsForCommit({ owner: 'acme', repo: 'prs' }, sha));
    assert.deepEqual(found.result.map((p) => [p.pr, p.fork]).sort(), [[6, false], [7, true]]);
    assert.deepEqual(found.requests, ['GET repos/list-pull-requests-associated-with-commit 200']);
  });

  test('errors: a 5xx is retried; a missing repository is a ForgeError naming the call', async () => {
    const repo = github.repo('acme/flaky');
    const sha = pullSha(10);
    repo.addCheckRun(sha, { name: 'build', conclusion: 'success' });
    const forge = tokenForge(github, TOKEN);
    github.failNext('GET', '/repos/acme/flaky/commits/*/check-runs', serverError(502));
    assert.equal((await forge.listCheckRuns({ owner: 'acme', repo: 'flaky' }, sha)).runs.length, 1);
    const missing = await rejection(forge.listCommitStatuses({ owner: 'acme', repo: 'nowhere' }, sha));
    assert.equal(missing.transient, false);
    assert.equal(missing.status, 404);
    assert.match(missing.message, /reading the commit statuses of acme\/nowhere at aaaaaaa/);
  });
});

describe('the fake’s check runs and combined status have the fields GitHub’s own examples have', () => {
  test('the documented examples’ keys, at every level the wait reads', async () => {
    const { loadGitHubSpec } = await import('../helpers/fake-github.ts');
    const spec = loadGitHubSpec();
    const github = await createFakeGitHub({ spec });
    try {
      github.addToken(TOKEN);
      const repo = github.repo('acme/shape');
      const sha = pullSha(11);
      repo.setPull(11, { headSha: sha });
      repo.addCheckRun(sha, { name: 'build', conclusion: 'success' });
      repo.addCiStatus(sha, { context: 'ci/jenkins', state: 'success', targetUrl: 'https://ci.example.com/1' });
      const octokit = await tokenForge(github, TOKEN).octokitFor({ owner: 'acme', repo: 'shape' });
      const runs = (await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { owner: 'acme', repo: 'shape', ref: sha })).data as unknown as Record<string, unknown>;
      const combined = (await octokit.request('GET /repos/{owner}/{repo}/commits/{ref}/status', { owner: 'acme', repo: 'shape', ref: sha })).data as unknown as Record<string, unknown>;
      const examples = (spec.document as unknown as { components: { examples: Record<string, { value: Record<string, unknown> }> } }).components.examples;
      const keys = (o: unknown) => Object.keys(o as object).sort();
      const documentedRuns = examples['check-run-paginated']!.value;
      assert.deepEqual(keys(runs), keys(documentedRuns));
      const documentedRun = (documentedRuns.check_runs as unknown[])[0] as Record<string, unknown>;
      const run = (runs.check_runs as unknown[])[0] as Record<string, unknown>;
      // `deployment` is only there for runs a deployment made.
      assert.deepEqual(keys(run), keys(documentedRun).filter((k) => k !== 'deployment'));
      assert.deepEqual(keys(run.output), keys(documentedRun.output));
      assert.deepEqual(keys(run.app), keys(documentedRun.app).filter((k) => k !== 'installations_count'));
      assert.deepEqual(keys((run.pull_requests as unknown[])[0]), keys((documentedRun.pull_requests as unknown[])[0]));
      const documentedCombined = examples['combined-commit-status']!.value;
      assert.deepEqual(keys(combined), keys(documentedCombined));
      assert.deepEqual(keys((combined.statuses as unknown[])[0]), keys((documentedCombined.statuses as unknown[])[0]));
      github.assertNoViolations();
    } finally {
      await github.close();
    }
  });
});

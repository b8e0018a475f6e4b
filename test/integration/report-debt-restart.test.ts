import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { freePort } from '../helpers/free-port.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deliverTo, startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const SECRET = 'report-debt-webhook-secret';
const TOKEN = 'ghp_reportDebtToken0123456789abcdefABCDEF';
const PRS = 6;
const sha = (pr: number) => `d${pr.toString(16).padStart(39, '0')}`;
const prs = Array.from({ length: PRS }, (_, i) => i + 1);

async function until(what: string, check: () => Promise<boolean> | boolean, ms: number, log: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}:\n${log().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function environments(remote: GitOpsRemote): Promise<number> {
  const listing = await git(remote.bare, ['ls-tree', '-r', '--name-only', 'main', 'previews/demo/app']).catch(() => '');
  return [...listing.matchAll(/pr-\d+\/preview\.json/g)].length;
}

/** Each PR's previewd comments (by the marker every one carries). */
function previewdComments(github: FakeGitHub, pr: number): number {
  return github.repo('demo/app').comments(pr).filter((c) => c.body.includes('<!-- previewd:')).length;
}

/** The latest status of the PR's Deployments of its head sha (one per Deployment; none: not deployed). */
function deploymentStates(github: FakeGitHub, pr: number): string[] {
  const repo = github.repo('demo/app');
  return repo.deployments().filter((d) => d.sha === sha(pr)).map((d) => repo.deploymentStatuses(d.id).at(-1)?.state ?? 'none');
}

describe('feedback that survives: the reports a stop or a kill left owed are sent after the next start', () => {
  test('SIGTERM exits 0 within SHUTDOWN_TIMEOUT with reports owed; kill -9 mid-reports; each restart reports every PR, one comment each, without a new event', { timeout: 240_000 }, async () => {
    const github = await createFakeGitHub();
    const remote = await createGitOpsRemote(skeletonFiles());
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-report-debt-'));
    let proc: PreviewdProcess | undefined;
    try {
      github.addToken(TOKEN);
      for (const pr of prs) github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(pr), headRef: `feature-${pr}`, user: 'alice' });
      const env = {
        PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: join(cwd, 'data'), WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
        GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, SHUTDOWN_TIMEOUT: '1s', LOG_LEVEL: 'info',
      };
      proc = await startPreviewdProcess(env, cwd);
      const first = proc;
      for (const pr of prs) {
        const answer = await deliverTo(first.url, SECRET, 'pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' }), `open-${pr}`);
        assert.deepEqual(answer, { status: 202 });
      }
      await until('every environment on the remote', async () => (await environments(remote)) === PRS, 60_000, first.log);
      // GitHub's pace (3 s between comments) leaves most of the reports owed when SIGTERM comes.
      const code = await first.stop(40_000);
      assert.equal(code, 0, `exit 0 after SHUTDOWN_TIMEOUT, not a SIGKILL:\n${first.log().slice(-4000)}`);
      proc = undefined;
      assert.match(first.log(), /SHUTDOWN_TIMEOUT reached with pull-request reports still owed/);
      const unreported = prs.filter((pr) => previewdComments(github, pr) === 0);
      assert.ok(unreported.length > 0, 'the stop left PRs without a comment (the precondition of the restart)');
      const record = JSON.parse(await readFile(join(cwd, 'data', 'reports-owed.json'), 'utf8')) as { owed: Array<{ pr: number }> };
      for (const pr of unreported) assert.ok(record.owed.some((o) => o.pr === pr), `PR ${pr} is in the record of what is owed`);

      // A restart, no event: the record is what brings the reports. Killed once mid-way, then again.
      proc = await startPreviewdProcess(env, cwd);
      const second = proc;
      await until('a report sent after the restart', () => prs.some((pr) => unreported.includes(pr) && previewdComments(github, pr) === 1), 60_000, second.log);
      await second.kill9();
      proc = await startPreviewdProcess(env, cwd);
      const third = proc;
      await until('every PR reported: a comment and a Deployment of its sha', () => prs.every((pr) => previewdComments(github, pr) >= 1 && deploymentStates(github, pr).some((s) => s !== 'none')), 150_000, third.log);
      for (const pr of prs) {
        assert.equal(previewdComments(github, pr), 1, `PR ${pr} has exactly one previewd comment`);
        // Committed to git, no cluster to say more: what the first run would have said.
        const comment = github.repo('demo/app').comments(pr).find((c) => c.body.includes('<!-- previewd:'));
        assert.match(comment?.body ?? '', new RegExp(sha(pr).slice(0, 7)), `PR ${pr}'s comment names its sha`);
        // A kill between GitHub's 201 and previewd remembering the id must not make a second one.
        assert.equal(deploymentStates(github, pr).length, 1, `PR ${pr} has exactly one Deployment of its sha`);
      }
      await until('nothing owed any more', async () => {
        const now = JSON.parse(await readFile(join(cwd, 'data', 'reports-owed.json'), 'utf8')) as { owed: unknown[] };
        return now.owed.length === 0;
      }, 60_000, third.log);
      const metrics = await (await fetch(`${third.url}/metrics`)).text();
      assert.match(metrics, /^previewd_reports_owed 0$/m);
      assert.match(metrics, /^previewd_reports_oldest_owed_seconds 0$/m);
      assert.equal(await third.stop(40_000), 0);
      proc = undefined;
      github.assertNoViolations();
    } finally {
      proc?.child.kill('SIGKILL');
      await github.close();
      await remote.close();
      await rm(cwd, { recursive: true, force: true });
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFakeGitHub } from '../helpers/fake-github.ts';
import { freePort } from '../helpers/free-port.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { deliverOpened, deploymentStates, environmentsOnRemote, expectedDeploymentState, openPulls, owedInRecord, previewdComments, until } from '../helpers/report-assertions.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';

const SECRET = 'report-debt-webhook-secret';
const TOKEN = 'ghp_reportDebtToken0123456789abcdefABCDEF';
const PRS = 10;
const sha = (pr: number) => `d${pr.toString(16).padStart(39, '0')}`;
const prs = Array.from({ length: PRS }, (_, i) => i + 1);

describe('feedback that survives: the reports a stop or a kill left owed are sent after the next start', () => {
  test('10 PRs, SIGTERM right after their 202s: every commit on the remote, exit 0 within SHUTDOWN_TIMEOUT with reports owed; kill -9 mid-reports; each restart reports every PR, one comment each, without a new event', { timeout: 240_000 }, async () => {
    const github = await createFakeGitHub();
    const remote = await createGitOpsRemote(skeletonFiles());
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-report-debt-'));
    const dataDir = join(cwd, 'data');
    let proc: PreviewdProcess | undefined;
    try {
      github.addToken(TOKEN);
      openPulls(github, prs, sha);
      // A gap of 300 ms between writes (GitHub's own pace, 1 s and 3 s, would make this test minutes long)
      // still leaves most of the 10 PRs' 40 writes owed when SIGTERM comes with a 1 s budget.
      const env = {
        PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
        GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_WRITE_INTERVAL: '300ms', SHUTDOWN_TIMEOUT: '1s', LOG_LEVEL: 'info',
      };
      proc = await startPreviewdProcess(env, cwd);
      const first = proc;
      await deliverOpened(first.url, SECRET, prs, sha);
      const code = await first.stop(40_000);
      assert.equal(code, 0, `exit 0 after SHUTDOWN_TIMEOUT, not a SIGKILL:\n${first.log().slice(-4000)}`);
      proc = undefined;
      assert.equal(await environmentsOnRemote(remote), PRS, 'what was accepted was published before the exit');
      assert.match(first.log(), /SHUTDOWN_TIMEOUT reached with pull-request reports still owed/);
      const unreported = prs.filter((pr) => previewdComments(github, pr).length === 0);
      assert.ok(unreported.length > 0, 'the stop left PRs without a comment (the precondition of the restart)');
      const record = await owedInRecord(dataDir);
      for (const pr of unreported) assert.ok(record.includes(pr), `PR ${pr} is in the record of what is owed`);

      // A restart, no event: the record is what brings the reports. Killed once mid-way, then again.
      proc = await startPreviewdProcess(env, cwd);
      const second = proc;
      await until('a report sent after the restart', () => unreported.some((pr) => previewdComments(github, pr).length === 1), 60_000, second.log);
      await second.kill9();
      proc = await startPreviewdProcess(env, cwd);
      const third = proc;
      await until('every PR reported: a comment and a Deployment of its sha', () => prs.every((pr) => previewdComments(github, pr).length >= 1 && deploymentStates(github, sha(pr)).some((s) => s !== 'none')), 150_000, third.log);
      await until('nothing owed any more', async () => (await owedInRecord(dataDir)).length === 0, 60_000, third.log);
      for (const pr of prs) {
        const comments = previewdComments(github, pr);
        assert.equal(comments.length, 1, `PR ${pr} has exactly one previewd comment`);
        assert.match(comments[0] ?? '', new RegExp(sha(pr).slice(0, 7)), `PR ${pr}'s comment names its sha`);
        // A kill between GitHub's 201 and previewd remembering the id must not make a second one.
        assert.deepEqual(deploymentStates(github, sha(pr)), [await expectedDeploymentState(third.url, pr)], `PR ${pr}: one Deployment of its sha, its latest status the state previewd shows`);
      }
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

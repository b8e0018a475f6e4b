import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createFakeGitHub, lostAnswer } from '../helpers/fake-github.ts';
import { freePort } from '../helpers/free-port.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { startPreviewdProcess, type PreviewdProcess } from '../helpers/previewd-process.ts';
import { deliverOpened, deploymentStates, environmentsOnRemote, expectedDeploymentState, openPulls, owedInRecord, previewdComments, until } from '../helpers/report-assertions.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';

const SECRET = 'report-kills-webhook-secret';
const TOKEN = 'ghp_reportKillsToken0123456789abcdefABCDE';
const PRS = 50;
/** The PR whose first comment GitHub makes and whose answer never reaches previewd before the kill. */
const LOST = 3;
const sha = (pr: number) => `e${pr.toString(16).padStart(39, '0')}`;
const prs = Array.from({ length: PRS }, (_, i) => i + 1);

describe('feedback that survives kills: 50 PRs, kill -9 at three moments, SIGTERM, and still one comment each', () => {
  test('killed after the commits (a comment made, its 201 never heard), killed mid-reports, stopped by SIGTERM: the fourth start reports every PR once', { timeout: 280_000 }, async () => {
    const github = await createFakeGitHub();
    // The skeleton caps an app at 20 previews; these 50 all get one.
    const files = skeletonFiles();
    const remote = await createGitOpsRemote({ ...files, 'previewd.yaml': (files['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 60') });
    const cwd = await mkdtemp(join(tmpdir(), 'previewd-report-kills-'));
    const dataDir = join(cwd, 'data');
    let proc: PreviewdProcess | undefined;
    const commented = () => prs.filter((pr) => previewdComments(github, pr).length > 0).length;
    try {
      github.addToken(TOKEN);
      openPulls(github, prs, sha);
      github.failNext('POST', `/repos/demo/app/issues/${LOST}/comments`, lostAnswer());
      const env = {
        PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: dataDir, WEBHOOK_SECRET: SECRET, GITOPS_REPO_URL: remote.url,
        GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, GITHUB_WRITE_INTERVAL: '100ms', SHUTDOWN_TIMEOUT: '1s', LOG_LEVEL: 'info',
      };
      proc = await startPreviewdProcess(env, cwd);
      const first = proc;
      await deliverOpened(first.url, SECRET, prs, sha);
      // Moment 1 and 3 at once: PR 3's comment exists on GitHub, previewd never heard the 201 (it waits
      // for an answer that does not come); many PRs have no report yet.
      await until('PR 3\'s comment made with its answer lost', () => github.lost.length === 1, 60_000, first.log);
      await first.kill9();
      proc = undefined;
      assert.equal(previewdComments(github, LOST).length, 1);
      const reportedBeforeKill = commented();
      assert.ok(reportedBeforeKill < PRS, `PRs without a report when killed (${reportedBeforeKill} of ${PRS} had one)`);

      // Moment 2: in the middle of the reports.
      proc = await startPreviewdProcess(env, cwd);
      const second = proc;
      await until('more PRs reported after the restart', () => commented() >= Math.min(PRS - 1, reportedBeforeKill + 5), 90_000, second.log);
      await second.kill9();
      proc = undefined;

      // SIGTERM with reports still owed: exit 0 within the budget, what is owed left in the record.
      proc = await startPreviewdProcess(env, cwd);
      const third = proc;
      await until('every environment on the remote', async () => (await environmentsOnRemote(remote)) === PRS, 60_000, third.log);
      const code = await third.stop(40_000);
      proc = undefined;
      assert.equal(code, 0, `SIGTERM: exit 0, not a SIGKILL:\n${third.log().slice(-4000)}`);

      proc = await startPreviewdProcess(env, cwd);
      const fourth = proc;
      await until('every PR reported: a comment and a Deployment of its sha', () => prs.every((pr) => previewdComments(github, pr).length >= 1 && deploymentStates(github, sha(pr)).some((s) => s !== 'none')), 150_000, fourth.log);
      await until('nothing owed any more', async () => (await owedInRecord(dataDir)).length === 0, 60_000, fourth.log);
      for (const pr of prs) {
        assert.equal(previewdComments(github, pr).length, 1, `PR ${pr} has exactly one previewd comment`);
        assert.deepEqual(deploymentStates(github, sha(pr)), [await expectedDeploymentState(fourth.url, pr)], `PR ${pr}: one Deployment of its sha, its latest status the state previewd shows`);
      }
      assert.equal(await fourth.stop(40_000), 0);
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

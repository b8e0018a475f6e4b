import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PreviewJson } from '../../src/domain/preview-json.ts';
import type { BuildWaitView } from '../../src/domain/render-build-wait.ts';
import { composeReport } from '../../src/reconciler/compose-report.ts';
import type { PreviewStatus } from '../../src/reconciler/preview-status-book.ts';

// What the PR hears while a sha waits for its build (issue 13): the comment, the previewd commit
// status and the Deployment, from the status the plan's hold leaves.
const ENV = { owner: 'acme', repo: 'shop', pr: 42 };
const HEAD = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const OLD = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
const NOW = new Date('2025-01-02T03:10:00Z');
const compose = composeReport({ cluster: null, store: { contains: async () => true }, gitopsWeb: null, gitopsBranch: 'main', now: () => NOW });

const waiting: BuildWaitView = {
  verdict: 'wait', sha: HEAD, since: '2025-01-02T03:00:00.000Z', deadline: '2025-01-02T05:00:00.000Z', timeout: '2h',
  pending: [{ name: 'build', kind: 'check', state: 'in_progress', url: 'https://github.com/acme/shop/actions/runs/1/job/2', since: '2025-01-02T03:01:00Z' }, { name: 'ci / *', kind: 'expected', state: 'expected', url: null, since: null }],
};
const failed: BuildWaitView = { verdict: 'fail', sha: HEAD, failed: { name: 'build', kind: 'check', conclusion: 'failure', url: 'https://github.com/acme/shop/actions/runs/1/job/2' } };
const running: PreviewJson = {
  id: 'pv-shop-42-k3j5x7qa', namespace: 'pv-shop-42-k3j5x7qa', repo: 'acme/shop', pr: 42, sha: OLD, branch: 'feature', url: 'https://pv-shop-42-k3j5x7qa.preview.example.com',
  author: 'alice', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', expiresAt: '2025-01-04T00:00:00.000Z', preservedUntil: null,
};
const status = (fields: Partial<PreviewStatus>): PreviewStatus => ({ env: ENV, state: 'building', sha: HEAD, at: NOW.toISOString(), ...fields });

describe('the report of a sha waiting for its build', () => {
  test('building, new PR: pending commit status and Deployment naming what it waits for; the comment lists each with its link', async () => {
    const report = await compose(status({ build: waiting, reason: 'waiting for build: build, ci / *' }));
    assert.ok(report);
    assert.equal(report.state, 'building');
    assert.deepEqual(report.commitStatus, { state: 'pending', description: 'Preview waiting for build: build, ci / *' });
    assert.deepEqual(report.deployment, { state: 'pending', environment: 'preview/shop#42', description: 'Preview waiting for build: build, ci / *' });
    assert.match(report.comment, /### 🏗️ Preview waiting for the build/);
    assert.match(report.comment, /previewd deploys this commit `1a2b3c4` once its build is done\. Waiting since 2025-01-02 03:00 UTC \(at most until 2025-01-02 05:00 UTC\) for:/);
    assert.match(report.comment, /\* \*\*build\*\* \(\[details\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/1\/job\/2\)\): in progress since 2025-01-02 03:01 UTC/);
    assert.match(report.comment, /\* \*\*ci \/ \\\*\*\*: no check or status of this name has reported yet/);
    assert.doesNotMatch(report.comment, /waiting for build: build, ci/, 'the reason is not said twice');
    assert.doesNotMatch(report.comment, /URL:/, 'nothing runs yet');
  });

  test('building over a running environment: the facts are of the sha that runs, and the comment says it keeps running', async () => {
    const report = await compose(status({ build: waiting, preview: running, commit: 'c'.repeat(40), published: true }));
    assert.ok(report);
    assert.match(report.comment, /Note: The environment keeps running 9f8e7d6 meanwhile\./);
    assert.match(report.comment, /\*\*App commit:\*\* `9f8e7d6`/);
    assert.match(report.comment, /\*\*URL:\*\* \[https:\/\/pv-shop-42-k3j5x7qa\.preview\.example\.com\]/);
    assert.equal(report.commitStatus?.state, 'pending', 'the status is of the head sha, which waits');
  });

  test('a failed check: failure naming the check and its conclusion; the Deployment fails', async () => {
    const report = await compose(status({ state: 'failed', build: failed, reason: 'build failed: build failure', preview: running }));
    assert.ok(report);
    assert.deepEqual(report.commitStatus, { state: 'failure', description: 'Preview failed: build failure', targetUrl: running.url });
    assert.equal(report.deployment?.state, 'failure');
    assert.match(report.comment, /Nothing was deployed for this commit `1a2b3c4`: its check \[build\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/1\/job\/2\) ended with \*\*failure\*\*/);
    assert.doesNotMatch(report.comment, /keeps running 9f8e7d6 meanwhile/, 'the failure says so itself');
  });

  test('a failure that is not the build\'s keeps Argo CD\'s reasons and no build words', async () => {
    const report = await compose(status({ state: 'failed', reason: 'the push was refused' }));
    assert.ok(report);
    assert.match(report.comment, /\* the push was refused/);
    assert.equal(report.commitStatus?.description, 'Preview failed');
  });
});

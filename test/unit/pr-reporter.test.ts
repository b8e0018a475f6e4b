import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForgeError, type ForgeReports } from '../../src/ports/forge.ts';
import { createPrReporter, type ReportText } from '../../src/reconciler/pr-reporter.ts';
import type { PreviewStatus } from '../../src/reconciler/preview-status-book.ts';

const env = { owner: 'acme', repo: 'shop', pr: 42 };
const sha = 'a'.repeat(40);

function recordingForge(failTimes = 0, existing: number | null = null): ForgeReports & { calls: string[] } {
  const calls: string[] = [];
  let failures = failTimes;
  let next = 100;
  return {
    calls,
    async findDeployment(_repo, input) {
      calls.push(`find-deployment ${input.sha.slice(0, 3)} ${input.environment}`);
      return existing;
    },
    async upsertComment(_repo, _pr, _marker, body, ctx) {
      if (failures-- > 0) throw new ForgeError('GitHub answered 502', true, 502);
      calls.push(`comment ${ctx?.knownId ?? 'new'} ${ctx?.searchFirst === false ? 'no-search' : 'search'} ${body}`);
      return { id: ctx?.knownId ?? 7, action: ctx?.knownId ? 'updated' : 'created' };
    },
    async createDeployment(_repo, input) {
      calls.push(`deployment ${input.sha.slice(0, 3)} ${input.environment}`);
      return next++;
    },
    async setDeploymentStatus(_repo, id, input) {
      calls.push(`deployment-status ${id} ${input.state}${input.environmentUrl ? ` ${input.environmentUrl}` : ''}`);
    },
    async setCommitStatus(_repo, s, input) {
      calls.push(`commit-status ${s.slice(0, 3)} ${input.context} ${input.state}`);
    },
  };
}

function text(state: string, extra: Partial<ReportText> = {}): ReportText {
  const deployment = state === 'ready' ? 'success' : state === 'destroyed' ? 'inactive' : 'in_progress';
  return {
    marker: '<!-- m -->', comment: `<!-- m -->\n${state}`, logText: `preview ${state}`, state,
    deployment: { state: deployment, environment: 'preview/shop#42', description: state, ...(state === 'ready' ? { url: 'https://x' } : {}) },
    commitStatus: state === 'ready' ? { state: 'success', description: 'ready' } : null,
    ...extra,
  };
}

function reporterWith(forge: ForgeReports | null, states: string[], logs: string[] = [], firstReport = true) {
  let current = 'committed';
  const status = (): PreviewStatus => ({ env, state: 'committed', sha, firstReport, at: '' });
  const reporter = createPrReporter({
    forge, status, compose: async () => text(current), debounceMs: 20, backoff: { baseMs: 5, maxMs: 20 },
    log: { info: (_o, msg) => void logs.push(msg), warn: () => undefined, error: () => undefined },
  });
  return { reporter, set: (s: string) => void (current = s), states };
}

describe('the PR reporter', () => {
  test('a burst of changes is one report; unchanged text writes nothing; a just-opened PR is not searched', async () => {
    const forge = recordingForge();
    const { reporter, set } = reporterWith(forge, []);
    for (let i = 0; i < 5; i++) reporter.touch(env);
    await reporter.idle();
    assert.deepEqual(forge.calls, ['comment new no-search <!-- m -->\ncommitted', 'deployment aaa preview/shop#42', 'deployment-status 100 in_progress']);
    forge.calls.length = 0;
    reporter.touch(env);
    await reporter.idle();
    assert.deepEqual(forge.calls, [], 'nothing changed, nothing sent');
    set('ready');
    reporter.touch(env);
    await reporter.idle();
    assert.deepEqual(forge.calls, ['comment 7 search <!-- m -->\nready', 'deployment-status 100 success https://x', 'commit-status aaa previewd success']);
    forge.calls.length = 0;
    set('destroyed');
    reporter.touch(env);
    await reporter.idle();
    assert.deepEqual(forge.calls, ['comment 7 search <!-- m -->\ndestroyed', 'deployment-status 100 inactive']);
  });

  test('a PR not opened in this process\'s life: its Deployment of the sha is looked for first and reused, never made twice', async () => {
    // As after a kill between GitHub's 201 for the Deployment and previewd remembering its id.
    const found = recordingForge(0, 55);
    const restarted = reporterWith(found, [], [], false);
    restarted.reporter.touch(env);
    await restarted.reporter.idle();
    assert.deepEqual(found.calls, ['comment new search <!-- m -->\ncommitted', 'find-deployment aaa preview/shop#42', 'deployment-status 55 in_progress']);
    found.calls.length = 0;
    restarted.set('ready');
    restarted.reporter.touch(env);
    await restarted.reporter.idle();
    assert.deepEqual(found.calls, ['comment 7 search <!-- m -->\nready', 'deployment-status 55 success https://x', 'commit-status aaa previewd success'], 'asked once, then remembered');

    const none = recordingForge(0, null);
    const fresh = reporterWith(none, [], [], false);
    fresh.reporter.touch(env);
    await fresh.reporter.idle();
    assert.deepEqual(none.calls, ['comment new search <!-- m -->\ncommitted', 'find-deployment aaa preview/shop#42', 'deployment aaa preview/shop#42', 'deployment-status 100 in_progress']);
  });

  test('a transient GitHub failure is retried with backoff, and the retry looks before it creates', async () => {
    // The failed attempt may have been carried out with its answer lost (a proxy timeout): the retry
    // searches for the marker and the sha's Deployment even for a PR opened in this process's life.
    const forge = recordingForge(2);
    const { reporter } = reporterWith(forge, []);
    reporter.touch(env);
    for (let i = 0; i < 50 && forge.calls.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await reporter.idle();
    assert.deepEqual(forge.calls, ['comment new search <!-- m -->\ncommitted', 'find-deployment aaa preview/shop#42', 'deployment aaa preview/shop#42', 'deployment-status 100 in_progress']);
  });

  test('with GitHub reporting off the text goes to the log, once per change', async () => {
    const logs: string[] = [];
    const { reporter, set } = reporterWith(null, [], logs);
    reporter.touch(env);
    await reporter.idle();
    reporter.touch(env);
    await reporter.idle();
    set('ready');
    reporter.touch(env);
    await reporter.idle();
    assert.deepEqual(logs, ['preview committed', 'preview ready']);
  });
});

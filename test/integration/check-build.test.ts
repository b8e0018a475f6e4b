import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createOciRegistry } from '../../src/adapters/registry/oci-registry.ts';
import { parseRegistryCredentials } from '../../src/domain/registry-credentials.ts';
import { renderComment } from '../../src/domain/render-comment.ts';
import { commitStatusFor } from '../../src/domain/report-calls.ts';
import { checkBuild, type CheckBuildInput } from '../../src/reconciler/check-build.ts';
import { costOf, pullSha, tokenForge } from '../helpers/forge-test-kit.ts';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { startRegistry, type RegistryServer } from '../helpers/registry-server.ts';

const TOKEN = 'ghp_previewdCheckBuild0123456789abcdefABCD';
const STARTED = new Date('2026-01-01T00:00:00Z');

describe('checkBuild: the wait’s gather step on the fake GitHub and a real registry', () => {
  let github: FakeGitHub;
  let registry: RegistryServer;
  before(async () => {
    [github, registry] = await Promise.all([createFakeGitHub(), startRegistry('htpasswd')]);
    github.addToken(TOKEN);
  });
  afterEach(() => github.assertNoViolations());
  after(() => Promise.all([github.close(), registry.close()]));

  function deps() {
    const credentials = parseRegistryCredentials(JSON.stringify({ auths: { [registry.host]: registry.user } }));
    assert.ok(credentials.ok);
    return { checks: tokenForge(github, TOKEN), registry: createOciRegistry({ credentials: credentials.credentials, log: pino({ level: 'silent' }) }) };
  }

  test('build running → building; build done, image missing → building on the image; image pushed → deploy', async () => {
    const repo = github.repo('acme/shop');
    const sha = pullSha(1);
    const run = repo.addCheckRun(sha, { name: 'build', at: new Date('2026-01-01T00:01:00Z') });
    const d = deps();
    const input: CheckBuildInput = {
      repo: { owner: 'acme', repo: 'shop' }, pr: 1, sha, app: { images: [`${registry.host}/acme/shop`], tagFormat: 'pr-{pr}-{short}' },
      wait: { checks: ['build'], timeout: '2h', image: true }, startedAt: STARTED, now: new Date('2026-01-01T00:05:00Z'),
    };
    const running = await checkBuild(d, input);
    assert.equal(running.outcome.state, 'building');
    assert.equal(running.outcome.deploy, false);
    assert.equal(running.outcome.detail, 'build');
    assert.equal(commitStatusFor('building', running.outcome.detail ?? undefined)?.description, 'Preview waiting for build: build');
    assert.match(renderComment({ env: { owner: 'acme', repo: 'shop', pr: 1 }, state: 'building', sha, build: running.outcome.build }), /\*\*build\*\* \(\[details\]\(https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/job\/\d+\)\): in progress since 2026-01-01 00:01 UTC/);

    const again = await costOf(github, () => checkBuild(d, input));
    assert.equal(again.result.changed, false);
    assert.deepEqual(again.requests, ['GET checks/list-for-ref 304', 'GET repos/get-combined-status-for-ref 304']);
    assert.equal(again.points, 0);

    repo.updateCheckRun(run.id, { status: 'completed', conclusion: 'success' });
    const noImage = await checkBuild(d, input);
    assert.equal(noImage.outcome.state, 'building');
    assert.equal(noImage.outcome.detail, `${registry.host}/acme/shop:pr-1-${sha.slice(0, 7)}`);

    await registry.push('acme/shop', `pr-1-${sha.slice(0, 7)}`);
    const ready = await checkBuild(d, input);
    assert.deepEqual(ready.outcome, { deploy: true, state: null, build: null, detail: null });
  });

  test('a failed check → failed, naming it; the timeout → failed, saying so', async () => {
    const repo = github.repo('acme/web');
    const d = deps();
    const base = { repo: { owner: 'acme', repo: 'web' }, app: { images: ['ghcr.io/acme/web'], tagFormat: '{sha}' }, startedAt: STARTED };
    repo.addCheckRun(pullSha(2), { name: 'ci / image', conclusion: 'failure' });
    const failed = await checkBuild(d, { ...base, pr: 2, sha: pullSha(2), wait: { checks: ['ci / *'], timeout: '2h', image: false }, now: new Date('2026-01-01T00:05:00Z') });
    assert.equal(failed.outcome.state, 'failed');
    assert.equal(failed.outcome.detail, 'ci / image failure');
    assert.match(renderComment({ env: { owner: 'acme', repo: 'web', pr: 2 }, state: 'failed', build: failed.outcome.build }), /its check \[ci \/ image\]\(https:\/\/github\.com\/acme\/web\/actions\/runs\/\d+\/job\/\d+\) ended with \*\*failure\*\*/);

    repo.addCiStatus(pullSha(3), { context: 'ci/jenkins', state: 'pending' });
    const late = await checkBuild(d, { ...base, pr: 3, sha: pullSha(3), wait: { checks: ['ci/jenkins'], timeout: '30m', image: false }, now: new Date('2026-01-01T00:30:00Z') });
    assert.equal(late.outcome.state, 'failed');
    assert.equal(late.verdict.verdict, 'timed-out');
    assert.equal(late.outcome.detail, 'not finished within 30m: ci/jenkins');
  });
});

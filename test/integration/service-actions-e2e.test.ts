import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createOctokitForge } from '../../src/adapters/github/octokit-forge.ts';
import { resyncOnce } from '../../src/jobs/resync-once.ts';
import { composeReport } from '../../src/reconciler/compose-report.ts';
import { createRegistryReader } from '../../src/reconciler/registry-reader.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { git } from '../helpers/git-cli.ts';
import { createFakeGitHub, type FakeGitHub } from '../helpers/fake-github.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { issueCommentPayload, pullRequestPayload } from '../helpers/webhook-examples.ts';
import { writeFile } from 'node:fs/promises';

// The commands, the TTL and a broken registry through the whole service: a signed webhook over
// loopback HTTP, the reconciler, the real git http-backend remote, and the GitHub fake (which checks
// every request against GitHub's OpenAPI description).
const TOKEN = 'ghp_serviceActionsToken0123456789abcdefAB';
const sha = (n: number): string => n.toString(16).padStart(40, 'e');
const pr1 = { owner: 'demo', repo: 'app', pr: 1 };
const pr2 = { owner: 'demo', repo: 'app', pr: 2 };
const folder = (pr: number): string => `previews/demo/app/pr-${pr}`;
const HOUR = 3_600_000;

describe('the service end to end: sleep, wake, rollback, redeploy, a broken previewd.yaml, expiry, preserve, destroy', () => {
  let github: FakeGitHub;
  let f: ServiceFixture;
  // The service's clock: real time until a test moves it on.
  let offsetMs = 0;
  const now = (): Date => new Date(Date.now() + offsetMs);

  before(async () => {
    github = await createFakeGitHub();
    github.addToken(TOKEN);
    const forge = createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token: TOKEN }, log: pino({ level: 'silent' }), retryBaseDelayMs: 5 });
    f = await startServiceFixture({ forge, lifecycle: forge, now });
  });
  after(async () => {
    await f.close();
    await github.close();
  });

  async function push(pr: number, n: number, action: string, delivery?: string): Promise<void> {
    github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(n), headRef: 'feature' });
    const r = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(n), action, branch: 'feature' }), delivery ? { delivery } : {});
    assert.equal(r.status, 202);
    await f.reconciler.idle();
  }

  // A maintainer writes the command in the PR (in the fake, as in the browser); GitHub sends the event.
  async function command(pr: number, body: string): Promise<number> {
    const repo = github.repo('demo/app').addComment(pr, body, 'maintainer');
    const id = repo.comments(pr).at(-1)?.id ?? 0;
    const r = await f.deliver('issue_comment', issueCommentPayload({ owner: 'demo', repo: 'app', pr, body, author: 'maintainer', association: 'OWNER', commentId: id }));
    assert.equal(r.status, 202);
    await f.reconciler.idle();
    return id;
  }

  const preview = async (pr: number): Promise<Record<string, unknown> | null> => {
    const text = await f.remote.remoteFile(`${folder(pr)}/preview.json`);
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  };
  const lastSubject = (pr: number): Promise<string> => git(f.remote.bare, ['log', '-1', '--format=%s', 'main', '--', folder(pr)]);
  const reactions = (comment: number): string[] => github.repo('demo/app').reactions(comment).map((r) => r.content);

  test('/preview sleep scales the app to zero in a commit; /preview wake brings it back', async () => {
    await push(1, 1, 'opened');
    await push(1, 2, 'synchronize');
    assert.equal((await preview(1))?.sha, sha(2));
    const sleep = await command(1, '/preview sleep');
    assert.match(await lastSubject(1), /^preview\(demo\/app#1\): sleep/);
    assert.equal((await preview(1))?.sleeping, true);
    assert.match((await f.remote.remoteFile(`${folder(1)}/kustomization.yaml`)) ?? '', /path: \/spec\/replicas\n\s+value: 0/);
    assert.equal(f.reconciler.statuses.get(pr1)?.state, 'sleeping');
    const wake = await command(1, '/preview wake');
    assert.match(await lastSubject(1), /^preview\(demo\/app#1\): wake/);
    assert.equal((await preview(1))?.sleeping, undefined);
    assert.match((await f.remote.remoteFile(`${folder(1)}/kustomization.yaml`)) ?? '', /path: \/spec\/replicas\n\s+value: 1/);
    assert.deepEqual([reactions(sleep), reactions(wake)], [['eyes', '+1'], ['eyes', '+1']], 'each command is seen and acknowledged in the PR');
    github.assertNoViolations();
  });

  test('/preview rollback goes back to the previous deploy; /preview redeploy deploys the head over it', async () => {
    await command(1, '/preview rollback');
    assert.match(await lastSubject(1), /^preview\(demo\/app#1\): rollback/);
    assert.equal((await preview(1))?.sha, sha(1));
    assert.equal(f.reconciler.statuses.get(pr1)?.state, 'rolled-back');
    // A resync-like redelivery of the push does not undo the rollback; a redeploy does.
    await push(1, 2, 'synchronize', 'push-2-again');
    assert.equal((await preview(1))?.sha, sha(1), 'the rollback stands against the same push');
    await command(1, '/preview redeploy');
    assert.equal(await lastSubject(1), `preview(demo/app#1): update to ${sha(2).slice(0, 7)}`);
    assert.equal((await preview(1))?.sha, sha(2));
    github.assertNoViolations();
  });

  test('an invalid previewd.yaml: reported with every problem, nothing committed, the environment kept', async () => {
    await git(f.remote.human, ['pull', '--quiet', '--rebase', 'origin', 'main']);
    const good = await git(f.remote.human, ['show', 'HEAD:previewd.yaml']);
    await writeFile(`${f.remote.human}/previewd.yaml`, 'domain: [not a domain\napps: 7\n');
    await git(f.remote.human, ['commit', '--quiet', '-am', 'registry: broken by hand']);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    await f.store.fetch();
    const head = await f.remote.remoteHead();
    await push(1, 3, 'synchronize');
    assert.equal(await f.remote.remoteHead(), head, 'nothing committed');
    assert.equal((await preview(1))?.sha, sha(2), 'the environment keeps its last version');
    const status = f.reconciler.statuses.get(pr1);
    assert.equal(status?.state, 'failed', JSON.stringify(status));
    assert.match(status?.reason ?? '', /previewd\.yaml in the GitOps repository is invalid/);
    assert.ok((status?.problems ?? []).length > 0 && status?.problems?.every((p) => p.file === 'previewd.yaml'), JSON.stringify(status?.problems));
    // Fixed by hand: the next push deploys.
    await writeFile(`${f.remote.human}/previewd.yaml`, `${good}\n`);
    await git(f.remote.human, ['commit', '--quiet', '-am', 'registry: fixed']);
    await git(f.remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
    await f.store.fetch();
    await push(1, 4, 'synchronize');
    assert.equal((await preview(1))?.sha, sha(4));
  });

  test('the "expires within the hour" warning, then the expiry (an injected clock)', async () => {
    const expiresAt = Date.parse(String((await preview(1))?.expiresAt));
    const report = composeReport({ cluster: null, store: f.store, gitopsWeb: null, gitopsBranch: 'main', now });
    const status = f.reconciler.statuses.get(pr1);
    assert.ok(status);
    offsetMs = expiresAt - 2 * HOUR - Date.now();
    assert.doesNotMatch((await report(status))?.comment ?? '', /expires within the hour/, 'two hours before: no warning');
    offsetMs = expiresAt - HOUR / 2 - Date.now();
    assert.match((await report(status))?.comment ?? '', /expires within the hour/);
    const assets = await loadAssets();
    const registry = createRegistryReader(f.store, createConfigValidators(assets.schemas));
    const resync = { store: f.store, registry, lifecycle: null, statuses: f.reconciler.statuses, enqueue: f.reconciler.enqueue, now, log: pino({ level: 'silent' }) };
    assert.equal((await resyncOnce(resync)).expired, 0, 'not yet expired');
    offsetMs = expiresAt + 60_000 - Date.now();
    assert.equal((await resyncOnce(resync)).expired, 1);
    await f.reconciler.idle();
    assert.equal(await preview(1), null, 'the folder is removed');
    assert.equal(await lastSubject(1), `preview(demo/app#1): expire`);
    offsetMs = 0;
  });

  // DESIGN.md: a redelivery never overwrites previewd's destroy; a newer trigger (a new push, a reopen,
  // a command) makes the environment again. GitHub delivers an event again under its X-GitHub-Delivery:
  // within one process the delivery log drops it, after a restart the folder's history must.
  test('a push delivered again after /preview destroy does not recreate the environment', { timeout: 60_000 }, async () => {
    await push(2, 5, 'opened', 'open-2');
    assert.equal((await preview(2))?.sha, sha(5));
    await command(2, '/preview preserve 2h');
    assert.match(await lastSubject(2), /^preview\(demo\/app#2\): preserve/);
    assert.ok(Date.parse(String((await preview(2))?.preservedUntil)) > Date.now() + HOUR, 'preserved for two hours');
    await command(2, '/preview destroy');
    assert.equal(await preview(2), null);
    const head = await f.remote.remoteHead();
    const again = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(5), action: 'opened', branch: 'feature' }), { delivery: 'open-2' });
    assert.deepEqual(await again.json(), { accepted: false, reason: 'duplicate delivery' });
    await f.restart();
    await push(2, 5, 'opened', 'open-2');
    assert.equal(await f.remote.remoteHead(), head, 'no commit for the opened delivered again after a restart');
    const status = f.reconciler.statuses.get(pr2);
    assert.equal(status?.state, 'destroyed', JSON.stringify(status));
    assert.match(status?.reason ?? '', /^destroyed by maintainer in [0-9a-f]{7}: an event from before does not bring it back; a new push, a reopen or \/preview redeploy does$/);
    await push(2, 5, 'synchronize', 'sync-2-same-sha');
    assert.equal(await f.remote.remoteHead(), head, 'no commit for a push of the sha it ran');
    assert.equal(await preview(2), null);
    assert.equal(f.reconciler.statuses.get(pr2)?.state, 'destroyed');
    // A new push is a newer trigger: it deploys again.
    await push(2, 6, 'synchronize');
    assert.equal((await preview(2))?.sha, sha(6));
    assert.match(await lastSubject(2), /^preview\(demo\/app#2\): create at /);
    github.assertNoViolations();
  });

  test('after /preview destroy, reopening the pull request or /preview redeploy makes the environment again', { timeout: 60_000 }, async () => {
    await command(2, '/preview destroy');
    assert.equal(await preview(2), null);
    // Closed, then reopened at the same head: the reopen is newer than the destroy.
    github.repo('demo/app').setPull(2, { state: 'closed', headSha: sha(6), headRef: 'feature' });
    const closed = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 2, sha: sha(6), action: 'closed', branch: 'feature' }));
    assert.equal(closed.status, 202);
    await f.reconciler.idle();
    assert.equal(await preview(2), null);
    await push(2, 6, 'reopened', 'reopen-2');
    assert.equal((await preview(2))?.sha, sha(6), 'the reopen makes it again');
    assert.equal(f.reconciler.statuses.get(pr2)?.state, 'committed');
    // Destroyed again, then asked for again by a maintainer.
    await command(2, '/preview destroy');
    assert.equal(await preview(2), null);
    const redeploy = await command(2, '/preview redeploy');
    assert.equal((await preview(2))?.sha, sha(6), '/preview redeploy makes it again');
    assert.deepEqual(reactions(redeploy), ['eyes', '+1']);
    github.assertNoViolations();
  });

  test('every kind of commit previewd made parses with git interpret-trailers --parse', async () => {
    // previewd's commits: the skeleton's first commit (previews/ with its README) is not one.
    const log = await git(f.remote.bare, ['log', '--format=%H %s', 'main', '--', 'previews/']);
    const mine = log.split('\n').filter((l) => / preview\(demo\/app#\d+\): /.test(l)).map((l) => l.split(' ')[0] as string);
    assert.ok(mine.length >= 10, log);
    const seen = new Set<string>();
    for (const commit of mine) {
      const message = await git(f.remote.bare, ['log', '-1', '--format=%B', commit]);
      const parsed = new Map((await git(f.remote.bare, ['interpret-trailers', '--parse'], message)).split('\n').map((l) => l.split(': ', 2) as [string, string]));
      const action = parsed.get('Preview-Action') ?? '';
      seen.add(action);
      assert.match(parsed.get('Preview-Id') ?? '', /^[a-z0-9-]+$/, `${action}: Preview-Id`);
      assert.equal(parsed.get('Preview-Repo'), 'demo/app', `${action}: Preview-Repo`);
      assert.match(parsed.get('Preview-PR') ?? '', /^[12]$/, `${action}: Preview-PR`);
      assert.ok(parsed.get('Preview-Actor'), `${action}: Preview-Actor`);
      assert.match(parsed.get('Preview-Sha') ?? '', /^[0-9a-f]{40}$/, `${action}: Preview-Sha`);
      assert.equal(parsed.get('Argocd-reference-commit-sha'), parsed.get('Preview-Sha'), `${action}: Argocd-reference-commit-sha`);
      assert.equal(parsed.get('Argocd-reference-commit-repourl'), 'https://github.com/demo/app', `${action}: Argocd-reference-commit-repourl`);
      if (action !== 'expire') assert.ok(parsed.get('Preview-Delivery'), `${action}: Preview-Delivery`);
      if (action === 'rollback') assert.match(parsed.get('Preview-Target') ?? '', /^[0-9a-f]{40}$/);
    }
    assert.deepEqual([...seen].sort(), ['create', 'destroy', 'expire', 'preserve', 'rollback', 'sleep', 'update', 'wake']);
  });
});

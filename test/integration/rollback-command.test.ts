import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openIsomorphicGitStore, type IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { initGitopsRepo } from '../../src/adapters/init-gitops-repo.ts';
import { runCli, trailers } from '../helpers/cli-run.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { formatPreviewJson } from '../../src/domain/preview-json.ts';
import type { ChangeSet } from '../../src/ports/gitops-store.ts';
import { author, deploy, folderOf, openStore, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'acme', repo: 'shop', pr: 1 };
const other = { owner: 'acme', repo: 'shop', pr: 2 };
const folder = folderOf(shop);

/** A deploy of `shop` at sha(n) with a whole preview.json, as the service writes it (a rollback restores it). */
function deployShop(n: number): ChangeSet {
  const change = deploy(shop, sha(n), n === 1 ? 'create' : 'update');
  const preview = formatPreviewJson({
    id: 'shop-pr-1-acme', namespace: 'pv-shop-pr-1-acme', repo: 'acme/shop', pr: 1, sha: sha(n), branch: 'feature', url: 'https://shop-pr-1.preview.example.com',
    author: 'octocat', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: `2025-01-0${n}T00:00:00.000Z`, expiresAt: `2025-01-0${n + 3}T00:00:00.000Z`, preservedUntil: null,
  });
  return { ...change, changes: change.changes.map((c) => (c.type === 'write' && c.path.endsWith('/preview.json') ? { ...c, content: preview } : c)) };
}

/** The folder's files other than preview.json (whose lifecycle times a rollback renews), as blob ids. */
async function overlayBlobs(gitdir: string, rev: string): Promise<string> {
  return (await git(gitdir, ['ls-tree', `${rev}:${folder}`])).split('\n').filter((l) => !l.endsWith('\tpreview.json')).join('\n');
}

async function previewAt(gitdir: string, rev: string): Promise<{ sha: string; updatedAt: string }> {
  return JSON.parse(await git(gitdir, ['show', `${rev}:${folder}/preview.json`])) as { sha: string; updatedAt: string };
}

async function committed(store: IsomorphicGitStore, n: number): Promise<string> {
  const result = await store.commit(deployShop(n));
  assert.equal(result.status, 'committed');
  return result.status === 'committed' ? result.commit : '';
}

describe('previewd rollback on the local repository (previewd init), beside a service store', () => {
  let tmp: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let service: IsomorphicGitStore;
  let first: string;
  let third: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'previewd-rollback-local-'));
    dir = join(tmp, 'gitops');
    await initGitopsRepo(dir, { author });
    env = { DATA_DIR: tmp };
    service = await openIsomorphicGitStore({ location: { kind: 'local', dir }, branch: 'main', author, sleep: async () => undefined });
    first = await committed(service, 1);
    await committed(service, 2);
    third = await committed(service, 3);
    await service.publish();
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  test('restores the folder at the target in a new commit with rollback trailers, on refs of its own', async () => {
    const { code, out, err } = await runCli(['rollback', 'acme/shop#1', '--to', first.slice(0, 10).toUpperCase(), '--actor', 'alice'], env);
    assert.equal(code, 0, err);
    const commit = /in commit ([0-9a-f]{40})/.exec(out)?.[1];
    assert.ok(commit, out);
    assert.equal(await git(dir, ['rev-parse', 'main']), commit);
    // The same rollback as the API's: the overlay as it was, the app sha it deployed, its TTL counted from now.
    assert.equal(await overlayBlobs(dir, 'main'), await overlayBlobs(dir, first));
    assert.equal((await previewAt(dir, 'main')).sha, sha(1));
    assert.ok(Date.parse((await previewAt(dir, 'main')).updatedAt) > Date.parse('2025-01-04T00:00:00Z'), 'updatedAt is the rollback\'s time');
    const t = await trailers(dir, commit);
    assert.equal(t.get('Preview-Action'), 'rollback');
    assert.equal(t.get('Preview-Actor'), 'alice');
    assert.equal(t.get('Preview-Target'), first);
    assert.equal(t.get('Preview-Sha'), sha(1));
    assert.equal(await git(dir, ['rev-parse', 'refs/previewd-cli/main']), commit);
    assert.equal(await git(dir, ['rev-parse', 'refs/previewd/main']), third, "the service's ref is untouched");
    assert.equal(await git(dir, ['status', '--porcelain']), '', 'the checked-out overlay follows the branch');
  });

  test('the service store on the same repository still publishes afterwards, on top of the rollback', async () => {
    const rollback = await git(dir, ['rev-parse', 'main']);
    // Another environment's commit, made on the service's stale tip: replayed onto the rollback.
    assert.equal((await service.commit(deploy(other, sha(7), 'create'))).status, 'committed');
    const result = await service.publish();
    assert.deepEqual(result.published.map((p) => p.env), [other]);
    assert.equal(result.retries, 1, 'the branch had moved: fetched and replayed');
    await git(dir, ['merge-base', '--is-ancestor', rollback, 'main']);
    assert.equal(await git(dir, ['rev-parse', `main:${folder}`]), await git(dir, ['rev-parse', `${rollback}:${folder}`]), 'the rollback stands');
    // Once it has seen the rollback, the service changes that environment again as usual.
    await committed(service, 4);
    assert.equal((await service.publish()).published.length, 1);
    assert.match(await git(dir, ['show', `main:${folder}/preview.json`]), new RegExp(sha(4)));
    assert.equal(await git(dir, ['status', '--porcelain']), '');
    await git(dir, ['fsck', '--strict', '--no-dangling', '--no-progress']);
  });

  test('Preview-Actor defaults to the OS user; a rollback to the content already there commits nothing', async () => {
    const run = await runCli(['rollback', 'acme/shop#1', '--to', first], env);
    assert.equal(run.code, 0, run.err);
    assert.equal((await trailers(dir, 'main')).get('Preview-Actor'), userInfo().username);
    const head = await git(dir, ['rev-parse', 'main']);
    const again = await runCli(['rollback', 'acme/shop#1', '--to', first], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /nothing changed/);
    assert.equal(await git(dir, ['rev-parse', 'main']), head);
  });

  test('a commit an earlier run left unpublished on the CLI\'s refs is dropped, not pushed by the next run', async () => {
    const leftover = await openIsomorphicGitStore({ location: { kind: 'local', dir }, branch: 'main', author, refNamespace: 'previewd-cli' });
    assert.equal((await leftover.commit(deploy(other, sha(9)))).status, 'committed');
    const run = await runCli(['rollback', 'acme/shop#1', '--to', third], env);
    assert.equal(run.code, 0, run.err);
    assert.equal(await overlayBlobs(dir, 'main'), await overlayBlobs(dir, third));
    assert.equal((await previewAt(dir, 'main')).sha, sha(3));
    assert.doesNotMatch(await git(dir, ['show', `main:${folderOf(other)}/preview.json`]), new RegExp(sha(9)));
  });

  test('refuses an unknown commit and one that did not touch the folder (exit 1), usage mistakes exit 2', async () => {
    const head = await git(dir, ['rev-parse', 'main']);
    const unknown = await runCli(['rollback', 'acme/shop#1', '--to', 'deadbeef'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no commit "deadbeef".*previewd history acme\/shop#1/);
    const root = await git(dir, ['rev-list', '--max-parents=0', 'main']);
    const untouched = await runCli(['rollback', 'acme/shop#1', '--to', root], env);
    assert.equal(untouched.code, 1);
    assert.match(untouched.err, new RegExp(`${root.slice(0, 7)} did not change ${folder}`));
    assert.equal(await git(dir, ['rev-parse', 'main']), head, 'nothing was committed');
    for (const args of [['acme/shop#1'], ['acme/shop', '--to', first], ['acme/shop#1', '--to'], ['acme/shop#1', '--to', first, '--force']]) {
      const run = await runCli(['rollback', ...args], env);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.err, /Usage: previewd rollback/);
    }
  });
});

describe('previewd rollback against a git http-backend remote', () => {
  let remote: GitOpsRemote;
  let data: string;
  let env: NodeJS.ProcessEnv;
  let service: IsomorphicGitStore;
  let first: string;
  before(async () => {
    remote = await createGitOpsRemote(skeletonFiles());
    data = join(remote.tmp, 'data');
    env = { DATA_DIR: data, GITOPS_REPO_URL: remote.url };
    service = await openStore(remote);
    first = await committed(service, 1);
    await committed(service, 2);
    await service.publish();
  });
  after(() => remote.close());

  test('pushes the rollback from a clone of its own; the service publishes on top afterwards', async () => {
    const { code, out, err } = await runCli(['rollback', 'acme/shop#1', '--to', first, '--actor', 'bob'], env);
    assert.equal(code, 0, err);
    const commit = /in commit ([0-9a-f]{40})/.exec(out)?.[1];
    assert.equal(await remote.remoteHead(), commit);
    assert.equal(await overlayBlobs(remote.bare, 'main'), await overlayBlobs(remote.bare, first));
    assert.equal((await previewAt(remote.bare, 'main')).sha, sha(1));
    const t = await trailers(remote.bare, 'main');
    assert.equal(t.get('Preview-Action'), 'rollback');
    assert.equal(t.get('Preview-Actor'), 'bob');
    assert.ok(existsSync(join(data, 'cli.git', 'HEAD')), 'the CLI keeps its own clone in DATA_DIR');

    assert.equal((await service.commit(deploy(other, sha(7), 'create'))).status, 'committed');
    const result = await service.publish();
    assert.deepEqual(result.published.map((p) => p.env), [other]);
    assert.equal(result.retries, 1, 'the service met the moved branch, fetched and replayed');
    await git(remote.bare, ['merge-base', '--is-ancestor', commit as string, 'main']);
    assert.equal(await git(remote.bare, ['rev-parse', `main:${folder}`]), await git(remote.bare, ['rev-parse', `${commit as string}:${folder}`]), 'the rollback stands');
    await committed(service, 3);
    assert.equal((await service.publish()).published.length, 1);
    assert.match((await remote.remoteFile(`${folder}/preview.json`)) ?? '', new RegExp(sha(3)));
    await remote.fsck();
  });
});

import assert from 'node:assert/strict';
import { previewId } from '../../src/domain/names.ts';
import { after, before, describe, test } from 'node:test';
import { OutsideFolderError } from '../../src/adapters/git/errors.ts';
import type { IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, destroy, folderOf, openStore, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'Acme', repo: 'Shop', pr: 42 };

describe('GitOps store: one commit per environment change, on a real smart-HTTP remote', () => {
  let remote: GitOpsRemote;
  let store: IsomorphicGitStore;
  before(async () => {
    remote = await createGitOpsRemote();
    store = await openStore(remote);
  });
  after(() => remote.close());

  test('create writes the three files in one commit that reaches the remote', async () => {
    const before = await remote.remoteHead();
    const result = await store.commit(deploy(shop, sha(1), 'create'));
    assert.equal(result.status, 'committed');
    const published = await store.publish();
    assert.equal(published.published.length, 1);
    assert.equal(await remote.remoteHead(), published.published[0]?.commit);
    assert.equal(await git(remote.bare, ['rev-parse', 'main~1']), before);
    const changed = await git(remote.bare, ['diff-tree', '--no-commit-id', '--name-only', '-r', 'main']);
    assert.deepEqual(changed.split('\n').sort(), [
      'previews/acme/shop/pr-42/kustomization.yaml', 'previews/acme/shop/pr-42/namespace.yaml', 'previews/acme/shop/pr-42/preview.json',
    ]);
    assert.match((await remote.remoteFile('previews/acme/shop/pr-42/kustomization.yaml')) ?? '', new RegExp(sha(1)));
    assert.equal(await git(remote.bare, ['log', '-1', '--format=%s', 'main']), `preview(Acme/Shop#42): create at ${sha(1).slice(0, 7)}`);
    await remote.fsck();
  });

  test('update changes only what differs', async () => {
    await store.commit(deploy(shop, sha(2)));
    await store.publish();
    const changed = await git(remote.bare, ['diff-tree', '--no-commit-id', '--name-only', '-r', 'main']);
    assert.deepEqual(changed.split('\n').sort(), ['previews/acme/shop/pr-42/kustomization.yaml', 'previews/acme/shop/pr-42/preview.json']);
    await remote.fsck();
  });

  test('writing identical content makes no commit and says so', async () => {
    const head = await store.head();
    const result = await store.commit(deploy(shop, sha(2)));
    assert.deepEqual(result, { status: 'unchanged', env: shop });
    assert.equal(await store.head(), head);
    assert.equal(await store.pendingCount(), 0);
    assert.deepEqual(await store.publish(), { published: [], conflicts: [], retries: 0 });
  });

  test('trailers parse with git interpret-trailers', async () => {
    const message = await git(remote.bare, ['log', '-1', '--format=%B', 'main']);
    const parsed = await git(remote.bare, ['interpret-trailers', '--parse'], message);
    // Preview-Id is on every commit (DESIGN.md), derived from the environment when the caller gives none.
    assert.deepEqual(parsed.split('\n'), [
      `Preview-Id: ${previewId({ owner: 'Acme', repo: 'Shop', pr: 42 })}`,
      'Preview-Action: update',
      'Preview-Repo: Acme/Shop',
      'Preview-PR: 42',
      `Preview-Sha: ${sha(2)}`,
      'Preview-Actor: octocat',
      `Preview-Delivery: delivery-${sha(2).slice(0, 8)}`,
      `Argocd-reference-commit-sha: ${sha(2)}`,
      'Argocd-reference-commit-repourl: https://github.com/Acme/Shop',
    ]);
  });

  test('a change reaching outside its folder is refused and commits nothing', async () => {
    const head = await store.head();
    const hostile = [
      'previewd.yaml', 'previews/acme/shop/pr-43/x.yaml', 'previews/acme/shop/pr-42/../pr-43/x.yaml', '/etc/passwd',
      'previews/acme/shop/pr-42/.git/config', 'previews/acme/shop/pr-42//x', 'previews/acme/shop/pr-420/x', 'previews/acme/shop/pr-42\\..\\x',
      'previews/acme/shop/pr-42/x\nPreview-Action: destroy',
    ];
    for (const path of hostile) {
      await assert.rejects(
        store.commit({ env: shop, changes: [{ type: 'write', path, content: 'x' }], meta: { action: 'update', actor: 'mallory' } }),
        (err: unknown) => err instanceof OutsideFolderError && err.message.includes('previews/acme/shop/pr-42/'),
        path,
      );
    }
    await assert.rejects(store.commit({ env: shop, changes: [{ type: 'write', path: folderOf(shop), content: 'x' }], meta: { action: 'update', actor: 'm' } }), OutsideFolderError);
    assert.equal(await store.head(), head);
  });

  test('remove deletes the folder, and the emptied parents with it', async () => {
    await store.commit(destroy(shop));
    await store.publish();
    assert.equal(await remote.remoteFile('previews/acme/shop/pr-42/preview.json'), null);
    assert.equal(await git(remote.bare, ['ls-tree', 'main', 'previews/acme']), '');
    assert.equal(await remote.remoteFile('previews/.gitkeep'), '');
    assert.equal(await git(remote.bare, ['log', '-1', '--format=%s', 'main']), 'preview(Acme/Shop#42): destroy');
    await remote.fsck();
  });

  test('commits made while offline survive a restart and are published by the next store', async () => {
    const env = { owner: 'acme', repo: 'api', pr: 7 };
    const local = await store.commit(deploy(env, sha(3), 'create'));
    assert.equal(local.status, 'committed');
    const reopened = await openStore(remote);
    assert.equal(await reopened.pendingCount(), 1);
    const result = await reopened.publish();
    assert.equal(result.published.length, 1);
    assert.match((await remote.remoteFile('previews/acme/api/pr-7/preview.json')) ?? '', new RegExp(sha(3)));
    await remote.fsck();
  });
});

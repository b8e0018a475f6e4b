import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openIsomorphicGitStore, type IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { git } from '../helpers/git-cli.ts';
import { author, deploy, destroy, sha } from '../helpers/store-fixture.ts';

describe('GitOps store on a local repository (the embedded default, no remote)', () => {
  let tmp: string;
  let dir: string;
  let store: IsomorphicGitStore;
  const shop = { owner: 'acme', repo: 'shop', pr: 1 };
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'previewd-local-'));
    dir = join(tmp, 'gitops');
    await mkdir(join(dir, 'previews'), { recursive: true });
    await git(dir, ['init', '--quiet', '--initial-branch=main']);
    await writeFile(join(dir, 'README.md'), '# local\n');
    await writeFile(join(dir, 'previews/.gitkeep'), '');
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '--quiet', '-m', 'init']);
    store = await openIsomorphicGitStore({ location: { kind: 'local', dir }, branch: 'main', author });
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  test('a published commit moves the branch and puts the overlay on disk, with a clean git status', async () => {
    await store.commit(deploy(shop, sha(1), 'create'));
    assert.equal(await git(dir, ['log', '-1', '--format=%s']), 'init', 'unpublished commits stay off the branch');
    await store.publish();
    assert.equal(await git(dir, ['log', '-1', '--format=%s']), `preview(acme/shop#1): create at ${sha(1).slice(0, 7)}`);
    assert.match(await readFile(join(dir, 'previews/acme/shop/pr-1/preview.json'), 'utf8'), new RegExp(sha(1)));
    assert.equal(await git(dir, ['status', '--porcelain']), '');
    await git(dir, ['fsck', '--strict', '--no-dangling', '--no-progress']);
  });

  test('a person committing in the same repository in between is kept; both land', async () => {
    await store.commit(deploy(shop, sha(2)));
    await writeFile(join(dir, 'README.md'), '# local, edited\n');
    await git(dir, ['commit', '--quiet', '-am', 'docs: edit']);
    const human = await git(dir, ['rev-parse', 'HEAD']);
    const result = await store.publish();
    assert.equal(result.retries, 1);
    await git(dir, ['merge-base', '--is-ancestor', human, 'main']);
    assert.match(await git(dir, ['show', 'main:previews/acme/shop/pr-1/preview.json']), new RegExp(sha(2)));
    assert.match(await readFile(join(dir, 'previews/acme/shop/pr-1/preview.json'), 'utf8'), new RegExp(sha(2)));
    assert.equal(await git(dir, ['status', '--porcelain']), '');
  });

  test('a destroy removes the folder from the branch and from disk', async () => {
    await store.commit(destroy(shop));
    await store.publish();
    assert.equal(existsSync(join(dir, 'previews/acme/shop/pr-1')), false);
    assert.equal(await git(dir, ['status', '--porcelain']), '');
    await git(dir, ['fsck', '--strict', '--no-dangling', '--no-progress']);
  });
});

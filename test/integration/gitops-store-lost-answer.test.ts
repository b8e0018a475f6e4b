import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RemoteUnavailableError } from '../../src/adapters/git/errors.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, openStore, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'acme', repo: 'shop', pr: 7 };
const api = { owner: 'acme', repo: 'api', pr: 8 };

/** Pushes whose answer the bridge drops after git has served them: they landed; previewd does not know. */
describe('a push that landed though its answer was lost', () => {
  for (const push of ['thin', 'stock'] as const) {
    test(`then a newer push to the same PR: the newest sha on the remote, no conflict, every commit published once (${push})`, async () => {
      let drop = 0;
      const remote = await createGitOpsRemote(undefined, {
        answer: (method, path) => (method === 'POST' && path.endsWith('/git-receive-pack') && drop-- > 0 ? 'drop' : 'send'),
      });
      try {
        const store = await openStore(remote, { push });
        const start = await remote.remoteHead();
        const first = await store.commit(deploy(shop, sha(1), 'create'));
        drop = 1;
        await assert.rejects(store.publish(), (err: unknown) => err instanceof RemoteUnavailableError, 'the lost answer is a transient failure');
        assert.match((await remote.remoteFile('previews/acme/shop/pr-7/preview.json')) ?? '', new RegExp(sha(1)), 'it landed');
        const second = await store.commit(deploy(shop, sha(2)));
        const result = await store.publish();
        assert.deepEqual(result.conflicts, [], 'its own commit is not someone else\'s edit');
        assert.match((await remote.remoteFile('previews/acme/shop/pr-7/preview.json')) ?? '', new RegExp(sha(2)), 'the newest sha');
        assert.deepEqual(result.published.map((p) => p.local).sort(), [first, second].map((c) => (c.status === 'committed' ? c.commit : '')).sort(), 'both reported published');
        assert.equal(await git(remote.bare, ['rev-list', '--count', `${start}..main`]), '2', 'one commit each, none twice');
        await remote.fsck();
      } finally {
        await remote.close();
      }
    });
  }

  test('and someone pushed on top of it before previewd fetched: recognized by id, the newer commit replayed on top', async () => {
    let drop = 0;
    const remote = await createGitOpsRemote(undefined, {
      answer: (method, path) => (method === 'POST' && path.endsWith('/git-receive-pack') && drop-- > 0 ? 'drop' : 'send'),
    });
    try {
      const store = await openStore(remote);
      await store.commit(deploy(shop, sha(1), 'create'));
      drop = 1;
      await assert.rejects(store.publish());
      const human = await remote.humanCommit({ 'notes/after.md': 'after\n' }, 'a person, after previewd\'s push landed');
      await store.commit(deploy(shop, sha(2)));
      await store.commit(deploy(api, sha(3), 'create'));
      const result = await store.publish();
      assert.deepEqual(result.conflicts, []);
      assert.match((await remote.remoteFile('previews/acme/shop/pr-7/preview.json')) ?? '', new RegExp(sha(2)));
      assert.match((await remote.remoteFile('previews/acme/api/pr-8/preview.json')) ?? '', new RegExp(sha(3)));
      assert.equal(await git(remote.bare, ['merge-base', '--is-ancestor', human, 'main']).then(() => true), true);
      await remote.fsck();
    } finally {
      await remote.close();
    }
  });

  test('the same content on the remote under another id (a replayed copy landed): recognized by the folder, not dropped', async () => {
    const remote = await createGitOpsRemote();
    try {
      const store = await openStore(remote);
      const mine = await store.commit(deploy(shop, sha(1), 'create'));
      // The remote gets exactly that folder from elsewhere (as a replayed copy of previewd's commit would).
      const clone = store.gitdir;
      const folderTree = await git(clone, ['rev-parse', `${mine.status === 'committed' ? mine.commit : ''}:previews/acme/shop/pr-7`]);
      await git(remote.human, ['pull', '--quiet', 'origin', 'main']);
      await git(remote.human, ['fetch', '--quiet', clone, 'refs/heads/main']);
      await git(remote.human, ['read-tree', '--prefix=previews/acme/shop/pr-7', folderTree]);
      await git(remote.human, ['commit', '--quiet', '-m', 'the same folder']);
      await git(remote.human, ['push', '--quiet', 'origin', 'HEAD:main']);
      const later = await store.commit(deploy(shop, sha(2)));
      const result = await store.publish();
      assert.deepEqual(result.conflicts, []);
      assert.equal(later.status, 'committed');
      assert.match((await remote.remoteFile('previews/acme/shop/pr-7/preview.json')) ?? '', new RegExp(sha(2)), 'the newer commit is replayed on top');
      assert.ok(result.published.some((p) => p.local === (mine.status === 'committed' ? mine.commit : '')), 'the landed one is reported published');
      await remote.fsck();
    } finally {
      await remote.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, openStore, sha } from '../helpers/store-fixture.ts';

describe('GitOps store: does a revision Argo CD synced contain previewd\'s commit?', () => {
  test('itself, a descendant, an ancestor, and one only the remote knows', async () => {
    const remote = await createGitOpsRemote();
    try {
      const store = await openStore(remote);
      const before = await remote.remoteHead();
      await store.commit(deploy({ owner: 'acme', repo: 'shop', pr: 1 }, sha(1), 'create'));
      const mine = (await store.publish()).published[0]?.commit ?? '';
      await store.commit(deploy({ owner: 'acme', repo: 'api', pr: 2 }, sha(2), 'create'));
      const later = (await store.publish()).published[0]?.commit ?? '';
      assert.equal(await store.contains(mine, mine), true);
      assert.equal(await store.contains(later, mine), true, 'other environments move the branch on');
      assert.equal(await store.contains(before, mine), false, 'an older revision does not contain a newer commit');
      const human = await remote.humanCommit({ 'README.md': 'edited\n' }, 'docs');
      assert.equal(await store.contains(human, mine), true, 'fetched once to learn the new revision');
      assert.equal(await store.contains('f'.repeat(40), mine), null, 'unknown even after a fetch');
    } finally {
      await remote.close();
    }
  });
});

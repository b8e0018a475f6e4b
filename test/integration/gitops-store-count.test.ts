// store.countEnvironments: the maxPreviews count of a new PR, read from the app's own repositories'
// trees only, on the newest local tree (unpublished commits included).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, destroy, openStore, sha } from '../helpers/store-fixture.ts';

test('counts the folders of the repositories asked for, on the newest local tree, published or not', { timeout: 60_000 }, async () => {
  const remote = await createGitOpsRemote();
  try {
    const store = await openStore(remote);
    const envs = [
      { owner: 'acme', repo: 'shop', pr: 1 }, { owner: 'acme', repo: 'shop', pr: 2 }, { owner: 'acme', repo: 'cart', pr: 3 },
      { owner: 'other', repo: 'shop', pr: 4 }, { owner: 'other', repo: 'web', pr: 5 },
    ];
    let n = 0;
    for (const env of envs) await store.commit(deploy(env, sha(++n), 'create'));
    await store.publish();
    const asked: string[] = [];
    const acme = (owner: string, repo: string) => {
      asked.push(`${owner}/${repo}`);
      return owner === 'acme';
    };
    assert.equal(await store.countEnvironments(acme), 3);
    assert.deepEqual(asked.sort(), ['acme/cart', 'acme/shop', 'other/shop', 'other/web'], 'asked once per repository, never per folder');
    assert.equal(await store.countEnvironments((o, r) => o === 'acme' && r === 'shop'), 2);
    assert.equal(await store.countEnvironments(() => false), 0);
    // Unpublished commits count: a create and a destroy not yet pushed.
    await store.commit(deploy({ owner: 'acme', repo: 'shop', pr: 6 }, sha(++n), 'create'));
    await store.commit(destroy({ owner: 'acme', repo: 'cart', pr: 3 }));
    assert.equal(await store.pendingCount(), 2);
    assert.equal(await store.countEnvironments(acme), 3);
    assert.equal(await store.countEnvironments((o, r) => o === 'acme' && r === 'shop'), 3);
    assert.equal(await store.countEnvironments(() => true), (await store.listEnvironments()).length, 'the same folders listEnvironments finds');
  } finally {
    await remote.close();
  }
});

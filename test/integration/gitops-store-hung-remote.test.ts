import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { RemoteUnavailableError } from '../../src/adapters/git/errors.ts';
import { openIsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { author, deploy, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'acme', repo: 'shop', pr: 5 };

test('a remote that hangs mid-answer, on a push and on a fetch: a transient RemoteUnavailableError after the limit, then it converges', { timeout: 120_000 }, async () => {
  let stall: 'push' | 'fetch' | null = null;
  const remote = await createGitOpsRemote(undefined, {
    answer: (method, path) => {
      if (stall === 'push' && method === 'POST' && path.endsWith('/git-receive-pack')) return 'stall';
      if (stall === 'fetch' && method === 'GET' && path.endsWith('/info/refs')) return 'stall';
      return 'send';
    },
  });
  try {
    const store = await openIsomorphicGitStore({
      location: { kind: 'remote', url: remote.url, clone: join(remote.tmp, 'clone.git'), timeoutMs: 1500 },
      branch: 'main', author, sleep: async () => undefined,
    });
    const start = await remote.remoteHead();
    await store.commit(deploy(shop, sha(1), 'create'));
    // Headers come, the body never: the push was served (it landed), its answer hangs.
    stall = 'push';
    await assert.rejects(store.publish(), (err: unknown) => err instanceof RemoteUnavailableError && err.transient, 'a push whose answer hangs');
    stall = 'fetch';
    await assert.rejects(store.refresh(), (err: unknown) => err instanceof RemoteUnavailableError && err.transient, 'a fetch whose answer hangs');
    stall = null;
    await store.commit(deploy(shop, sha(2)));
    const result = await store.publish();
    assert.deepEqual(result.conflicts, [], 'the landed push is previewd\'s own, not a conflict');
    assert.match((await remote.remoteFile('previews/acme/shop/pr-5/preview.json')) ?? '', new RegExp(sha(2)));
    assert.equal(await git(remote.bare, ['rev-list', '--count', `${start}..main`]), '2');
    await remote.fsck();
  } finally {
    await remote.close();
  }
});

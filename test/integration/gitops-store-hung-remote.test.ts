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

test('commits are made while a push is on the wire, and go out with the next push', { timeout: 120_000 }, async () => {
  let hold: Promise<void> | null = null;
  let release = () => {};
  let held = 0;
  const remote = await createGitOpsRemote(undefined, {
    beforeRequest: async (method, path) => {
      if (hold && method === 'POST' && path.endsWith('/git-receive-pack')) {
        held++;
        await hold;
      }
    },
  });
  try {
    const store = await openIsomorphicGitStore({
      location: { kind: 'remote', url: remote.url, clone: join(remote.tmp, 'clone.git'), timeoutMs: 30_000 },
      branch: 'main', author, sleep: async () => undefined,
    });
    await store.commit(deploy(shop, sha(1), 'create'));
    hold = new Promise((resolve) => (release = resolve));
    const first = store.publish();
    for (let i = 0; i < 200 && held === 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(held, 1, 'the push reached the remote and is held there');
    // The push is on the wire: commits for other environments are made without waiting for it.
    const others = [6, 7, 8].map((pr) => store.commit(deploy({ ...shop, pr }, sha(pr), 'create')));
    const made = await Promise.race([Promise.all(others).then(() => 'made'), new Promise((r) => setTimeout(() => r('waited'), 10_000))]);
    assert.equal(made, 'made', 'three commits made while the push was held');
    assert.equal(await store.pendingCount(), 4, 'the held push and the three after it are all unpublished');
    hold = null;
    release();
    const firstResult = await first;
    assert.deepEqual(firstResult.published.map((p) => p.env.pr), [5], 'the first push carried what was committed before it');
    assert.equal(await store.pendingCount(), 3);
    const second = await store.publish();
    assert.deepEqual(second.published.map((p) => p.env.pr), [6, 7, 8], 'the next push carries the rest, in order');
    assert.equal(await store.pendingCount(), 0);
    for (const pr of [5, 6, 7, 8]) assert.notEqual(await remote.remoteFile(`previews/acme/shop/pr-${pr}/preview.json`), null, `PR ${pr} on the remote`);
    await remote.fsck();
  } finally {
    release();
    await remote.close();
  }
});

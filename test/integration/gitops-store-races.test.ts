import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RemoteAuthError, RemoteUnavailableError } from '../../src/adapters/git/errors.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, openStore, sha } from '../helpers/store-fixture.ts';

async function isAncestor(bare: string, ancestor: string, of: string): Promise<boolean> {
  return git(bare, ['merge-base', '--is-ancestor', ancestor, of]).then(() => true, () => false);
}

for (const push of ['thin', 'stock'] as const) {
  describe(`GitOps store races (${push} push)`, () => {
    test('the git CLI pushing to another folder in between: both commits survive', async () => {
      const remote = await createGitOpsRemote();
      try {
        const store = await openStore(remote, { push });
        const shop = { owner: 'acme', repo: 'shop', pr: 1 };
        await store.commit(deploy(shop, sha(1), 'create'));
        const human = await remote.humanCommit({ 'apps/demo/base/note.txt': 'hand edit\n' }, 'platform: add a note');
        const result = await store.publish();
        assert.equal(result.retries, 1);
        assert.deepEqual(result.conflicts, []);
        const head = await remote.remoteHead();
        assert.equal(result.published[0]?.commit, head);
        assert.ok(await isAncestor(remote.bare, human, head), 'the human commit is kept, unchanged');
        assert.equal(await remote.remoteFile('apps/demo/base/note.txt'), 'hand edit');
        assert.match((await remote.remoteFile('previews/acme/shop/pr-1/preview.json')) ?? '', new RegExp(sha(1)));
        assert.equal(await git(remote.bare, ['rev-list', '--count', `${human}..main`]), '1');
        await remote.fsck();
      } finally {
        await remote.close();
      }
    });

    test('a human edit of the same folder in between: the human version stands, the conflict is reported', async () => {
      const remote = await createGitOpsRemote();
      try {
        const store = await openStore(remote, { push });
        const shop = { owner: 'acme', repo: 'shop', pr: 2 };
        const api = { owner: 'acme', repo: 'api', pr: 3 };
        await store.commit(deploy(shop, sha(1), 'create'));
        await store.publish();
        const mine = await store.commit(deploy(shop, sha(2)));
        const other = await store.commit(deploy(api, sha(3), 'create'));
        const human = await remote.humanCommit({ 'previews/acme/shop/pr-2/preview.json': '{"rolled":"back by hand"}\n' }, 'Revert the shop preview by hand');
        const result = await store.publish();
        assert.equal(mine.status, 'committed');
        assert.equal(other.status, 'committed');
        assert.deepEqual(result.conflicts.map((c) => ({ env: c.env, dropped: c.dropped })), [
          { env: shop, dropped: [mine.status === 'committed' ? mine.commit : ''] },
        ]);
        assert.deepEqual(result.published.map((p) => p.env), [api]);
        assert.equal(result.published[0]?.local, other.status === 'committed' ? other.commit : '');
        const head = await remote.remoteHead();
        assert.ok(await isAncestor(remote.bare, human, head));
        assert.equal(await remote.remoteFile('previews/acme/shop/pr-2/preview.json'), '{"rolled":"back by hand"}');
        assert.match((await remote.remoteFile('previews/acme/api/pr-3/preview.json')) ?? '', new RegExp(sha(3)));
        // The store's own view follows the remote: the human's version is what it reads now.
        assert.deepEqual(await store.readEnvironment(shop).then((f) => f?.get('preview.json')), '{"rolled":"back by hand"}\n');
        await remote.fsck();
      } finally {
        await remote.close();
      }
    });

    test('20 concurrent environment commits in one process all land, none lost', async () => {
      const remote = await createGitOpsRemote();
      try {
        const store = await openStore(remote, { push });
        const start = await remote.remoteHead();
        remote.server.log.length = 0;
        const envs = Array.from({ length: 20 }, (_, i) => ({ owner: `team${i % 3}`, repo: `svc${i % 7}`, pr: i + 1 }));
        const results = await Promise.all(envs.map(async (env, i) => {
          const committed = await store.commit(deploy(env, sha(100 + i), 'create'));
          const published = await store.publish();
          return { committed, published };
        }));
        assert.ok(results.every((r) => r.committed.status === 'committed'));
        const landed = new Set(results.flatMap((r) => r.published.published.map((p) => p.local)));
        assert.equal(landed.size, 20, 'every commit() id is reported published by some publish()');
        const pushes = remote.server.log.filter((l) => l.startsWith('POST') && l.endsWith('/git-receive-pack')).length;
        assert.ok(pushes >= 1 && pushes < 20, `concurrent publishes share pushes (${pushes} pushes for 20 commits)`);
        assert.equal(await git(remote.bare, ['rev-list', '--count', `${start}..main`]), '20');
        for (const [i, env] of envs.entries()) {
          assert.match((await remote.remoteFile(`previews/${env.owner}/${env.repo}/pr-${env.pr}/preview.json`)) ?? '', new RegExp(sha(100 + i)));
        }
        await remote.fsck();
      } finally {
        await remote.close();
      }
    });
  });
}

describe('GitOps store: the remote moves during the push itself', () => {
  for (const push of ['thin', 'stock'] as const) {
    test(`a human push lands between discovery and our pack (${push}): the server refuses, previewd replays`, async () => {
      let armed = false;
      let human: Promise<string> | null = null;
      const remote = await createGitOpsRemote(undefined, {
        beforeRequest: async (method, path) => {
          if (!armed || method !== 'POST' || !path.endsWith('/git-receive-pack')) return;
          armed = false;
          human = remote.humanCommit({ 'README.md': '# GitOps, edited during a push\n' }, 'docs: edit during a push');
          await human;
        },
      });
      try {
        const store = await openStore(remote, { push });
        await store.commit(deploy({ owner: 'acme', repo: 'shop', pr: 5 }, sha(5), 'create'));
        armed = true;
        const result = await store.publish();
        assert.equal(result.retries, 1);
        assert.equal(result.published.length, 1);
        const humanCommit = await (human ?? Promise.reject(new Error('the hook did not run')));
        assert.ok(await isAncestor(remote.bare, humanCommit, await remote.remoteHead()));
        assert.equal(await remote.remoteFile('README.md'), '# GitOps, edited during a push');
        await remote.fsck();
      } finally {
        await remote.close();
      }
    });
  }
});

describe('GitOps store: remote failures lose nothing', () => {
  test('basic-auth credentials are sent; wrong ones give a clear error', async () => {
    const auth = { username: 'previewd', password: 's3cret-token' };
    const remote = await createGitOpsRemote(undefined, { auth });
    try {
      await assert.rejects(openStore(remote, { username: 'previewd', token: 'wrong' }), (err: unknown) =>
        err instanceof RemoteAuthError && /GITOPS_TOKEN/.test(err.message) && !err.message.includes('wrong'));
      const store = await openStore(remote, { username: 'previewd', token: auth.password, clone: join(remote.tmp, 'authed.git') });
      await store.commit(deploy({ owner: 'acme', repo: 'shop', pr: 9 }, sha(9), 'create'));
      assert.equal((await store.publish()).published.length, 1);
      await remote.fsck();
    } finally {
      await remote.close();
    }
  });

  test('a remote refusing connections: the commit waits, then lands when the remote is back', async () => {
    const remote = await createGitOpsRemote();
    try {
      const store = await openStore(remote);
      const env = { owner: 'acme', repo: 'shop', pr: 10 };
      await store.commit(deploy(env, sha(10), 'create'));
      remote.server.setDown(true);
      await assert.rejects(store.publish(), (err: unknown) => err instanceof RemoteUnavailableError && err.transient);
      assert.equal(await store.pendingCount(), 1);
      remote.server.setDown(false);
      assert.equal((await store.publish()).published.length, 1);
      assert.match((await remote.remoteFile('previews/acme/shop/pr-10/preview.json')) ?? '', new RegExp(sha(10)));
      await remote.fsck();
    } finally {
      await remote.close();
    }
  });
});

import assert from 'node:assert/strict';
import { mkdir, readdir, truncate, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LocalRepositoryCorruptError, openHealingStore } from '../../src/adapters/git/healing-store.ts';
import { initGitopsRepo } from '../../src/adapters/init-gitops-repo.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { author, deploy, envFiles, sha } from '../helpers/store-fixture.ts';

const shop = (pr: number) => ({ owner: 'acme', repo: 'shop', pr });

function open(remote: GitOpsRemote, warnings: string[] = []) {
  return openHealingStore({
    location: { kind: 'remote', url: remote.url, clone: join(remote.tmp, 'clone.git') }, branch: 'main', author, sleep: async () => undefined,
    log: { info: () => undefined, warn: (obj, msg) => void warnings.push(`${msg} ${JSON.stringify(obj)}`) },
  });
}

async function looseObjects(gitdir: string): Promise<string[]> {
  const out: string[] = [];
  for (const dir of await readdir(join(gitdir, 'objects'))) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const f of await readdir(join(gitdir, 'objects', dir))) out.push(join(gitdir, 'objects', dir, f));
  }
  return out;
}

type Damage = (gitdir: string) => Promise<void>;
const DAMAGE: Array<[string, Damage]> = [
  ['a truncated pack', async (gitdir) => {
    const pack = (await readdir(join(gitdir, 'objects/pack'))).find((f) => f.endsWith('.pack'));
    assert.ok(pack, 'the clone has a pack');
    const path = join(gitdir, 'objects/pack', pack);
    await truncate(path, Math.floor((await stat(path)).size / 2));
  }],
  ['an emptied loose object', async (gitdir) => {
    const loose = await looseObjects(gitdir);
    assert.ok(loose.length > 0);
    for (const path of loose) await writeFile(path, '');
  }],
  ['a ref pointing at a missing object', async (gitdir) => {
    await writeFile(join(gitdir, 'refs/heads/main'), `${'1234567'.padEnd(40, '0')}\n`);
  }],
];

describe('the clone is a cache that heals', () => {
  for (const [what, damage] of DAMAGE) {
    test(`${what} in a stopped service's clone: set aside, cloned again, new commits land (fsck clean)`, async () => {
      const remote = await createGitOpsRemote();
      try {
        const first = await open(remote);
        await first.commit(deploy(shop(1), sha(1), 'create'));
        await first.publish();
        await remote.humanCommit({ 'notes/a.md': 'a\n' }, 'a person');
        await first.refresh();
        await damage(first.gitdir);
        const warnings: string[] = [];
        const healed = await open(remote, warnings);
        assert.match(warnings.join('\n'), /damaged: set aside and cloned again/);
        const aside = (await readdir(remote.tmp)).filter((f) => f.startsWith('clone.git.damaged-'));
        assert.equal(aside.length, 1, 'the damaged clone is kept aside, not deleted');
        assert.match((await healed.readFile('previews/acme/shop/pr-1/preview.json')) ?? '', new RegExp(sha(1)), 'reads work on the fresh clone');
        await healed.commit(deploy(shop(1), sha(2)));
        await healed.commit(deploy(shop(2), sha(3), 'create'));
        const result = await healed.publish();
        assert.deepEqual(result.conflicts, []);
        assert.match((await remote.remoteFile('previews/acme/shop/pr-1/preview.json')) ?? '', new RegExp(sha(2)));
        assert.match((await remote.remoteFile('previews/acme/shop/pr-2/preview.json')) ?? '', new RegExp(sha(3)));
        await remote.fsck();
        await git(healed.gitdir, ['fsck', '--strict', '--no-dangling']);
      } finally {
        await remote.close();
      }
    });
  }

  test('an object file left empty (a write that met a full disk) is not trusted when the same object is written again', async () => {
    const remote = await createGitOpsRemote();
    try {
      const store = await open(remote);
      // The blobs the next commit will write, present as the empty files ENOSPC leaves behind.
      const files = envFiles(shop(4), sha(5));
      for (const file of files) {
        if (file.type !== 'write') continue;
        const oid = await git(store.gitdir, ['hash-object', '--stdin'], String(file.content));
        await mkdir(join(store.gitdir, 'objects', oid.slice(0, 2)), { recursive: true });
        await writeFile(join(store.gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), '');
      }
      await store.commit(deploy(shop(4), sha(5), 'create'));
      const result = await store.publish();
      assert.equal(result.published.length, 1);
      await remote.fsck();
      await git(store.gitdir, ['fsck', '--strict', '--no-dangling']);
      assert.match((await remote.remoteFile('previews/acme/shop/pr-4/preview.json')) ?? '', new RegExp(sha(5)));
    } finally {
      await remote.close();
    }
  });

  test('in local mode (no remote) a damaged repository stops the start with what is wrong and how to repair it', async () => {
    const remote = await createGitOpsRemote();
    try {
      const dir = join(remote.tmp, 'local');
      await initGitopsRepo(dir, { branch: 'main', author });
      for (const path of await looseObjects(join(dir, '.git'))) await writeFile(path, '');
      await assert.rejects(openHealingStore({ location: { kind: 'local', dir }, branch: 'main', author }),
        (err: unknown) => err instanceof LocalRepositoryCorruptError && /is damaged \(the loose object [0-9a-f]{40} is empty or damaged\).*git fsck --full.*move it away/.test(err.message));
    } finally {
      await remote.close();
    }
  });
});

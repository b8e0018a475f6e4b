// The clone packs its loose objects (src/adapters/git/pack-loose-objects.ts): previewd writes every
// object of its commits loose, and without packing the clone kept a file per object it ever wrote.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, destroy, folderOf, openStore, sha } from '../helpers/store-fixture.ts';

const envs = [1, 2, 3].map((pr) => ({ owner: 'acme', repo: 'shop', pr }));

/** Loose and packed object counts of a repository, from `git count-objects -v`. */
async function countObjects(gitdir: string): Promise<{ count: number; inPack: number }> {
  const lines = (await git(gitdir, ['count-objects', '-v'])).split('\n');
  const byName = new Map(lines.map((line) => { const [key, value] = line.split(': '); return [key, Number(value)]; }));
  return { count: byName.get('count') ?? Number.NaN, inPack: byName.get('in-pack') ?? Number.NaN };
}

/** The object ids stored loose in a repository. */
async function looseObjects(gitdir: string): Promise<string[]> {
  const objects = join(gitdir, 'objects');
  const dirs = (await readdir(objects)).filter((d) => /^[0-9a-f]{2}$/.test(d));
  // A packing may remove a fan-out folder between the two reads.
  const files = (d: string) => readdir(join(objects, d)).catch(() => [] as string[]);
  return (await Promise.all(dirs.map(async (d) => (await files(d)).map((f) => d + f)))).flat();
}

test('after packEvery published commits the clone\'s loose objects are in a pack: git fsck is clean, every read and the next pushes work', { timeout: 120_000 }, async () => {
  const remote = await createGitOpsRemote();
  try {
    const clone = join(remote.tmp, 'clone.git');
    const store = await openStore(remote, { clone, packEvery: 10 });
    let n = 0;
    for (const env of envs) {
      await store.commit(deploy(env, sha(++n), 'create'));
      await store.publish();
    }
    const before = await countObjects(clone);
    const looseBefore = await looseObjects(clone);
    assert.ok(before.count > 0, 'commits write loose objects');

    // Twelve more, published in batches while other commits are made beside the publish: the packing
    // starts after the push that crosses ten, with commits landing during it.
    for (let round = 0; round < 4; round++) {
      const beside = envs.map((env) => store.commit(deploy(env, sha(++n))));
      await Promise.all([store.publish(), ...beside]);
    }
    await store.publish();

    // The packing runs in the background after the push that crossed ten: polled, with a generous bound.
    let after = await countObjects(clone);
    for (let i = 0; i < 600 && after.inPack <= before.inPack; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await countObjects(clone);
    }
    assert.ok(after.inPack > before.inPack, `objects are in packs: ${JSON.stringify({ before, after })}`);
    const stillLoose = new Set(await looseObjects(clone));
    assert.deepEqual(looseBefore.filter((oid) => stillLoose.has(oid)), [], 'the objects loose before the packing are loose no more');
    await git(clone, ['cat-file', '--batch-check'], looseBefore.join('\n') + '\n').then((out) => assert.doesNotMatch(out, /missing/, 'and git finds each of them'));
    await git(clone, ['fsck', '--full', '--strict']);
    // The index previewd wrote is the one git writes for the same pack, byte for byte.
    for (const name of (await readdir(join(clone, 'objects', 'pack'))).filter((f) => f.endsWith('.pack'))) {
      const pack = join(clone, 'objects', 'pack', name);
      const theirs = join(remote.tmp, `${name}.git.idx`);
      await git(clone, ['index-pack', '-o', theirs, pack]);
      assert.deepEqual(await readFile(pack.replace(/\.pack$/, '.idx')), await readFile(theirs), `${name}'s index is git's`);
    }

    // Reads come from the pack as they came from loose files; a push after packing sends what it must.
    const tip = await store.head();
    assert.equal(await git(clone, ['rev-parse', 'refs/heads/main']), tip, 'the git CLI reads the tip from the packed clone');
    for (const env of envs) {
      const files = await store.readEnvironment(env);
      assert.ok(files?.get('preview.json')?.includes('"sha"'), `${folderOf(env)} reads back`);
      assert.equal((await store.history(env, {})).length > 1, true, 'history walks packed commits');
    }
    await store.commit(destroy(envs[0]!));
    await store.commit(deploy(envs[1]!, sha(++n)));
    await store.publish();
    assert.equal(await remote.remoteFile(`${folderOf(envs[0]!)}/preview.json`), null);
    assert.match((await remote.remoteFile(`${folderOf(envs[1]!)}/preview.json`)) ?? '', new RegExp(sha(n)));
    await remote.fsck();
    assert.equal(await remote.remoteHead(), await store.head());
  } finally {
    await remote.close();
  }
});

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertEnvRef, envFolder, InvalidEnvRefError } from '../../src/domain/environment.ts';
import { gitRefusedName } from '../../src/domain/git-refused-name.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, openStore, sha } from '../helpers/store-fixture.ts';

const REFUSED = [
  '.git', '.GIT', '.Git', '.git.', '.git..', '.git ', '.git. .', 'git~1', 'GIT~1', '.git::$INDEX_ALLOCATION', '.g\u200cit', '.\ufeffgit', '.gi\u200et',
  '.gitmodules', '.GitModules', '.gitmodules.', '.gitmodules ..', 'gitmod~1', 'GITMOD~4', 'gi7eba~9', '.g\u200citmodules',
  '.gitattributes', '.gitattributes.', 'gitatt~1', 'gi7d29~1', 'gi7~1234',
];
const TAKEN = ['.github', '.gitx', 'git', 'foo.git', '.git-hooks', 'git~5', 'gitmod~5', '.gitignore', '.mailmap', 'my.git.repo', '.gitmodules-x', 'gi7d29~12', 'gi7d29~0'];

/** Whether real git's `fsck --strict` accepts a tree holding a folder named `name`. */
async function gitAccepts(name: string): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'previewd-fsck-'));
  try {
    await git(dir, ['init', '--quiet', '--bare']);
    const run = (args: string[], input: string) => git(dir, args, input);
    const blob = await run(['hash-object', '-w', '--stdin'], 'content\n');
    const inner = await run(['mktree'], `100644 blob ${blob}\tpreview.json\n`);
    const outer = await run(['mktree'], `040000 tree ${inner}\t${name}\n`);
    const commit = await run(['commit-tree', outer], 'a folder\n');
    await git(dir, ['update-ref', 'refs/heads/main', commit]);
    return await git(dir, ['fsck', '--strict', '--no-dangling']).then(() => true, () => false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('names git refuses are refused before any path is built', () => {
  test('each name git fsck --strict refuses is refused with a reason; each near miss it takes is taken', async () => {
    for (const name of REFUSED) {
      assert.equal(await gitAccepts(name), false, `git itself refuses ${JSON.stringify(name)}`);
      assert.notEqual(gitRefusedName(name), null, `previewd refuses ${JSON.stringify(name)}`);
    }
    for (const name of TAKEN) {
      assert.equal(await gitAccepts(name), true, `git takes ${JSON.stringify(name)}`);
      assert.equal(gitRefusedName(name), null, `previewd takes ${JSON.stringify(name)}`);
    }
  });

  test('a repository named like .git (GitHub allows the characters) is refused with a clear message, before a folder is named', () => {
    for (const repo of ['.git', '.GIT', '.git.', '.git..', '.gitmodules', '.GitAttributes.']) {
      assert.throws(() => envFolder({ owner: 'demo', repo, pr: 1 }), (err: unknown) => err instanceof InvalidEnvRefError && /cannot be a folder of the GitOps repository.*git refuses such a name/.test(err.message), repo);
    }
    assert.doesNotThrow(() => assertEnvRef({ owner: 'demo', repo: '.github', pr: 1 }));
  });

  test('near misses publish to a remote that checks every pushed object (receive.fsckObjects), fsck --strict clean', async () => {
    const remote = await createGitOpsRemote();
    try {
      await git(remote.bare, ['config', 'receive.fsckObjects', 'true']);
      const store = await openStore(remote);
      const names = ['.github', 'foo.git', '.gitx', 'git', '.git-hooks'];
      for (const [i, repo] of names.entries()) await store.commit(deploy({ owner: 'demo', repo, pr: i + 1 }, sha(i + 1), 'create'));
      const result = await store.publish();
      assert.equal(result.published.length, names.length);
      for (const [i, repo] of names.entries()) assert.match((await remote.remoteFile(`previews/demo/${repo}/pr-${i + 1}/preview.json`)) ?? '', new RegExp(sha(i + 1)));
      await remote.fsck();
    } finally {
      await remote.close();
    }
  });
});

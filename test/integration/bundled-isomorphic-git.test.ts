// The compiled service loads isomorphic-git from the one-file bundle `npm run build` writes
// (scripts/bundle-isomorphic-git.js); the tests run from source and load the package. This checks that
// the bundle is the installed version and reads a repository the git CLI made exactly as the package does.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type isomorphicGit from 'isomorphic-git';

const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);

test('the bundled isomorphic-git is the installed one and reads a git CLI repository as the package does', { timeout: 120_000 }, async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'bundled-git-'));
  try {
    const outfile = join(tmp, 'isomorphic-git.cjs');
    execFileSync(process.execPath, [join(root, 'scripts/bundle-isomorphic-git.js'), outfile], { stdio: 'pipe' });
    const bundled = require(outfile) as typeof isomorphicGit;
    const installed = require('isomorphic-git') as typeof isomorphicGit;
    assert.equal(bundled.version(), installed.version());
    assert.notEqual(bundled, installed, 'the bundle is its own copy, not a re-export of the package');

    const dir = join(tmp, 'repo');
    const gitCli = (...args: string[]): string => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '-b', 'main', dir]);
    await writeFile(join(dir, 'preview.json'), '{"id":"demo-app-pr-1"}\n');
    gitCli('add', '.');
    gitCli('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'create demo/app#1', '-m', 'Preview-Id: demo-app-pr-1');
    gitCli('gc', '-q'); // packed: the bundle's inflate and pack index reading are exercised too

    const head = gitCli('rev-parse', 'HEAD');
    for (const git of [bundled, installed]) {
      assert.equal(await git.resolveRef({ fs, dir, ref: 'HEAD' }), head);
      const { commit } = await git.readCommit({ fs, dir, oid: head });
      assert.equal(commit.message, gitCli('log', '-1', '--format=%B') + '\n');
      const { blob } = await git.readBlob({ fs, dir, oid: head, filepath: 'preview.json' });
      assert.equal(Buffer.from(blob).toString('utf8'), '{"id":"demo-app-pr-1"}\n');
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

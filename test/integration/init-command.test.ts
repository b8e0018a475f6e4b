import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';

const run = promisify(execFile);
const skeleton = fileURLToPath(new URL('../../gitops-repo-skeleton/', import.meta.url));

/** A fake io that records what a command prints. */
function fakeIo(cwd: string, env: NodeJS.ProcessEnv): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string | Uint8Array) => ((out += String(chunk)), true) },
    stderr: { write: (chunk: string | Uint8Array) => ((err += String(chunk)), true) },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}

/** The environment without identity or repository variables, and without the user's git config. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...extra };
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: cleanEnv() });
  return stdout.trim();
}

/**
 * path → git blob id of every file under dir, computed without git, so the comparison is independent.
 * Symlinks are followed: the skeleton's schema/ links to previewd's schema/, and init must copy the
 * files themselves.
 */
async function blobIds(dir: string, prefix = ''): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full)).isDirectory())) {
      for (const [k, v] of await blobIds(full, rel)) ids.set(k, v);
    } else {
      const content = await readFile(full);
      ids.set(rel, createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex'));
    }
  }
  return ids;
}

let work: string;
before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'previewd-init-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('previewd init DIR makes one commit on main whose tree is the skeleton', async () => {
  const dir = path.join(work, 'fresh');
  const io = fakeIo(work, cleanEnv());
  assert.equal(await main(['init', dir], io), 0, io.err());
  assert.match(io.out(), /Created a GitOps repository/);

  assert.equal(await git(dir, ['rev-list', '--count', 'HEAD']), '1');
  assert.equal(await git(dir, ['symbolic-ref', '--short', 'HEAD']), 'main');
  assert.equal(await git(dir, ['log', '-1', '--format=%an <%ae>|%cn <%ce>']), 'previewd <previewd@localhost>|previewd <previewd@localhost>');
  assert.equal(await git(dir, ['status', '--porcelain']), '', 'nothing left uncommitted');

  const committed = new Map(
    (await git(dir, ['ls-tree', '-r', 'HEAD']))
      .split('\n')
      .map((line) => /^(\d+) blob ([0-9a-f]+)\t(.+)$/.exec(line))
      .map((m) => {
        assert.ok(m, 'only blobs in the tree');
        assert.equal(m[1], '100644', `${m[3]} is a plain file`);
        return [m[3] as string, m[2] as string] as const;
      }),
  );
  const expected = await blobIds(skeleton);
  assert.ok(expected.has('previews/.gitkeep') && expected.has('README.md'), 'the skeleton has its files');
  assert.ok(expected.has('schema/previewd.schema.json'), 'the skeleton carries the schemas (through its schema/ link)');
  assert.deepEqual(committed, expected);
});

test('the new repository carries the schema its previewd.yaml header names, as real files', async () => {
  const dir = path.join(work, 'schema-header');
  const io = fakeIo(work, cleanEnv());
  assert.equal(await main(['init', dir], io), 0, io.err());

  // The editor header must resolve inside the new repository, not into previewd's source tree.
  const config = await readFile(path.join(dir, 'previewd.yaml'), 'utf8');
  const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(config)?.[1];
  assert.ok(ref, 'previewd.yaml has a yaml-language-server $schema header');
  const target = path.resolve(dir, ref);
  assert.ok(target.startsWith(dir + path.sep), `${ref} stays inside the repository`);
  assert.ok((await lstat(target)).isFile(), `${ref} is a real file, not a link`);
  const original = await readFile(fileURLToPath(new URL('../../schema/previewd.schema.json', import.meta.url)), 'utf8');
  assert.equal(await readFile(target, 'utf8'), original);

  // git stores a symlink as mode 120000; a clone of such a tree would point outside the repository.
  const modes = (await git(dir, ['ls-tree', '-r', '-t', 'HEAD'])).split('\n').map((line) => line.split(' ')[0]);
  assert.ok(modes.length > 0);
  assert.ok(!modes.includes('120000'), 'no symlink in the committed tree');
  assert.equal(await git(dir, ['ls-files', ref.replace(/^\.\//, '')]), ref.replace(/^\.\//, ''), 'the schema is committed');
});

test('the author follows GIT_AUTHOR_*; DIR is relative to the caller, the skeleton is not', async () => {
  const io = fakeIo(work, cleanEnv({ GIT_AUTHOR_NAME: 'Platform Team', GIT_AUTHOR_EMAIL: 'platform@example.com' }));
  const original = process.cwd();
  // The skeleton is found from the package, wherever the process runs.
  process.chdir(os.tmpdir());
  try {
    assert.equal(await main(['init', 'relative/repo'], io), 0, io.err());
  } finally {
    process.chdir(original);
  }
  const dir = path.join(work, 'relative', 'repo');
  assert.equal(await git(dir, ['log', '-1', '--format=%an <%ae>']), 'Platform Team <platform@example.com>');
  assert.equal(await git(dir, ['ls-files', 'apps/demo/base/kustomization.yaml']), 'apps/demo/base/kustomization.yaml');
});

test('an existing empty directory is accepted', async () => {
  const dir = path.join(work, 'empty');
  await mkdir(dir);
  const io = fakeIo(work, cleanEnv());
  assert.equal(await main(['init', dir], io), 0, io.err());
  assert.equal(await git(dir, ['rev-list', '--count', 'HEAD']), '1');
});

test('a non-empty directory is refused and left as it was', async () => {
  const dir = path.join(work, 'taken');
  await mkdir(dir);
  await writeFile(path.join(dir, 'notes.txt'), 'mine\n');
  const io = fakeIo(work, cleanEnv());
  assert.equal(await main(['init', dir], io), 1);
  assert.match(io.err(), /exists and is not an empty directory/);
  assert.match(io.err(), new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.deepEqual(await readdir(dir), ['notes.txt']);
  assert.equal(await readFile(path.join(dir, 'notes.txt'), 'utf8'), 'mine\n');
});

test('a file in the way is refused too', async () => {
  const file = path.join(work, 'a-file');
  await writeFile(file, 'x');
  const io = fakeIo(work, cleanEnv());
  assert.equal(await main(['init', file], io), 1);
  assert.ok((await stat(file)).isFile());
});

test('usage mistakes exit 2 with the usage', async () => {
  for (const args of [['init'], ['init', 'a', 'b'], ['init', '--bogus', 'a']]) {
    const io = fakeIo(work, cleanEnv());
    assert.equal(await main(args, io), 2, args.join(' '));
    assert.match(io.err(), /Usage: previewd init DIR/);
  }
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openIsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { initGitopsRepo } from '../../src/adapters/init-gitops-repo.ts';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { skeletonDir } from '../../src/assets/package-root.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import type { EnvRef } from '../../src/domain/environment.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { renderOverlay } from '../../src/domain/render-overlay.ts';
import type { ChangeSet } from '../../src/ports/gitops-store.ts';
import { runCli } from '../helpers/cli-run.ts';
import { git } from '../helpers/git-cli.ts';
import { author, destroy, folderOf, sha } from '../helpers/store-fixture.ts';

/** The overlay previewd really writes for demo/app#n at `head` (the skeleton's previewd.yaml). */
async function deploy(env: EnvRef, head: string, action: 'create' | 'update'): Promise<ChangeSet> {
  const assets = await loadAssets();
  const validators = createConfigValidators(assets.schemas);
  const service = loadServiceConfig(await readFile(join(skeletonDir(), 'previewd.yaml'), 'utf8'), validators);
  assert.ok(service.ok);
  const app = findApp(service.value, env.owner, env.repo);
  const config = loadPreviewConfig(null, validators);
  assert.ok(app && config.ok);
  const pr = { ...env, sha: head, branch: `feature-${env.pr}`, author: 'octocat', now: new Date('2026-12-01T10:00:00Z') };
  const rendered = renderOverlay({ pr, service: service.value, app, config: config.value, templates: assets.templates });
  assert.ok(rendered.ok);
  const changes = [...rendered.value.files].map(([name, content]) => ({ type: 'write' as const, path: `${rendered.value.folder}/${name}`, content }));
  return { env, changes, meta: { action, sha: head, actor: 'octocat', repoUrl: `https://github.com/${env.owner}/${env.repo}` } };
}

// README.md, "Rolling back by hand": the trap of a plain `git revert` in a GitOps repository whose
// environment folders look alike, and the two commands that avoid it — checked with the git CLI.
const one = { owner: 'demo', repo: 'app', pr: 1 };
const two = { owner: 'demo', repo: 'app', pr: 2 };

async function changedPaths(cwd: string): Promise<string[]> {
  const status = await git(cwd, ['status', '--porcelain=v1', '--untracked-files=all']);
  return status.split('\n').filter(Boolean).map((line) => line.slice(3).split(' -> ').pop() as string);
}

describe('reverting an update by hand after its environment was destroyed', () => {
  let tmp: string;
  let dir: string;
  let work: string;
  let update: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'previewd-revert-'));
    dir = join(tmp, 'gitops');
    await initGitopsRepo(dir, { author });
    const store = await openIsomorphicGitStore({ location: { kind: 'local', dir }, branch: 'main', author });
    // demo/app#1 is created and updated; then #2 opens and #1 closes — the order of a busy day.
    await store.commit(await deploy(one, sha(1), 'create'));
    const updated = await store.commit(await deploy(one, sha(2), 'update'));
    assert.equal(updated.status, 'committed');
    await store.commit(await deploy(two, sha(3), 'create'));
    await store.commit(destroy(one));
    await store.publish();
    update = (await git(dir, ['log', '--format=%H', '--grep', 'update to', '-1', 'main'])).trim();
    assert.match(update, /^[0-9a-f]{40}$/);
    work = join(tmp, 'work');
    await git(tmp, ['clone', '--quiet', dir, work]);
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  test('the trap: plain `git revert` pairs the deleted folder with its look-alike sibling (rename detection) and changes or conflicts in the other PR\'s folder', async () => {
    const result = await git(work, ['revert', '--no-edit', update]).then(() => 'committed', () => 'conflict');
    const touched = result === 'committed'
      ? (await git(work, ['diff', '--name-only', 'HEAD~1', 'HEAD'])).split('\n')
      : await changedPaths(work);
    assert.ok(touched.some((p) => p.startsWith(`${folderOf(two)}/`)), `git revert touched only ${touched.join(', ')}`);
    if (result === 'committed') await git(work, ['reset', '--hard', '--quiet', 'HEAD~1']);
    else await git(work, ['revert', '--abort']);
    assert.deepEqual(await changedPaths(work), []);
  });

  // Not `-X no-renames` alone: git 2.39's default strategy (ort) ignores it in a revert and still pairs the
  // folders; the recursive strategy honours it.
  test('`git revert --strategy=recursive -X no-renames` never touches the sibling: the only conflict is the destroyed folder\'s own (modify/delete)', async () => {
    const result = await git(work, ['revert', '--no-edit', '--strategy=recursive', '-X', 'no-renames', update]).then(() => 'committed', () => 'conflict');
    assert.equal(result, 'conflict', 'the folder it changed is gone: git asks what to do');
    const touched = await changedPaths(work);
    assert.ok(touched.length > 0);
    assert.ok(touched.every((p) => p.startsWith(`${folderOf(one)}/`)), touched.join(', '));
    const unmerged = (await git(work, ['diff', '--name-only', '--diff-filter=U'])).split('\n').filter(Boolean);
    assert.ok(unmerged.every((p) => p.startsWith(`${folderOf(one)}/`)), unmerged.join(', '));
    await git(work, ['revert', '--abort']);
    assert.deepEqual(await changedPaths(work), []);
  });

  test('the path-limited restore brings back the folder as it was before the update, in a commit that touches that folder only', async () => {
    const before = await git(work, ['rev-parse', 'HEAD']);
    const folder = folderOf(one);
    await git(work, ['restore', `--source=${update}~1`, '--staged', '--worktree', '--', folder]);
    await git(work, ['commit', '--quiet', '-m', `Revert demo/app#1 to its content before ${update.slice(0, 7)}`]);
    const touched = (await git(work, ['diff', '--name-only', before, 'HEAD'])).split('\n');
    assert.ok(touched.length > 0 && touched.every((p) => p.startsWith(`${folder}/`)), touched.join(', '));
    assert.equal(await git(work, ['rev-parse', `HEAD:${folder}`]), await git(work, ['rev-parse', `${update}~1:${folder}`]));
    assert.equal(await git(work, ['rev-parse', `HEAD:${folderOf(two)}`]), await git(work, ['rev-parse', `${before}:${folderOf(two)}`]), 'the sibling is untouched');
    assert.match(await git(work, ['show', `HEAD:${folder}/kustomization.yaml`]), new RegExp(`newTag: "?${sha(1)}`));
  });

  test('`previewd revert` of the update brings the destroyed folder back as it was before it, and leaves the sibling as it is', async () => {
    const head = await git(dir, ['rev-parse', 'main']);
    const run = await runCli(['revert', update, '--actor', 'alice'], { DATA_DIR: tmp });
    assert.equal(run.code, 0, run.err);
    const folder = folderOf(one);
    const touched = (await git(dir, ['diff', '--name-only', head, 'main'])).split('\n');
    assert.ok(touched.length > 0 && touched.every((p) => p.startsWith(`${folder}/`)), touched.join(', '));
    assert.equal(await git(dir, ['rev-parse', `main:${folderOf(two)}`]), await git(dir, ['rev-parse', `${head}:${folderOf(two)}`]), 'the sibling is untouched');
    assert.match(await git(dir, ['show', `main:${folder}/kustomization.yaml`]), new RegExp(`newTag: "?${sha(1)}`));
    assert.equal(JSON.parse(await git(dir, ['show', `main:${folder}/preview.json`])).sha, sha(1));
    await git(dir, ['fsck', '--strict', '--no-dangling', '--no-progress']);
  });
});

// `previewd revert C` (src/cli/revert-command.ts) on the local repository previewd init makes: undoes
// what one GitOps commit did to the one environment it changed, and refuses every other kind of commit
// with what to do instead. The README's trap (a destroyed folder beside a look-alike sibling) is in
// revert-by-hand.test.ts, beside the by-hand commands.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openIsomorphicGitStore, type IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { initGitopsRepo } from '../../src/adapters/init-gitops-repo.ts';
import { formatPreviewJson } from '../../src/domain/preview-json.ts';
import type { ChangeSet } from '../../src/ports/gitops-store.ts';
import { runCli, trailers } from '../helpers/cli-run.ts';
import { git } from '../helpers/git-cli.ts';
import { author, deploy, folderOf, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'acme', repo: 'shop', pr: 1 };
const other = { owner: 'acme', repo: 'shop', pr: 2 };

/** A deploy with a whole preview.json, as the service writes it (a revert restores it). */
function deployWhole(env: typeof shop, n: number, action: 'create' | 'update'): ChangeSet {
  const change = deploy(env, sha(n), action);
  const preview = formatPreviewJson({
    id: `shop-pr-${env.pr}-acme`, namespace: `pv-shop-pr-${env.pr}-acme`, repo: 'acme/shop', pr: env.pr, sha: sha(n), branch: 'feature', url: `https://shop-pr-${env.pr}.preview.example.com`,
    author: 'octocat', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: `2025-01-0${n}T00:00:00.000Z`, expiresAt: `2025-01-0${n + 3}T00:00:00.000Z`, preservedUntil: null,
  });
  return { ...change, changes: change.changes.map((c) => (c.type === 'write' && c.path.endsWith('/preview.json') ? { ...c, content: preview } : c)) };
}

async function committed(store: IsomorphicGitStore, change: ChangeSet): Promise<string> {
  const result = await store.commit(change);
  assert.equal(result.status, 'committed');
  return result.status === 'committed' ? result.commit : '';
}

/** A folder's files other than preview.json (whose lifecycle times a revert renews), as blob ids. */
async function overlayBlobs(dir: string, rev: string, env = shop): Promise<string> {
  return (await git(dir, ['ls-tree', `${rev}:${folderOf(env)}`])).split('\n').filter((l) => !l.endsWith('\tpreview.json')).join('\n');
}

describe('previewd revert on the local repository', () => {
  let tmp: string;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let create: string;
  let update: string;
  let sibling: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'previewd-revert-cli-'));
    dir = join(tmp, 'gitops');
    await initGitopsRepo(dir, { author });
    env = { DATA_DIR: tmp };
    const service = await openIsomorphicGitStore({ location: { kind: 'local', dir }, branch: 'main', author, sleep: async () => undefined });
    create = await committed(service, deployWhole(shop, 1, 'create'));
    update = await committed(service, deployWhole(shop, 2, 'update'));
    sibling = await committed(service, deployWhole(other, 3, 'create'));
    await service.publish();
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  test('reverting an update restores the folder as it was before it, in a commit that says so and touches nothing else', async () => {
    const head = await git(dir, ['rev-parse', 'main']);
    const run = await runCli(['revert', update.slice(0, 9), '--actor', 'alice'], env);
    assert.equal(run.code, 0, run.err);
    const commit = /in commit ([0-9a-f]{40})/.exec(run.out)?.[1];
    assert.ok(commit, run.out);
    assert.equal(await git(dir, ['rev-parse', 'main']), commit);
    assert.equal(await overlayBlobs(dir, 'main'), await overlayBlobs(dir, create), 'the overlay is the one before the update');
    assert.equal(JSON.parse(await git(dir, ['show', `main:${folderOf(shop)}/preview.json`])).sha, sha(1));
    const touched = (await git(dir, ['diff', '--name-only', head, 'main'])).split('\n');
    assert.ok(touched.every((p) => p.startsWith(`${folderOf(shop)}/`)), touched.join(', '));
    assert.equal(await git(dir, ['rev-parse', `main:${folderOf(other)}`]), await git(dir, ['rev-parse', `${sibling}:${folderOf(other)}`]), 'the other PR\'s folder is untouched');
    assert.equal(await git(dir, ['log', '-1', '--format=%s', 'main']), `preview(acme/shop#1): revert ${update.slice(0, 7)}`);
    assert.match(await git(dir, ['log', '-1', '--format=%b', 'main']), new RegExp(`^Reverts ${update}: restores ${folderOf(shop)} as it was before ${update.slice(0, 7)}`));
    const t = await trailers(dir, 'main');
    assert.equal(t.get('Preview-Action'), 'rollback');
    assert.equal(t.get('Preview-Target'), create, 'the commit whose content came back: the update\'s parent');
    assert.equal(t.get('Preview-Sha'), sha(1));
    assert.equal(t.get('Argocd-reference-commit-sha'), sha(1));
    assert.equal(t.get('Preview-Actor'), 'alice');
    assert.equal(t.get('Preview-Repo'), 'acme/shop');
    assert.equal(t.get('Preview-PR'), '1');
    assert.ok(t.get('Preview-Id'), 'every trailer of a commit: Preview-Id');
    // The same revert again: the folder already is as it was before the update.
    const again = await runCli(['revert', update], env);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /already is as it was before .*nothing changed/);
    assert.equal(await git(dir, ['rev-parse', 'main']), commit);
  });

  test('reverting a create removes the environment\'s folder, and only it', async () => {
    const run = await runCli(['revert', sibling], env);
    assert.equal(run.code, 0, run.err);
    assert.equal(await git(dir, ['ls-tree', 'main', `${folderOf(other)}`]), '', 'the folder is gone');
    assert.ok(await overlayBlobs(dir, 'main'), 'the first PR\'s folder is still there');
    assert.equal((await trailers(dir, 'main')).get('Preview-Action'), 'rollback');
  });

  test('refuses (exit 1, nothing committed) a commit of several environments, one of other files only, an unknown one; usage mistakes exit 2', async () => {
    // A person's commit across two folders, and one that changes only previewd.yaml.
    await writeFile(join(dir, folderOf(shop), 'note.txt'), 'by hand\n');
    await git(dir, ['checkout', '--quiet', sibling, '--', folderOf(other)]);
    await git(dir, ['add', '-A']);
    await git(dir, ['-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', 'commit', '--quiet', '-m', 'two folders at once']);
    const both = await git(dir, ['rev-parse', 'HEAD']);
    await writeFile(join(dir, 'previewd.yaml'), `${await git(dir, ['show', 'HEAD:previewd.yaml'])}\n# a comment\n`);
    await git(dir, ['-c', 'user.name=Ann', '-c', 'user.email=ann@example.com', 'commit', '--quiet', '-am', 'registry only']);
    const registry = await git(dir, ['rev-parse', 'HEAD']);
    const head = registry;

    const several = await runCli(['revert', both], env);
    assert.equal(several.code, 1, several.out);
    assert.match(several.err, /changed 2 environments \(previews\/acme\/shop\/pr-1, previews\/acme\/shop\/pr-2\)/);
    assert.match(several.err, /git revert --strategy=recursive -X no-renames/);
    const none = await runCli(['revert', registry], env);
    assert.equal(none.code, 1);
    assert.match(none.err, /changed no environment folder under previews\/: it changed only other files/);
    const unknown = await runCli(['revert', 'deadbeef'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no commit "deadbeef"/);
    assert.equal(await git(dir, ['rev-parse', 'main']), head, 'nothing was committed');
    for (const args of [[], ['xyz'], [update, 'extra'], [update, '--force']]) {
      const run = await runCli(['revert', ...args], env);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.err, /Usage: previewd revert/);
    }
  });
});

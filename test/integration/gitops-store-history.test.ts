import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RevertTargetError } from '../../src/adapters/git/errors.ts';
import type { IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { deploy, destroy, openStore, sha } from '../helpers/store-fixture.ts';

const shop = { owner: 'acme', repo: 'shop', pr: 42 };
const api = { owner: 'acme', repo: 'api', pr: 1 };

describe('GitOps store: history and rollback', () => {
  let remote: GitOpsRemote;
  let store: IsomorphicGitStore;
  const commits: Record<string, string> = {};
  before(async () => {
    remote = await createGitOpsRemote();
    store = await openStore(remote);
    for (const [name, change] of [['create', deploy(shop, sha(1), 'create')], ['other', deploy(api, sha(9), 'create')], ['update', deploy(shop, sha(2))]] as const) {
      const r = await store.commit(change);
      if (r.status === 'committed') commits[name] = r.commit;
    }
    const published = await store.publish();
    for (const p of published.published) for (const [k, v] of Object.entries(commits)) if (v === p.local) commits[k] = p.commit;
    commits.manual = await remote.humanCommit({ 'previews/acme/shop/pr-42/kustomization.yaml': 'resources: []\n' }, 'Pin the shop preview by hand');
    await store.refresh();
  });
  after(() => remote.close());

  test('history lists the folder\'s commits newest first, with trailers, and a hand commit as manual', async () => {
    const records = await store.history(shop);
    assert.deepEqual(records.map((r) => [r.commit, r.action, r.actor, r.sha]), [
      [commits.manual, 'manual', 'Hu Man', null],
      [commits.update, 'update', 'octocat', sha(2)],
      [commits.create, 'create', 'octocat', sha(1)],
    ]);
    assert.equal(records[1]?.delivery, `delivery-${sha(2).slice(0, 8)}`);
    assert.equal(records[0]?.author.email, 'human@example.com');
    assert.ok(records.every((r) => !Number.isNaN(Date.parse(r.time)) && !r.removed));
    // The same commits as git itself lists for the folder.
    const cli = await git(remote.bare, ['log', '--format=%H', 'main', '--', 'previews/acme/shop/pr-42']);
    assert.deepEqual(records.map((r) => r.commit), cli.split('\n'));
  });

  test('a rollback restores the folder as it was at the chosen commit, in a new commit', async () => {
    const target = commits.create ?? '';
    const result = await store.revert(shop, target.slice(0, 10), { actor: 'alice', delivery: 'd-1' });
    assert.equal(result.status, 'committed');
    await store.publish();
    const diff = await git(remote.bare, ['diff', '--stat', target, 'main', '--', 'previews/acme/shop/pr-42']);
    assert.equal(diff, '', 'the folder equals its content at the target');
    const [latest] = await store.history(shop, { limit: 1 });
    assert.equal(latest?.action, 'rollback');
    assert.equal(latest?.actor, 'alice');
    assert.equal(latest?.sha, sha(1), 'the app sha of the restored state');
    assert.equal(latest?.subject, `preview(acme/shop#42): rollback to ${target.slice(0, 7)}`);
    const trailers = await git(remote.bare, ['interpret-trailers', '--parse'], await git(remote.bare, ['log', '-1', '--format=%B', 'main']));
    assert.match(trailers, new RegExp(`^Preview-Target: ${target}$`, 'm'));
    assert.match((await remote.remoteFile('previews/acme/api/pr-1/preview.json')) ?? '', new RegExp(sha(9)), 'other environments untouched');
    await remote.fsck();
  });

  test('rolling back to the state already there makes no commit', async () => {
    assert.equal((await store.revert(shop, commits.create ?? '', { actor: 'alice' })).status, 'unchanged');
  });

  test('a commit that did not touch the folder, or does not exist, is refused clearly', async () => {
    await assert.rejects(store.revert(shop, commits.other ?? '', { actor: 'alice' }), (err: unknown) =>
      err instanceof RevertTargetError && err.message.includes('did not change previews/acme/shop/pr-42') && err.message.includes('previewd history acme/shop#42'));
    await assert.rejects(store.revert(shop, 'deadbeefdeadbeef', { actor: 'alice' }), RevertTargetError);
  });

  test('after a destroy, history marks the removal and a rollback brings the environment back', async () => {
    await store.commit(destroy(shop));
    const [removed] = await store.history(shop, { limit: 1 });
    assert.equal(removed?.action, 'destroy');
    assert.equal(removed?.removed, true);
    assert.equal(await store.readEnvironment(shop), null);
    await store.revert(shop, commits.update ?? '', { actor: 'bob' });
    await store.publish();
    const files = await store.readEnvironment(shop);
    assert.deepEqual([...(files?.keys() ?? [])].sort(), ['kustomization.yaml', 'namespace.yaml', 'preview.json']);
    assert.match(files?.get('preview.json') ?? '', new RegExp(sha(2)));
  });

  test('listEnvironments reads the folders from the tree', async () => {
    const list = await store.listEnvironments();
    assert.deepEqual(list.map((e) => e.folder).sort(), ['previews/acme/api/pr-1', 'previews/acme/shop/pr-42']);
    assert.equal(await store.readFile('README.md'), '# GitOps\n');
    assert.equal(await store.readFile('nope.yaml'), null);
  });

  test('hasDelivery knows the Preview-Delivery of every commit: old ones, new ones, and those another clone pushed', async () => {
    const web = { owner: 'acme', repo: 'web', pr: 3 };
    assert.equal(await store.hasDelivery(`delivery-${sha(2).slice(0, 8)}`), true, 'a commit from before the first question');
    assert.equal(await store.hasDelivery('d-1'), true, 'the rollback\'s');
    assert.equal(await store.hasDelivery('never-delivered'), false);
    await store.commit({ ...deploy(web, sha(3), 'create'), meta: { action: 'create', sha: sha(3), actor: 'octocat', delivery: 'web-open' } });
    assert.equal(await store.hasDelivery('web-open'), true, 'a local commit, not yet pushed');
    const other = await openStore(remote, { clone: join(remote.tmp, 'other-clone.git') });
    const docs = { owner: 'acme', repo: 'docs', pr: 5 };
    await other.commit({ ...deploy(docs, sha(4), 'create'), meta: { action: 'create', sha: sha(4), actor: 'octocat', delivery: 'docs-open' } });
    await other.publish();
    await remote.humanCommit({ 'README.md': '# GitOps, by hand\n' }, 'A commit without trailers');
    assert.equal(await store.hasDelivery('docs-open'), false, 'not fetched yet');
    const published = await store.publish();
    assert.deepEqual([published.conflicts, published.published.map((p) => p.subject)], [[], ['preview(acme/web#3): create at aaaaaaa']]);
    assert.equal(await store.hasDelivery('docs-open'), true, 'fetched by the publish');
    assert.equal(await store.hasDelivery('web-open'), true, 'its own commit, replayed on the new tip');
    assert.equal(await store.hasDelivery('never-delivered'), false);
  });
});

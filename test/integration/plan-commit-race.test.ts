import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { IsomorphicGitStore } from '../../src/adapters/git/isomorphic-git-store.ts';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import type { EnvRef } from '../../src/domain/environment.ts';
import { createReconciler, type Reconciler } from '../../src/reconciler/create-reconciler.ts';
import { createRegistryReader } from '../../src/reconciler/registry-reader.ts';
import { routeWebhook } from '../../src/reconciler/route-webhook.ts';
import { git } from '../helpers/git-cli.ts';
import { createGitOpsRemote, type GitOpsRemote } from '../helpers/gitops-remote.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { deploy, openStore } from '../helpers/store-fixture.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (pr: number, n: number) => `${n.toString(16)}${pr.toString(16).padStart(39, '0')}`;
const silent = { info: () => undefined, debug: () => undefined, warn: () => undefined, error: () => undefined };

// Two writers of one GitOps remote (the service and `previewd reconcile --once`, or two replicas by
// mistake): each plans on its own clone and a fetch may bring the other's commit at any moment.
async function writer(store: IsomorphicGitStore): Promise<Reconciler> {
  const assets = await loadAssets();
  const validators = createConfigValidators(assets.schemas);
  return createReconciler({
    store, forge: null, registry: createRegistryReader(store, validators), validators, templates: assets.templates,
    now: () => new Date(), log: pino({ level: 'silent' }), lifecycle: null, lingerMs: 20, concurrency: 4,
  });
}

function opened(reconciler: Reconciler, pr: number, n: number, delivery: string): void {
  const outcome = routeWebhook(reconciler.enqueue)({ name: 'pull_request', delivery, payload: pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr, n) }) }, silent);
  assert.deepEqual(outcome, { accepted: true });
}

describe('a plan is applied only to the folder it was made on', () => {
  let remote: GitOpsRemote;
  before(async () => {
    remote = await createGitOpsRemote(skeletonFiles());
  });
  after(async () => {
    await remote.close();
  });

  test('the store refuses a commit planned on a tip where the folder was different, and takes one whose folder is as planned', async () => {
    const store = await openStore(remote, { clone: join(remote.tmp, 'store.git') });
    const shop: EnvRef = { owner: 'demo', repo: 'app', pr: 1 };
    const planned = await store.head();
    const first = await store.commit(deploy(shop, sha(1, 1), 'create'));
    assert.equal(first.status, 'committed');
    // Planned on `planned`, where pr-1 did not exist yet: it was made since, so this plan is stale.
    assert.deepEqual(await store.commit({ ...deploy(shop, sha(1, 2), 'create'), basedOn: planned }), { status: 'moved', env: shop });
    // Another folder is not this plan's business: a commit for pr-2 planned on the same old tip is made.
    const other = await store.commit({ ...deploy({ ...shop, pr: 2 }, sha(2, 1), 'create'), basedOn: planned });
    assert.equal(other.status, 'committed');
    const tip = await store.head();
    assert.equal((await store.commit({ ...deploy(shop, sha(1, 3)), basedOn: tip })).status, 'committed');
    await store.publish();
  });

  test('an opened PR whose environment another writer made while previewd planned it: one create, not two', { timeout: 60_000 }, async () => {
    const mine = await openStore(remote, { clone: join(remote.tmp, 'mine.git') });
    const theirs = await openStore(remote, { clone: join(remote.tmp, 'theirs.git') });
    const other = await writer(theirs);
    let interfered = false;
    // Between reading the folder (not there) and committing, the other writer creates it and a fetch
    // (as a push's retry makes) brings its commit into this clone.
    const racing: IsomorphicGitStore = {
      ...mine,
      async readEnvironment(env, at) {
        const folder = await mine.readEnvironment(env, at);
        if (env.pr === 9 && !interfered) {
          interfered = true;
          opened(other, 9, 1, 'theirs-9');
          await other.idle();
          await mine.fetch();
        }
        return folder;
      },
    };
    const reconciler = await writer(racing);
    try {
      opened(reconciler, 9, 1, 'mine-9');
      await reconciler.idle();
      assert.ok(interfered, 'the other writer ran between the read and the commit');
      const subjects = (await git(remote.bare, ['log', '--format=%s', 'main', '--', 'previews/demo/app/pr-9'])).split('\n').filter(Boolean);
      assert.deepEqual(subjects, [`preview(demo/app#9): create at ${sha(9, 1).slice(0, 7)}`], 'the other writer\'s create, and nothing over it');
      const preview = JSON.parse((await remote.remoteFile('previews/demo/app/pr-9/preview.json')) ?? '{}') as { sha?: string };
      assert.equal(preview.sha, sha(9, 1));
    } finally {
      await reconciler.close();
      await other.close();
    }
  });
});

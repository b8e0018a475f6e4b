import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { git } from '../helpers/git-cli.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, '9');

/** The service with the skeleton's demo app capped at `maxPreviews`. */
function serviceWithCap(maxPreviews: number): Promise<ServiceFixture> {
  const doc = parseDocument(skeletonFiles()['previewd.yaml'] ?? '');
  doc.setIn(['apps', 0, 'maxPreviews'], maxPreviews);
  return startServiceFixture({ registry: doc.toString() });
}

describe('an app at its maxPreviews', () => {
  let f: ServiceFixture;
  before(async () => (f = await serviceWithCap(2)));
  after(() => f.close());

  const exists = async (pr: number) => (await f.remote.remoteFile(`previews/demo/app/pr-${pr}/preview.json`)) !== null;

  test('a third PR waits with its place in line, and starts when a slot frees', async () => {
    for (const pr of [1, 2, 3, 4]) {
      await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr) }));
      await f.reconciler.idle();
    }
    assert.deepEqual([await exists(1), await exists(2), await exists(3), await exists(4)], [true, true, false, false]);
    const third = f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 3 });
    assert.equal(third?.state, 'waiting');
    assert.match(third?.reason ?? '', /maximum of 2 previews; place 1 in line/);
    assert.match(f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr: 4 })?.reason ?? '', /place 2 in line/);
    await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr: 1, sha: sha(1), action: 'closed' }));
    await f.reconciler.idle();
    assert.deepEqual([await exists(1), await exists(3), await exists(4)], [false, true, false], 'the first in line took the freed slot');
  });
});

describe('the maxPreviews cap under concurrency', () => {
  let f: ServiceFixture;
  before(async () => (f = await serviceWithCap(20)));
  after(() => f.close());

  test('50 PRs opened at once against a cap of 20: exactly 20 environments, 30 waiting in the order they came', { timeout: 120_000 }, async () => {
    const prs = Array.from({ length: 50 }, (_, i) => i + 1);
    await Promise.all(prs.map((pr) => f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr) }))));
    await f.reconciler.idle();
    const listing = await git(f.remote.bare, ['ls-tree', '-d', '--name-only', 'main', 'previews/demo/app/']);
    const made = listing.split('\n').filter(Boolean);
    assert.equal(made.length, 20, `environments on the remote: ${made.join(' ')}`);
    const states = prs.map((pr) => f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr })?.state);
    assert.equal(states.filter((s) => s === 'waiting').length, 30, states.join(' '));
    assert.equal(states.filter((s) => s === 'committed').length, 20, states.join(' '));
    const places = prs
      .map((pr) => ({ pr, place: Number(/place (\d+) in line/.exec(f.reconciler.statuses.get({ owner: 'demo', repo: 'app', pr })?.reason ?? '')?.[1] ?? 0) }))
      .filter((p) => p.place > 0)
      .sort((a, b) => a.place - b.place);
    assert.deepEqual(places.map((p) => p.place), Array.from({ length: 30 }, (_, i) => i + 1), 'places 1 to 30, each once');
  });
});

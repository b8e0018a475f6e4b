import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDocument } from 'yaml';
import { git } from '../helpers/git-cli.ts';
import { startServiceFixture, type ServiceFixture } from '../helpers/service-fixture.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { examplesOf } from '../helpers/webhook-examples.ts';

// The skeleton's registry, with every repository registered, so that the recorded payloads (for
// repositories such as Codertocat/Hello-World) reach the renderer.
function registerEverything(): string {
  const doc = parseDocument(skeletonFiles()['previewd.yaml'] ?? '');
  doc.setIn(['apps', 0, 'repo'], '*/*');
  doc.setIn(['policy', 'forks'], 'always');
  return doc.toString();
}

describe('every recorded pull_request payload, signed like GitHub, over real HTTP', () => {
  let f: ServiceFixture;
  before(async () => {
    f = await startServiceFixture({ registry: registerEverything() });
  });
  after(() => f.close());

  test('each is accepted or ignored with a reason; the remote ends as the last event of each PR says', async () => {
    const examples = examplesOf('pull_request');
    assert.ok(examples.length >= 29);
    const last = new Map<string, { state: string; draft: boolean }>();
    for (const [i, { source, payload }] of examples.entries()) {
      const response = await f.deliver('pull_request', payload, { delivery: `example-${i}` });
      assert.equal(response.status, 202, source);
      const body = (await response.json()) as { accepted: boolean; reason?: string };
      assert.ok(body.accepted || (body.reason ?? '').length > 0, `${source}: ignored with a reason`);
      if (body.accepted) {
        const key = `${String(payload.repository.full_name).toLowerCase()}#${String(payload.number)}`;
        last.set(key, { state: payload.pull_request.state, draft: payload.pull_request.draft === true });
      }
      // Let each example land before the next, so that "last" is well defined.
      await f.reconciler.idle();
    }
    assert.ok(last.size > 0, 'some examples were accepted');
    assert.ok(f.reconciler.statuses.all().every((s) => s.state !== 'failed'), JSON.stringify(f.reconciler.statuses.all().filter((s) => s.state === 'failed')));
    const folders = (await git(f.remote.bare, ['ls-tree', '-d', '--name-only', '-r', 'main', 'previews'])).split('\n').filter((p) => /\/pr-\d+$/.test(p));
    assert.ok(folders.length > 0, 'some examples left an open preview');
    for (const folder of folders) {
      const [, owner, repo, pr] = /^previews\/([^/]+)\/([^/]+)\/pr-(\d+)$/.exec(folder) ?? [];
      const final = last.get(`${owner}/${repo}#${pr}`);
      assert.ok(final, `${folder} belongs to an accepted example`);
      assert.equal(final.state, 'open', `${folder}: only open PRs keep a folder`);
    }
    for (const [key, final] of last) {
      const [full, pr] = key.split('#');
      const present = folders.includes(`previews/${full}/pr-${pr}`);
      if (final.state === 'closed') assert.equal(present, false, `${key} is closed and has no folder`);
      if (final.state === 'open' && !final.draft) assert.equal(present, true, `${key} is open and has a folder`);
    }
    await f.remote.fsck();
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { git } from '../helpers/git-cli.ts';
import { assertRemoteConverged } from '../helpers/gitops-assertions.ts';
import { skeletonFiles } from '../helpers/skeleton-files.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (pr: number) => `d${pr.toString(16).padStart(39, '0')}`;
const REGISTRY = (skeletonFiles()['previewd.yaml'] ?? '').replace('maxPreviews: 20', 'maxPreviews: 1000');

async function readyz(f: FeedbackFixture): Promise<{ status: number; reasons: string[] }> {
  const response = await fetch(`${f.service.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, reasons: ((await response.json()) as { reasons: string[] }).reasons };
}

async function environments(f: FeedbackFixture): Promise<number> {
  const listing = await git(f.remote.bare, ['ls-tree', '-r', '--name-only', 'main', 'previews/demo/app']).catch(() => '');
  return listing.split('\n').filter((p) => p.endsWith('/preview.json')).length;
}

describe('a GitOps remote that hangs (accepts the connection, answers nothing)', () => {
  test('/readyz says not ready with the reason within the threshold; nothing accepted meanwhile is lost once it answers again', { timeout: 90_000 }, async () => {
    let release: (() => void) | null = null;
    let gate: Promise<void> | null = null;
    // "Not reached within the last minute" shortened to 3 s (probing every 0.5 s), so that it speaks while hung.
    const f = await startFeedbackFixture({
      registry: REGISTRY, remoteCheck: { staleMs: 3_000, probeMs: 500 },
      beforeRemoteRequest: async () => {
        if (gate) await gate;
      },
    });
    try {
      const open = async (prs: number[]) => {
        for (const pr of prs) {
          f.github.repo('demo/app').setPull(pr, { state: 'open', headSha: sha(pr), headRef: `feature-${pr}`, user: 'alice' });
          const response = await f.deliver('pull_request', pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: sha(pr), author: 'alice' }));
          assert.equal(response.status, 202, 'accepted while the remote hangs: the inbox holds it');
        }
      };
      await open([1, 2, 3]);
      await f.until('the first PRs on the remote', async () => (await environments(f)) === 3, 30_000);
      await f.until('/readyz ready before the hang', async () => (await readyz(f)).status === 200, 20_000);

      gate = new Promise<void>((resolve) => (release = resolve));
      await open(Array.from({ length: 12 }, (_, i) => i + 4));
      const notReady = await f.until('/readyz not ready with a reason', async () => {
        const answer = await readyz(f);
        return answer.status === 503 ? answer : undefined;
      }, 20_000);
      assert.ok(notReady.reasons.some((r) => /GitOps remote/.test(r)), notReady.reasons.join('\n'));
      assert.equal(await environments(f), 3, 'nothing reached the hung remote');

      gate = null;
      (release as (() => void) | null)?.();
      await f.until('every PR on the remote once it answers', async () => (await environments(f)) === 15, 60_000);
      await f.until('/readyz ready again', async () => (await readyz(f)).status === 200, 30_000);
      await assertRemoteConverged(f.remote, { owner: 'demo', repo: 'app', open: new Map(Array.from({ length: 15 }, (_, i) => [i + 1, sha(i + 1)])) });
    } finally {
      gate = null;
      (release as (() => void) | null)?.();
      await f.close();
    }
  });
});

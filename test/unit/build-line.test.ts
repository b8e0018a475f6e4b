import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';
import { createBuildLine, type HeldBuild } from '../../src/reconciler/build-line.ts';
import type { SyncItem } from '../../src/reconciler/reconcile-request.ts';

const env = { owner: 'Demo', repo: 'app', pr: 1 };
const snapshot = (headSha: string): PullRequestSnapshot => ({
  owner: 'Demo', repo: 'app', pr: 1, state: 'open', merged: false, draft: false, headSha, headRef: 'feature', fork: false, author: 'alice', labels: [], repoUrl: 'https://github.com/Demo/app',
});
const item = (headSha: string, override = true, ids?: string[]): SyncItem => ({ kind: 'sync', snapshot: snapshot(headSha), actor: 'alice', cause: 'pull_request.synchronize', override, ...(ids ? { ids } : {}) });
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('the build line: environments held by waitFor', () => {
  test('one sha per environment: the same sha keeps its start, a newer one takes the place with a new start', () => {
    const line = createBuildLine({ recheck: () => assert.fail('no look was asked for') });
    const t1 = new Date('2026-01-01T00:00:00Z');
    const t2 = new Date('2026-01-01T00:10:00Z');
    assert.equal(line.hold(env, item(A, true, ['inbox-1']), t1), t1);
    assert.equal(line.hold(env, item(A, false), t2), t1, 'the wait counts from the first hold of that sha');
    assert.equal(line.get(env)?.sync.override, false, 'the newest event speaks for it');
    assert.equal(line.get(env)?.sync.ids, undefined, 'inbox ids are never kept: they were settled when held');
    assert.equal(line.hold(env, item(B), t2), t2);
    assert.deepEqual(line.forShas('demo', 'APP', [A]), [], 'the older sha no longer waits');
    assert.deepEqual(line.forShas('demo', 'APP', [B.toUpperCase(), A]).map((h) => h.sha), [B], 'found by sha and repository, case aside');
    assert.deepEqual(line.forShas('other', 'app', [B]), []);
    line.release(env);
    assert.equal(line.size(), 0);
    assert.deepEqual(line.forShas('demo', 'app', [B]), []);
  });

  test('looks again backing off, and not after release or close', async () => {
    const seen: HeldBuild[] = [];
    const line = createBuildLine({ recheck: (h) => seen.push(h), baseMs: 20, maxMs: 40 });
    line.hold(env, item(A), new Date());
    line.lookAgain(env);
    const until = async (n: number) => {
      for (let i = 0; i < 400 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.sha, A);
    assert.equal(line.get(env)?.looks, 1);
    line.lookAgain(env);
    line.lookAgain(env);
    await until(2);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.length, 2, 'a second ask replaces the first timer');
    line.lookAgain(env);
    line.release(env);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.length, 2, 'nothing after release');
    line.hold(env, item(B), new Date());
    line.lookAgain(env);
    line.close();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(seen.length, 2, 'nothing after close');
  });
});

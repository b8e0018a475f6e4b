import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';
import { createConflictReplanner } from '../../src/reconciler/conflict-replanner.ts';
import { createPreviewStatusBook } from '../../src/reconciler/preview-status-book.ts';
import { mergeRequests, syncRequest, type ReconcileRequest } from '../../src/reconciler/reconcile-request.ts';
import { createWaitingLine } from '../../src/reconciler/waiting-line.ts';

const env = { owner: 'demo', repo: 'app', pr: 7 };
const snapshot = (sha: string): PullRequestSnapshot => ({
  ...env, state: 'open', merged: false, draft: false, headSha: sha.repeat(40), headRef: 'feature', fork: false, author: 'alice', labels: [], repoUrl: 'https://github.com/demo/app',
});
const sync = (sha: string, ids: string[], override = true) => syncRequest(snapshot(sha), { actor: 'alice', cause: 'pull_request.synchronize', override, ids });

test('a coalesced burst answers for every inbox entry in it, and keeps a push\'s right to override', () => {
  const merged = mergeRequests(mergeRequests(sync('a', ['1']), sync('b', ['2'])), sync('c', ['3'], false));
  assert.equal(merged.items.length, 1);
  const item = merged.items[0];
  assert.equal(item?.kind === 'sync' && item.snapshot.headSha, 'c'.repeat(40));
  assert.deepEqual(item?.ids, ['1', '2', '3']);
  assert.equal(item?.kind === 'sync' && item.override, true);
});

test('a long stream for one PR coalesces into one item answering for every entry, in order, leaving the lists it was given as they were', () => {
  const first = sync('a', ['0']);
  const given = first.items[0]?.ids;
  let waiting: ReconcileRequest = first;
  const seconds: ReconcileRequest[] = [];
  for (let i = 1; i < 5000; i++) {
    const next = sync(i % 2 === 0 ? 'b' : 'c', [String(i)], false);
    seconds.push(next);
    waiting = mergeRequests(waiting, next);
  }
  assert.equal(waiting.items.length, 1);
  assert.deepEqual(waiting.items[0]?.ids, Array.from({ length: 5000 }, (_, i) => String(i)));
  assert.deepEqual(given, ['0'], 'the first event\'s own list is not extended');
  assert.ok(seconds.every((r, i) => r.items[0]?.ids?.length === 1 && r.items[0].ids[0] === String(i + 1)), 'nor any incoming one');
});

test('a commit dropped by a conflict settles nothing: the item planned again carries all the dropped items\' entries', () => {
  const settled: string[] = [];
  const again: ReconcileRequest[] = [];
  const replanner = createConflictReplanner({
    statuses: createPreviewStatusBook(() => undefined), now: () => new Date(0), log: { info: () => undefined },
    enqueue: (req) => (again.push(req), true), onSettled: (id) => settled.push(id),
  });
  const [first] = sync('a', ['1']).items;
  const [second] = sync('b', ['2']).items;
  const [third] = sync('c', ['3']).items;
  if (!first || !second || !third) throw new Error('no items');
  replanner.committed('c1', first);
  replanner.committed('c2', second);
  replanner.committed('c3', third);
  replanner.published({ published: [{ env, local: 'c1', commit: 'r1', subject: 'create' }], conflicts: [{ env, dropped: ['c2', 'c3'], remoteTip: 'r2' }] });
  assert.deepEqual(settled, ['1'], 'only the published commit\'s entry is settled');
  assert.deepEqual(again.map((r) => r.items.map((i) => i.ids)), [[['2', '3']]]);
  replanner.settled(again[0]?.items[0] ?? first);
  assert.deepEqual(settled, ['1', '2', '3']);
});

test('the waiting line holds the entries of what waits: a newer item takes the older\'s place and its entries, leave hands them back', () => {
  const line = createWaitingLine();
  const [older] = sync('a', ['1']).items;
  const [newer] = sync('b', ['2']).items;
  if (older?.kind !== 'sync' || newer?.kind !== 'sync') throw new Error('no items');
  assert.equal(line.join('app', env, older), 1);
  assert.equal(line.join('app', { ...env, pr: 8 }, { ...newer, snapshot: { ...newer.snapshot, pr: 8 }, ids: ['9'] }), 2);
  assert.equal(line.join('app', env, newer), 1, 'keeps its place');
  assert.deepEqual(line.first('app')?.sync.ids, ['1', '2']);
  assert.deepEqual(line.leave(env)?.ids, ['1', '2']);
  assert.equal(line.leave(env), undefined, 'gone');
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBoundedMap } from '../../src/adapters/github/bounded-map.ts';

describe('createBoundedMap', () => {
  test('keeps at most max entries, forgetting the least recently used (a get counts as a use)', () => {
    const map = createBoundedMap<number>(2);
    map.set('a', 1);
    map.set('b', 2);
    assert.equal(map.get('a'), 1);
    map.set('c', 3);
    assert.deepEqual([map.get('a'), map.get('b'), map.get('c'), map.size], [1, undefined, 3, 2]);
    map.set('a', 10);
    map.set('d', 4);
    assert.deepEqual([map.get('a'), map.get('c'), map.get('d')], [10, undefined, 4]);
  });

  test('refuses a size that would hold nothing', () => {
    assert.throws(() => createBoundedMap(0), RangeError);
    assert.throws(() => createBoundedMap(1.5), RangeError);
  });
});

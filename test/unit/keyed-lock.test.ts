import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createKeyedLock } from '../../src/reconciler/keyed-lock.ts';

describe('the keyed lock', () => {
  test('one holder per key, in the order they asked; other keys do not wait', async () => {
    const lock = createKeyedLock();
    const order: string[] = [];
    const hold = async (key: string, name: string) => {
      const free = await lock.acquire(key);
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 10));
      order.push(`${name} out`);
      free();
    };
    await Promise.all([hold('a', 'a1'), hold('a', 'a2'), hold('b', 'b1'), hold('a', 'a3')]);
    const a = order.filter((o) => o.startsWith('a'));
    assert.deepEqual(a, ['a1 in', 'a1 out', 'a2 in', 'a2 out', 'a3 in', 'a3 out']);
    assert.ok(order.indexOf('b1 in') < order.indexOf('a1 out'), 'b did not wait for a');
    const free = await lock.acquire('a');
    free();
  });
});

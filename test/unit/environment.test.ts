import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { envFolder, InvalidEnvRefError, parseEnvFolder, parseEnvLabel } from '../../src/domain/environment.ts';
import { backoffDelay } from '../../src/domain/backoff.ts';

describe('environment identity', () => {
  test('folders are lower-cased and parse back', () => {
    assert.equal(envFolder({ owner: 'Acme', repo: 'My_App.js', pr: 7 }), 'previews/acme/my_app.js/pr-7');
    assert.deepEqual(parseEnvFolder('previews/acme/shop/pr-42'), { owner: 'acme', repo: 'shop', pr: 42 });
    for (const bad of ['previews/acme/shop/pr-0', 'previews/acme/shop/pr-01', 'previews/acme/shop', 'previews/../shop/pr-1', 'previews/acme/../pr-1']) {
      assert.equal(parseEnvFolder(bad), null, bad);
    }
  });

  test('names GitHub could not have sent are refused', () => {
    for (const ref of [
      { owner: '../etc', repo: 'x', pr: 1 }, { owner: 'a', repo: '..', pr: 1 }, { owner: 'a', repo: 'b/c', pr: 1 },
      { owner: 'a', repo: 'b', pr: 0 }, { owner: 'a', repo: 'b', pr: 2147483648 }, { owner: 'a', repo: 'b', pr: 1.5 },
      { owner: '-a', repo: 'b', pr: 1 }, { owner: 'a', repo: 'b\n', pr: 1 },
    ]) {
      assert.throws(() => envFolder(ref), InvalidEnvRefError, JSON.stringify(ref));
    }
    assert.equal(envFolder({ owner: 'a', repo: 'b', pr: 2147483647 }), 'previews/a/b/pr-2147483647');
  });

  test('owner/repo#n parses, and a typo says how to write it', () => {
    assert.deepEqual(parseEnvLabel('demo/app#1'), { owner: 'demo', repo: 'app', pr: 1 });
    assert.throws(() => parseEnvLabel('demo/app 1'), /owner\/repo#number/);
  });

  test('backoff is jittered below an exponential, capped bound', () => {
    const policy = { baseMs: 50, maxMs: 2000 };
    assert.equal(backoffDelay(policy, 0, () => 0.999), 49);
    assert.equal(backoffDelay(policy, 3, () => 0.5), 200);
    assert.equal(backoffDelay(policy, 20, () => 0.999), 1998);
    assert.equal(backoffDelay(policy, 5, () => 0), 0);
  });
});

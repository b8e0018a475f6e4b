import { describe, test } from 'node:test';
import { createFakeGitHub } from '../helpers/fake-github.ts';
import { killDuringBurst } from '../helpers/kill-during-burst.ts';

describe('kill -9 during a burst of opened events, GitHub on: nothing answered 202 is lost', () => {
  test('the resync at each start races the replay: still every environment, one create each, fsck clean', { timeout: 90_000 }, async () => {
    const github = await createFakeGitHub();
    try {
      console.log(`GitHub on: ${await killDuringBurst(github)}`);
    } finally {
      await github.close();
    }
  });
});

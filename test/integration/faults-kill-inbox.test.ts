import { describe, test } from 'node:test';
import { killDuringBurst } from '../helpers/kill-during-burst.ts';

describe('kill -9 during a burst of opened events, GitHub off: nothing answered 202 is lost', () => {
  test('no resync can find them again: the journal alone brings every event back, one create each, fsck clean', { timeout: 90_000 }, async () => {
    console.log(`GitHub off: ${await killDuringBurst(null)}`);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { startFeedbackFixture } from '../helpers/feedback-fixture.ts';

const NEW = 'rotated-in-3b9d0c1e5f7a2468ace0';
const OLD = 'rotated-out-9e8d7c6b5a4f3e2d1c0b';

test('the running service, from its settings: both webhook secrets until WEBHOOK_SECRET_PREVIOUS_UNTIL, the old one 401 after', async () => {
  let clock = Date.parse('2026-11-30T23:59:00Z');
  const f = await startFeedbackFixture({
    now: () => new Date(clock),
    env: { WEBHOOK_SECRET: NEW, WEBHOOK_SECRET_PREVIOUS: OLD, WEBHOOK_SECRET_PREVIOUS_UNTIL: '2026-12-01T00:00:00Z' },
  });
  let counter = 0;
  const ping = async (secret: string): Promise<number> => {
    const body = JSON.stringify({ zen: 'Design for failure.', hook_id: 7 });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': `rotation-${++counter}`, 'x-hub-signature-256': await sign(secret, body) };
    return (await fetch(`${f.service.url}/webhooks/github`, { method: 'POST', headers, body })).status;
  };
  try {
    assert.equal(await ping(NEW), 200);
    assert.equal(await ping(OLD), 200);
    clock = Date.parse('2026-12-01T00:00:01Z');
    assert.equal(await ping(OLD), 401);
    assert.equal(await ping(NEW), 200);
  } finally {
    await f.close();
  }
});

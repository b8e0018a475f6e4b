import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '../../src/adapters/metrics.ts';

test('previewd_github_rate_limit_remaining is absent until GitHub answers (GitHub off: never a 0 for the alert to read), then the last value', async () => {
  const metrics = createMetrics();
  assert.ok(!(await metrics.scrape()).includes('previewd_github_rate_limit_remaining'), 'absent, not 0');
  metrics.githubRateLimit(Number.NaN);
  assert.ok(!(await metrics.scrape()).includes('previewd_github_rate_limit_remaining'), 'a missing header sets nothing');
  metrics.githubRateLimit(4321);
  metrics.githubRateLimit(4320);
  const lines = (await metrics.scrape()).split('\n').filter((l) => l.startsWith('previewd_github_rate_limit_remaining'));
  assert.deepEqual(lines, ['previewd_github_rate_limit_remaining 4320']);
});

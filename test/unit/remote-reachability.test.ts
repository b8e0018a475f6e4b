import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from '../../src/adapters/metrics.ts';
import { createRemoteReachability } from '../../src/service/remote-reachability.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('stale past the threshold with the last error and no credentials in the reason; a success makes it ready again', () => {
  let now = 1_000_000;
  const r = createRemoteReachability({ remote: 'https://bot:s3cr3t@git.example.com/gitops.git', probe: async () => undefined, clock: () => now, staleMs: 60_000 });
  now += 60_000;
  assert.deepEqual(r.notReady(), [], 'a minute exactly is still within the minute');
  r.failed(new Error('connect ECONNREFUSED'));
  now += 1000;
  const [reason] = r.notReady();
  assert.equal(reason, 'the GitOps remote https://git.example.com/gitops.git has not been reachable for 61 s: connect ECONNREFUSED');
  r.reached();
  assert.deepEqual(r.notReady(), []);
});

test('the embedded local repository is always reachable and never probed', async () => {
  let now = 0;
  let probes = 0;
  const r = createRemoteReachability({ remote: null, probe: async () => void probes++, clock: () => now, staleMs: 10, probeMs: 30 });
  r.start();
  now += 1_000_000;
  await wait(50);
  assert.deepEqual(r.notReady(), []);
  assert.equal(probes, 0);
  await r.stop();
});

test('an idle service probes the remote once nothing reached it for probeMs, one probe at a time; a busy one does not', async () => {
  let probes = 0;
  let release: () => void = () => undefined;
  const r = createRemoteReachability({
    remote: 'http://127.0.0.1:1/gitops.git', staleMs: 10_000, probeMs: 30,
    probe: () => {
      probes++;
      return new Promise<void>((resolve) => (release = resolve));
    },
  });
  r.start();
  await wait(120);
  assert.equal(probes, 1, 'a probe in flight is not doubled');
  release();
  r.reached();
  await wait(10);
  r.reached();
  assert.equal(probes, 1, 'contacts within probeMs make probes unnecessary');
  await r.stop();
});

test('each contact sets the last publish success timestamp', async () => {
  const metrics = createMetrics();
  const r = createRemoteReachability({ remote: 'http://x/gitops.git', probe: async () => undefined, clock: () => 1_700_000_000_000, metrics });
  r.reached();
  assert.match(await metrics.scrape(), /^previewd_last_publish_success_timestamp_seconds 1700000000$/m);
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { createMetrics } from '../../src/adapters/metrics.ts';
import { buildApp } from '../../src/app.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import { startFeedbackFixture, type FeedbackFixture } from '../helpers/feedback-fixture.ts';
import { SECRET } from '../helpers/service-fixture.ts';
import { githubHeaders, pullRequestPayload } from '../helpers/webhook-examples.ts';

const sha = (n: number): string => n.toString(16).padStart(40, 'a');
const pr = { owner: 'demo', repo: 'app', pr: 7 };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// The text exposition format, as Prometheus reads it: `name{label="value",…} number`.
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key ?? ''] = value ?? '';
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

describe('GET /metrics and /readyz on the whole service', () => {
  let f: FeedbackFixture;
  const startedAt = Date.now() / 1000;
  before(async () => {
    f = await startFeedbackFixture({ metrics: createMetrics(), remoteCheck: { staleMs: 1500, probeMs: 300 } });
    f.github.repo('demo/app');
  });
  after(() => f.close());

  async function scrape(): Promise<Sample[]> {
    const res = await fetch(`${f.service.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parse(await res.text());
  }
  /** The value of one series (0 when absent); labels not named are summed over. */
  async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
    return (await scrape())
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }
  async function post(body: string, delivery: string, signature?: string): Promise<Response> {
    const headers = await githubHeaders(SECRET, body, 'pull_request', delivery);
    if (signature !== undefined) headers['x-hub-signature-256'] = signature;
    return fetch(`${f.service.url}/webhooks/github`, { method: 'POST', headers, body });
  }
  async function readyz(): Promise<{ status: number; reasons: string[] }> {
    const res = await fetch(`${f.service.url}/readyz`);
    return { status: res.status, reasons: ((await res.json()) as { reasons: string[] }).reasons };
  }

  test('a delivery, a bad signature and a redelivery; the commit lands; GitHub calls and the Argo CD state are counted', async () => {
    const body = JSON.stringify(pullRequestPayload({ ...pr, sha: sha(1) }));
    assert.equal((await post(body, 'm-1')).status, 202);
    assert.equal((await post(body, 'm-2', `sha256=${'0'.repeat(64)}`)).status, 401);
    assert.equal((await post(body, 'm-1')).status, 202);
    await f.until('the push', async () => (await value('previewd_pushes_total', { result: 'ok' })) >= 1);
    const text = await (await fetch(`${f.service.url}/metrics`)).text();
    // What a person checks by eye on the scrape.
    assert.match(text, /^previewd_webhooks_total\{event="pull_request",outcome="accepted"\} 1$/m);
    assert.match(text, /^previewd_webhooks_total\{event="pull_request",outcome="bad_signature"\} 1$/m);
    assert.match(text, /^previewd_webhooks_total\{event="pull_request",outcome="duplicate"\} 1$/m);
    assert.match(text, /^previewd_commits_total\{action="create"\} 1$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m, 'prom-client default metrics');
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
    assert.ok((await value('previewd_reconcile_duration_seconds_count', { result: 'ok' })) >= 1);
    assert.equal(await value('previewd_pushes_total', { result: 'error' }), 0);
    assert.equal(await value('previewd_push_conflicts_total'), 0);
    assert.ok((await value('previewd_last_publish_success_timestamp_seconds')) >= Math.floor(startedAt));
    await f.until('the queue drained', async () => (await value('previewd_queue_depth')) === 0);
    // previewd looked for the PR's .github/preview.yaml (there is none: 404) and wrote its comment: each answer counted with its status.
    const calls = (await scrape()).filter((s) => s.name === 'previewd_github_requests_total');
    assert.ok(calls.some((s) => s.labels.method === 'GET' && s.labels.status === '404'), JSON.stringify(calls));
    assert.ok(calls.every((s) => /^\d{3}$/.test(s.labels.status ?? '')), JSON.stringify(calls));
    await f.until('the PR comment', async () => (await value('previewd_github_requests_total', { method: 'POST', status: '201' })) >= 1);
    const remaining = await value('previewd_github_rate_limit_remaining');
    assert.ok(remaining > 0 && remaining < 5000, `rate limit remaining ${remaining}`);

    const id = (await f.argo.generate())[0] ?? '';
    assert.ok(id);
    f.argo.healthy(id, await f.argo.head(), 'https://app-7.preview.example.com');
    await f.until('previews{state="ready"} 1', async () => (await value('previewd_previews', { state: 'ready' })) === 1);
    assert.equal(await value('previewd_previews', { state: 'failed' }), 0, 'every state is exported, at 0 when empty');
    assert.equal(await value('previewd_ready'), 1);
    assert.deepEqual(await readyz(), { status: 200, reasons: [] });
  });

  test('the Argo CD watch dropping is counted as a restart', async () => {
    const before = await value('previewd_watch_restarts_total');
    await f.until('an open watch', () => f.kube.openWatches() > 0);
    f.kube.dropWatches();
    await f.until('a restart', async () => (await value('previewd_watch_restarts_total')) > before);
  });

  test('/readyz: 503 with the reason while the GitOps remote refuses connections past the threshold, 200 once it is back; the commit made meanwhile lands', async () => {
    // The test before dropped the watch: start from a ready service, so the reason seen is the remote's.
    await f.until('ready again once the watch has listed', async () => (await readyz()).status === 200);
    f.remote.server.setDown(true);
    try {
      const down = await f.until('not ready', async () => {
        const r = await readyz();
        return r.status === 503 ? r : undefined;
      });
      assert.ok(down.reasons.some((r) => /the GitOps remote http:\/\/127\.0\.0\.1:\d+\/gitops\.git has not been reachable for \d+ s/.test(r)), down.reasons.join('\n'));
      assert.equal(await value('previewd_ready'), 0);
      assert.equal((await post(JSON.stringify(pullRequestPayload({ ...pr, sha: sha(2), action: 'synchronize' })), 'm-3')).status, 202);
      await f.until('a failed push', async () => (await value('previewd_pushes_total', { result: 'error' })) >= 1);
    } finally {
      f.remote.server.setDown(false);
    }
    await f.until('ready again', async () => (await readyz()).status === 200, 20_000);
    await f.until('the update pushed', async () => (await value('previewd_commits_total', { action: 'update' })) === 1 && (await f.remote.remoteFile('previews/demo/app/pr-7/preview.json'))?.includes(sha(2).slice(0, 7)), 20_000);
    assert.equal(await value('previewd_ready'), 1);
  });
});

describe('webhook outcomes that never reach the reconciler', () => {
  test('too large, malformed, unsigned, ping and ignored deliveries are counted by event and outcome', async () => {
    const metrics = createMetrics();
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      webhooks: { secrets: [SECRET], bodyLimit: 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: false, reason: 'not a pull request' }), metrics },
      health: { readiness: () => ({ ready: true, reasons: [] }) },
      metrics,
    });
    try {
      const send = async (event: string, body: string, delivery: string, change?: (h: Record<string, string>) => void) => {
        const headers = await githubHeaders(SECRET, body, event, delivery);
        change?.(headers);
        return (await app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: body })).statusCode;
      };
      assert.equal(await send('pull_request', JSON.stringify({ big: 'x'.repeat(4096) }), 'w-1'), 413);
      assert.equal(await send('pull_request', '{"truncated', 'w-2'), 400);
      assert.equal(await send('issue_comment', '{}', 'w-3', (h) => delete h['x-hub-signature-256']), 401);
      assert.equal(await send('ping', '{}', 'w-4'), 200);
      assert.equal(await send('issue_comment', '{}', 'w-5'), 202);
      assert.equal(await send('made_up_event_1234', '{}', 'w-6', (h) => (h['x-hub-signature-256'] = 'sha256=00')), 401);
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      for (const line of [
        'previewd_webhooks_total{event="pull_request",outcome="too_large"} 1',
        'previewd_webhooks_total{event="pull_request",outcome="malformed"} 1',
        'previewd_webhooks_total{event="issue_comment",outcome="bad_signature"} 1',
        'previewd_webhooks_total{event="ping",outcome="ignored"} 1',
        'previewd_webhooks_total{event="issue_comment",outcome="ignored"} 1',
        // An unverified event name is not a label value a stranger can choose.
        'previewd_webhooks_total{event="other",outcome="bad_signature"} 1',
      ]) assert.ok(res.body.split('\n').includes(line), `${line} in\n${res.body.split('\n').filter((l) => l.startsWith('previewd_webhooks')).join('\n')}`);
    } finally {
      await app.close();
    }
  });
});

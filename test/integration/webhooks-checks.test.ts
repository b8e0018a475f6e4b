import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Writable } from 'node:stream';
import { sign } from '@octokit/webhooks-methods';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.ts';
import type { ChecksChanged } from '../../src/domain/parse-checks-event.ts';
import type { ChecksChangedHandler } from '../../src/http/checks-changed.ts';
import { createBuildLine } from '../../src/reconciler/build-line.ts';
import type { ReconcileRequest } from '../../src/reconciler/reconcile-request.ts';
import { routeChecks } from '../../src/reconciler/route-checks.ts';
import type { PullRequestSnapshot } from '../../src/domain/pull-request.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { WebhookEvent } from '../../src/http/webhook-event.ts';
import { examplesOf, pullRequestPayload } from '../helpers/webhook-examples.ts';

const SECRET = 'checks-test-secret';

interface Harness {
  app: FastifyInstance;
  handled: WebhookEvent[];
  changes: Array<{ change: ChecksChanged; delivery: string }>;
  lines: Array<Record<string, unknown>>;
}

async function harness(onChecksChanged?: ChecksChangedHandler | 'record'): Promise<Harness> {
  const handled: WebhookEvent[] = [];
  const changes: Harness['changes'] = [];
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>); done(); } });
  const recorder: ChecksChangedHandler = (change, delivery) => {
    changes.push({ change, delivery });
    return { accepted: true };
  };
  const handler = onChecksChanged === 'record' ? recorder : onChecksChanged;
  const app = await buildApp({
    logger: pino({ level: 'debug' }, sink),
    webhooks: {
      secrets: [SECRET], bodyLimit: 1024 * 1024, deliveries: createDeliveryLog(),
      handle: (event) => { handled.push(event); return { accepted: true }; },
      ...(handler ? { onChecksChanged: handler } : {}),
    },
    health: { readiness: () => ({ ready: true, reasons: [] }) },
  });
  await app.ready();
  return { app, handled, changes, lines };
}

let counter = 0;
async function deliver(app: FastifyInstance, event: string, payload: unknown, secret = SECRET): Promise<{ status: number; body: Record<string, unknown>; delivery: string }> {
  const body = JSON.stringify(payload);
  const delivery = `checks-${++counter}`;
  const res = await app.inject({
    method: 'POST', url: '/webhooks/github', payload: body,
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) },
  });
  return { status: res.statusCode, body: res.json(), delivery };
}

function completed(event: 'check_run' | 'check_suite' | 'workflow_run') {
  const found = examplesOf(event).find((e) => e.payload.action === 'completed');
  assert.ok(found);
  return found.payload;
}

describe('the webhook plugin and CI events', () => {
  test('check_run, check_suite, status and workflow_run: verified, 202, the shas handed to onChecksChanged', async () => {
    const h = await harness('record');
    try {
      const cases = [
        ['check_run', completed('check_run'), completed('check_run').check_run.head_sha],
        ['check_suite', completed('check_suite'), completed('check_suite').check_suite.head_sha],
        ['workflow_run', completed('workflow_run'), completed('workflow_run').workflow_run.head_sha],
        ['status', examplesOf('status')[0]!.payload, examplesOf('status')[0]!.payload.sha],
      ] as const;
      for (const [event, payload, sha] of cases) {
        const answer = await deliver(h.app, event, payload);
        assert.equal(answer.status, 202, event);
        assert.deepEqual(answer.body, { accepted: true });
        const last = h.changes.at(-1)!;
        assert.equal(last.delivery, answer.delivery);
        assert.deepEqual(last.change.shas, [sha]);
        assert.equal(last.change.event, event);
      }
      assert.equal(h.changes.length, 4);
      assert.equal(h.handled.length, 0, 'CI events never reach the pull_request/issue_comment routing');
    } finally {
      await h.app.close();
    }
  });

  test('a wrong signature is 401 and nothing is handed on; a redelivery is a duplicate', async () => {
    const h = await harness('record');
    try {
      assert.equal((await deliver(h.app, 'check_run', completed('check_run'), 'another secret')).status, 401);
      assert.equal(h.changes.length, 0);
      const body = JSON.stringify(completed('check_suite'));
      const headers = { 'content-type': 'application/json', 'x-github-event': 'check_suite', 'x-github-delivery': 'same-delivery', 'x-hub-signature-256': await sign(SECRET, body) };
      const first = await h.app.inject({ method: 'POST', url: '/webhooks/github', payload: body, headers });
      const again = await h.app.inject({ method: 'POST', url: '/webhooks/github', payload: body, headers });
      assert.deepEqual([first.statusCode, again.statusCode], [202, 202]);
      assert.deepEqual(again.json(), { accepted: false, reason: 'duplicate delivery' });
      assert.equal(h.changes.length, 1);
    } finally {
      await h.app.close();
    }
  });

  test('a run that did not complete, a malformed run and previewd’s own status: 202, ignored with the reason', async () => {
    const h = await harness('record');
    try {
      const created = examplesOf('check_run').find((e) => e.payload.action === 'created')!.payload;
      const malformed = structuredClone(completed('check_run'));
      malformed.check_run.head_sha = '../../etc/passwd';
      const own = { ...examplesOf('status')[0]!.payload, context: 'previewd' };
      const answers = [await deliver(h.app, 'check_run', created), await deliver(h.app, 'check_run', malformed), await deliver(h.app, 'status', own)];
      assert.deepEqual(answers.map((a) => a.status), [202, 202, 202]);
      assert.deepEqual(answers.map((a) => a.body.accepted), [false, false, false]);
      assert.match(String(answers[0]!.body.reason), /action "created" does not end a build/);
      assert.match(String(answers[1]!.body.reason), /check_run\.head_sha: .* is not a commit sha/);
      assert.match(String(answers[2]!.body.reason), /previewd's own/);
      assert.equal(h.changes.length, 0);
      assert.ok(h.lines.some((l) => l.msg === 'webhook ignored' && l.delivery === answers[1]!.delivery));
    } finally {
      await h.app.close();
    }
  });

  test('pull_request still goes to its handler', async () => {
    const h = await harness('record');
    try {
      const answer = await deliver(h.app, 'pull_request', pullRequestPayload({ owner: 'acme', repo: 'shop', pr: 7, sha: 'a'.repeat(40) }));
      assert.equal(answer.status, 202);
      assert.deepEqual(h.handled.map((e) => e.name), ['pull_request']);
      assert.equal(h.changes.length, 0);
    } finally {
      await h.app.close();
    }
  });

  test('without onChecksChanged, CI events go to the general handler as before', async () => {
    const h = await harness();
    try {
      await deliver(h.app, 'check_run', completed('check_run'));
      assert.deepEqual(h.handled.map((e) => e.name), ['check_run']);
    } finally {
      await h.app.close();
    }
  });

  test('the reconciler\'s handler: a CI event plans again exactly the environments held for its sha, 202 and enqueue only', async () => {
    const payload = completed('check_run');
    const sha: string = payload.check_run.head_sha;
    const [owner, repo] = String(payload.repository.full_name).split('/') as [string, string];
    const builds = createBuildLine({ recheck: () => assert.fail('no image is waited for here') });
    const snapshot = (pr: number, headSha: string): PullRequestSnapshot => ({
      owner, repo, pr, state: 'open', merged: false, draft: false, headSha, headRef: 'feature', fork: pr === 2, author: 'alice', labels: [], repoUrl: `https://github.com/${owner}/${repo}`,
    });
    // PR 1 and the fork PR 2 wait for this sha; PR 3 for another; PR 4 of another repository for this one.
    builds.hold({ owner, repo, pr: 1 }, { kind: 'sync', snapshot: snapshot(1, sha), actor: 'alice', cause: 'pull_request.synchronize', override: true, ids: ['settled-before'] }, new Date());
    builds.hold({ owner, repo, pr: 2 }, { kind: 'sync', snapshot: snapshot(2, sha), actor: 'bob', cause: 'pull_request.opened', override: true }, new Date());
    builds.hold({ owner, repo, pr: 3 }, { kind: 'sync', snapshot: snapshot(3, 'c'.repeat(40)), actor: 'carol', cause: 'pull_request.opened', override: true }, new Date());
    builds.hold({ owner: 'other', repo, pr: 4 }, { kind: 'sync', snapshot: { ...snapshot(4, sha), owner: 'other' }, actor: 'dan', cause: 'pull_request.opened', override: true }, new Date());
    const queued: ReconcileRequest[] = [];
    const h = await harness(routeChecks(builds, (req) => { queued.push(req); return true; }));
    try {
      const answer = await deliver(h.app, 'check_run', payload);
      assert.equal(answer.status, 202);
      assert.deepEqual(answer.body, { accepted: true });
      assert.deepEqual(queued.map((r) => r.env.pr).sort(), [1, 2]);
      for (const req of queued) {
        const item = req.items[0];
        assert.ok(item?.kind === 'sync');
        assert.equal(item.cause, 'check_run.completed');
        assert.equal(item.delivery, answer.delivery);
        assert.equal(item.snapshot.headSha, sha);
        assert.equal(item.override, true, 'the held push keeps its right to override');
        assert.equal(item.ids, undefined, 'no inbox here: the held push\'s own entry was settled when it was held');
      }
      assert.ok(h.lines.some((l) => l.msg === 'checks changed: planning the waiting previews again' && l.delivery === answer.delivery));
      const other = structuredClone(payload);
      other.check_run.head_sha = 'e'.repeat(40);
      const ignored = await deliver(h.app, 'check_run', other);
      assert.deepEqual([ignored.status, ignored.body], [202, { accepted: false, reason: 'no preview waits for the build of these commits' }]);
      assert.equal(queued.length, 2);
      assert.equal(h.handled.length, 0);
    } finally {
      await h.app.close();
    }
  });
});

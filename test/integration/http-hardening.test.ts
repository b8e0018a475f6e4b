import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { ApiRateLimit } from '../../src/http/register-security.ts';
import { ADMIN_TOKEN, createFakePreviewApi } from '../helpers/fake-preview-api.ts';

const NEW_SECRET = 'the-new-webhook-secret-after-rotation';
const OLD_SECRET = 'the-old-webhook-secret-being-retired';
const DEADLINE = new Date('2026-12-01T12:00:00Z');

async function hardenedApp(options: { now?: () => Date; rateLimit?: ApiRateLimit } = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    webhooks: {
      secrets: [NEW_SECRET], previous: { secret: OLD_SECRET, until: DEADLINE }, ...(options.now ? { now: options.now } : {}),
      bodyLimit: 1024 * 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: true }),
    },
    health: { readiness: () => ({ ready: true, reasons: [] }) },
    api: { api: createFakePreviewApi(), adminToken: ADMIN_TOKEN },
    metrics: { contentType: 'text/plain; version=0.0.4', scrape: async () => '# no metrics in this test\n' },
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  await app.ready();
  return app;
}

let counter = 0;
async function ping(app: FastifyInstance, secret: string): Promise<number> {
  const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
  const res = await app.inject({
    method: 'POST', url: '/webhooks/github', payload: body,
    headers: { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': `rot-${++counter}`, 'x-hub-signature-256': await sign(secret, body) },
  });
  return res.statusCode;
}

describe('webhook secret rotation', () => {
  test('before the deadline both secrets are accepted; after it the previous one gets 401, per request', async () => {
    let now = new Date('2026-11-30T12:00:00Z');
    const app = await hardenedApp({ now: () => now });
    try {
      assert.equal(await ping(app, NEW_SECRET), 200);
      assert.equal(await ping(app, OLD_SECRET), 200);
      now = DEADLINE;
      assert.equal(await ping(app, OLD_SECRET), 200, 'accepted up to the deadline itself');
      now = new Date(DEADLINE.getTime() + 1);
      assert.equal(await ping(app, OLD_SECRET), 401, 'refused once the deadline has passed, without a restart');
      assert.equal(await ping(app, NEW_SECRET), 200);
      assert.equal(await ping(app, 'a third secret nobody configured'), 401);
    } finally {
      await app.close();
    }
  });
});

describe('security headers, no CORS', () => {
  test('helmet headers on the API, the webhook route, the probes and /docs/json; no Access-Control-Allow-Origin anywhere', async () => {
    const app = await hardenedApp();
    try {
      for (const url of ['/api/previews', '/healthz', '/readyz', '/docs/json', '/nowhere']) {
        const res = await app.inject({ method: 'GET', url, headers: { origin: 'https://evil.example' } });
        assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
        assert.ok(res.headers['strict-transport-security'], url);
        assert.equal(res.headers['access-control-allow-origin'], undefined, url);
        assert.equal(res.headers['x-powered-by'], undefined, url);
      }
      const docs = await app.inject({ method: 'GET', url: '/docs/json' });
      assert.equal(docs.statusCode, 200);
      assert.equal((docs.json() as { openapi: string }).openapi, '3.1.0');
      const preflight = await app.inject({ method: 'OPTIONS', url: '/api/previews', headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      assert.equal(preflight.headers['access-control-allow-methods'], undefined);
    } finally {
      await app.close();
    }
  });
});

describe('API rate limit', () => {
  test('/api/* answers 429 too_many_requests past the limit, per client address; webhooks, probes and /metrics are never limited', async () => {
    const app = await hardenedApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      const from = (remoteAddress: string) => app.inject({ method: 'GET', url: '/api/previews', remoteAddress });
      for (let i = 0; i < 3; i++) assert.equal((await from('10.0.0.1')).statusCode, 200);
      const limited = await from('10.0.0.1');
      assert.equal(limited.statusCode, 429);
      const body = limited.json() as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
      assert.equal(body.error, 'too_many_requests');
      assert.match(String(body.message), /retry in/);
      assert.ok(limited.headers['retry-after']);
      // The write routes count too, and are limited before the token is even looked at.
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/previews/acme/shop/1', remoteAddress: '10.0.0.1' })).statusCode, 429);
      assert.equal((await from('10.0.0.2')).statusCode, 200, 'another client has its own budget');
      for (let i = 0; i < 10; i++) {
        assert.equal(await ping(app, NEW_SECRET), 200, 'GitHub bursts are not limited');
        for (const url of ['/healthz', '/readyz', '/metrics']) {
          const res = await app.inject({ method: 'GET', url, remoteAddress: '10.0.0.1' });
          assert.equal(res.statusCode, 200, url);
          assert.equal(res.headers['x-ratelimit-limit'], undefined, url);
        }
      }
    } finally {
      await app.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN, buildApiApp, WEBHOOK_SECRET } from '../helpers/fake-preview-api.ts';
import { githubHeaders } from '../helpers/webhook-examples.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document, read by path

const ENV = '/api/previews/{owner}/{repo}/{pr}';
const ROUTES: Array<[string, string, boolean]> = [
  ['get', '/api/previews', false],
  ['get', ENV, false],
  ['get', `${ENV}/history`, false],
  ['post', `${ENV}/rollback`, true],
  ['post', `${ENV}/preserve`, true],
  ['delete', ENV, true],
];

describe('OpenAPI document at /docs/json', () => {
  let app: FastifyInstance;
  let doc: Json;
  before(async () => {
    ({ app } = await buildApiApp(ADMIN_TOKEN));
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    doc = res.json();
  });
  after(() => app.close());

  test('titled previewd, with the admin bearer scheme', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'previewd');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual({ type: doc.components.securitySchemes.adminToken.type, scheme: doc.components.securitySchemes.adminToken.scheme }, { type: 'http', scheme: 'bearer' });
  });

  test('every API route is there with its schemas; the bearer requirement only on the writes', () => {
    const listed = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m} ${path}`)).sort();
    assert.deepEqual(listed, ROUTES.map(([m, p]) => `${m} ${p}`).sort(), 'only the API (not /docs/json itself)');
    for (const [method, path, writes] of ROUTES) {
      const op = doc.paths[path][method] as Json;
      assert.ok(op.operationId && op.summary, `${method} ${path} is described`);
      assert.deepEqual(op.security, writes ? [{ adminToken: [] }] : undefined, `${method} ${path} security`);
      const error = op.responses['500'].content['application/json'].schema;
      assert.deepEqual(error.required, ['error', 'message'], `${method} ${path}: the error shape`);
      assert.ok(op.responses['200'].content['application/json'].schema, `${method} ${path}: a 200 schema`);
      if (path === '/api/previews') continue;
      const params = Object.fromEntries((op.parameters as Json[]).filter((p) => p.in === 'path').map((p) => [p.name, p.schema]));
      assert.deepEqual(params.pr, { type: 'integer', minimum: 1, maximum: 2147483647 });
      assert.match(params.owner.pattern, /A-Za-z0-9/);
      assert.ok(params.repo.pattern);
      const codes = Object.keys(op.responses).sort();
      assert.deepEqual(codes, writes ? ['200', '400', '401', '403', '404', '409', '500'] : ['200', '400', '404', '500']);
    }
  });

  test('the bodies: rollback needs "to", preserve takes "for" with a default', () => {
    const body = (path: string): Json => doc.paths[path].post.requestBody.content['application/json'].schema;
    assert.deepEqual(body(`${ENV}/rollback`).required, ['to']);
    assert.equal(body(`${ENV}/rollback`).properties.to.type, 'string');
    assert.equal(body(`${ENV}/preserve`).properties.for.default, '48h');
    const item = doc.paths[`${ENV}/history`].get.responses['200'].content['application/json'].schema.properties.commits.items;
    assert.ok(item.properties.action.enum.includes('rollback') && item.properties.action.enum.includes('manual'));
    assert.deepEqual(Object.keys(doc.paths[ENV].get.responses['200'].content['application/json'].schema.properties).slice(0, 3), ['owner', 'repo', 'pr']);
  });
});

describe('POST /webhooks/github beside the API', () => {
  let app: FastifyInstance;
  let events: Array<{ name: string; delivery: string }>;
  before(async () => ({ app, events } = await buildApiApp(ADMIN_TOKEN)));
  after(() => app.close());

  test('a signed delivery is verified over its raw bytes and handed on; a bad signature is 401', async () => {
    // Spacing that JSON.stringify would not reproduce: the signature covers these exact bytes.
    const body = '{ "zen": "Keep it logically awesome.",  "hook_id": 1 }';
    const headers = await githubHeaders(WEBHOOK_SECRET, body, 'issues', 'delivery-beside-api');
    const ok = await app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: body });
    assert.equal(ok.statusCode, 202, ok.body);
    assert.deepEqual(events.map((e) => [e.name, e.delivery]), [['issues', 'delivery-beside-api']]);
    const bad = await app.inject({ method: 'POST', url: '/webhooks/github', headers: { ...headers, 'x-github-delivery': 'other', 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` }, payload: body });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().error, 'bad_signature');
    assert.equal(events.length, 1);
  });

  test('the webhook scope keeps its raw-body parser to itself: the API still parses JSON bodies', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/previews/acme/shop/1/preserve', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { for: '1d' } });
    assert.equal(res.statusCode, 200, res.body);
    const text = await app.inject({ method: 'POST', url: '/api/previews/acme/shop/1/preserve', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'for=1d' });
    assert.equal(text.statusCode, 415);
    assert.equal(text.json().error, 'unsupported_media_type');
  });
});

describe('the API explorer at /docs', () => {
  let app: FastifyInstance;
  before(async () => {
    ({ app } = await buildApiApp(ADMIN_TOKEN));
  });
  after(() => app.close());

  test('GET /docs is Swagger UI pointed at /docs/json, its scripts are served from previewd itself (the CSP allows them)', async () => {
    let res = await app.inject({ method: 'GET', url: '/docs' });
    if (res.statusCode === 302) res = await app.inject({ method: 'GET', url: String(res.headers.location) });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<title>Swagger UI<\/title>/);
    const scripts = [...res.body.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] as string);
    assert.ok(scripts.length >= 3, res.body);
    for (const src of scripts) {
      assert.ok(!/^https?:/.test(src), `${src} is not loaded from another site`);
      const url = new URL(src, 'http://previewd/docs/').pathname;
      const script = await app.inject({ method: 'GET', url });
      assert.equal(script.statusCode, 200, url);
    }
    const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    assert.match(initializer.body, /\.\/json|\/docs\/json/);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    const doc = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(doc.json().info.title, 'previewd');
  });
});

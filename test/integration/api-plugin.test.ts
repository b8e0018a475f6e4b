import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { ADMIN_TOKEN, buildApiApp, record, summary, type FakePreviewApi } from '../helpers/fake-preview-api.ts';

const ONE = '/api/previews/acme/shop/1';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** An error answer: the status, JSON `{ error, message }` and nothing else. */
function assertError(res: LightMyRequestResponse, status: number, error: string, message?: RegExp): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json() as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
  if (message) assert.match(body.message as string, message);
}

describe('preview API with ADMIN_TOKEN set', () => {
  let app: FastifyInstance;
  let api: FakePreviewApi;
  const inject = (opts: InjectOptions): Promise<LightMyRequestResponse> => app.inject(opts);
  before(async () => ({ app, api } = await buildApiApp(ADMIN_TOKEN)));
  after(() => app.close());

  test('GET /api/previews lists the environments, serialized by the schema', async () => {
    const res = await inject({ method: 'GET', url: '/api/previews' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { previews: [summary({ owner: 'acme', repo: 'shop', pr: 1 })] });
  });

  test('GET one environment and its history; 404 not_found for an unknown one', async () => {
    assert.deepEqual((await inject({ method: 'GET', url: ONE })).json(), summary({ owner: 'acme', repo: 'shop', pr: 1 }));
    assert.deepEqual((await inject({ method: 'GET', url: `${ONE}/history` })).json(), { commits: [record] });
    assertError(await inject({ method: 'GET', url: '/api/previews/acme/shop/2' }), 404, 'not_found', /acme\/shop#2/);
    assertError(await inject({ method: 'GET', url: '/api/previews/acme/shop/2/history' }), 404, 'not_found');
  });

  test('the path is validated: 400 bad_request naming the field', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/api/previews/bad_owner/shop/1', /path parameter "owner" must match pattern.*GitHub owner/],
      ['/api/previews/-acme/shop/1', /"owner"/],
      ['/api/previews/acme/sh%20op/1', /path parameter "repo"/],
      ['/api/previews/acme/shop!/1', /path parameter "repo" must match pattern.*GitHub repository name/],
      ['/api/previews/acme/shop/0', /path parameter "pr" must be >= 1: the pull request number/],
      ['/api/previews/acme/shop/x', /path parameter "pr" must be integer/],
      ['/api/previews/acme/shop/1.5', /"pr" must be integer/],
      ['/api/previews/acme/shop/2147483648', /"pr" must be <= 2147483647/],
    ];
    for (const [url, message] of cases) assertError(await inject({ method: 'GET', url }), 400, 'bad_request', message);
  });

  test('write routes: 401 unauthorized with WWW-Authenticate for a missing or wrong token, checked before the body', async () => {
    const body = { to: 'c'.repeat(40) };
    const tries: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${'x'.repeat(ADMIN_TOKEN.length)}` },
      { authorization: 'Bearer short' },
      { authorization: `Bearer ${ADMIN_TOKEN}${ADMIN_TOKEN}` },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      { authorization: ADMIN_TOKEN },
    ];
    for (const headers of tries) {
      for (const req of [
        { method: 'POST', url: `${ONE}/rollback`, payload: body },
        { method: 'POST', url: `${ONE}/preserve`, payload: { for: 'not a duration' } },
        { method: 'DELETE', url: ONE },
      ] as const) {
        const res = await inject({ ...req, headers });
        assertError(res, 401, 'unauthorized', /ADMIN_TOKEN/);
        assert.match(String(res.headers['www-authenticate']), /^Bearer realm="previewd"/);
      }
    }
    assert.equal(api.writes.length, 0, 'nothing reached previewd');
  });

  test('POST rollback: 200 committed with the commit; the actor header is recorded; only the documented form of the header counts', async () => {
    // As the README documents it: `Bearer`, one space, the token. The scheme in another case, a tab, two
    // spaces or trailing whitespace is not that form.
    for (const authorization of [`bearer ${ADMIN_TOKEN}`, `BEARER ${ADMIN_TOKEN}`, `Bearer\t${ADMIN_TOKEN}`, `Bearer  ${ADMIN_TOKEN}`, `Bearer ${ADMIN_TOKEN} `, `Bearer ${ADMIN_TOKEN}\t`, ` Bearer ${ADMIN_TOKEN}`]) {
      const refused = await inject({ method: 'POST', url: `${ONE}/rollback`, headers: { authorization }, payload: { to: 'abc1234' } });
      assert.equal(refused.statusCode, 401, JSON.stringify(authorization));
    }
    assert.equal(api.writes.length, 0, 'nothing written on a refused header');
    const res = await inject({ method: 'POST', url: `${ONE}/rollback`, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-preview-actor': 'alice' }, payload: { to: 'abc1234' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status: 'committed', commit: 'd'.repeat(40), message: 'rollback committed' });
    assert.deepEqual(api.writes.at(-1), { action: 'rollback', env: { owner: 'acme', repo: 'shop', pr: 1 }, arg: 'abc1234', actor: 'alice' });
  });

  test('write outcomes: unchanged 200, refused 409, not-found 404', async () => {
    api.next = { status: 'unchanged', message: 'already preserved until then' };
    const unchanged = await inject({ method: 'POST', url: `${ONE}/preserve`, headers: auth, payload: { for: '2d' } });
    assert.equal(unchanged.statusCode, 200);
    assert.deepEqual(unchanged.json(), { status: 'unchanged', message: 'already preserved until then' });
    assert.deepEqual(api.writes.at(-1), { action: 'preserve', env: { owner: 'acme', repo: 'shop', pr: 1 }, arg: '2d', actor: 'api' });
    api.next = { status: 'refused', message: 'commit abc1234 did not change previews/acme/shop/pr-1' };
    assertError(await inject({ method: 'POST', url: `${ONE}/rollback`, headers: auth, payload: { to: 'abc1234' } }), 409, 'refused', /did not change/);
    assertError(await inject({ method: 'DELETE', url: '/api/previews/acme/shop/9', headers: auth }), 404, 'not_found', /acme\/shop#9/);
    const destroyed = await inject({ method: 'DELETE', url: ONE, headers: auth });
    assert.equal(destroyed.statusCode, 200);
    assert.equal(destroyed.json().status, 'committed');
  });

  test('bodies are validated without coercion: 400 bad_request naming the field', async () => {
    const before = api.writes.length;
    const cases: Array<[string, unknown, RegExp]> = [
      ['rollback', {}, /body field "to" is required: the GitOps commit to restore/],
      ['rollback', { to: 1234567 }, /body field "to" must be string/],
      ['rollback', { to: 'HEAD~1' }, /body field "to" must match pattern/],
      ['rollback', { to: 'abc1234', force: true }, /body field "force" is not one previewd knows: send only "to"/],
      ['preserve', { for: 48 }, /body field "for" must be string/],
      ['preserve', { for: '48 hours' }, /body field "for" must match pattern.*e\.g\. 30m, 48h, 7d/],
      ['preserve', { fro: '2d' }, /body field "fro" is not one previewd knows/],
      ['preserve', [], /the body must be object: send a JSON object/],
    ];
    for (const [action, payload, message] of cases) {
      assertError(await inject({ method: 'POST', url: `${ONE}/${action}`, headers: auth, payload: payload as object }), 400, 'bad_request', message);
    }
    assertError(await inject({ method: 'POST', url: `${ONE}/rollback`, headers: { ...auth, 'content-type': 'application/json' }, payload: '{"to":' }), 400, 'bad_request');
    assertError(await inject({ method: 'POST', url: `${ONE}/rollback`, headers: { ...auth, 'x-preview-actor': 'a b' }, payload: { to: 'abc1234' } }), 400, 'bad_request', /header "x-preview-actor"/);
    assert.equal(api.writes.length, before, 'nothing reached previewd');
  });

  test('preserve defaults to 48h when the body leaves "for" out', async () => {
    await inject({ method: 'POST', url: `${ONE}/preserve`, headers: auth, payload: {} });
    assert.equal(api.writes.at(-1)?.arg, '48h');
  });

  test('a failure inside previewd is 500 internal, without the details', async () => {
    api.failReads = true;
    const res = await inject({ method: 'GET', url: '/api/previews' });
    api.failReads = false;
    assertError(res, 500, 'internal', /log has the details/);
    assert.doesNotMatch(res.body, /GitOps clone is broken/);
  });
});

describe('preview API without ADMIN_TOKEN', () => {
  let app: FastifyInstance;
  let api: FakePreviewApi;
  before(async () => ({ app, api } = await buildApiApp(null)));
  after(() => app.close());

  test('reads work; every write answers 403 write_api_off saying how to turn it on, token or not', async () => {
    assert.equal((await app.inject({ method: 'GET', url: ONE })).statusCode, 200);
    for (const headers of [{}, auth]) {
      assertError(await app.inject({ method: 'POST', url: `${ONE}/rollback`, headers, payload: { to: 'abc1234' } }), 403, 'write_api_off', /set ADMIN_TOKEN/);
      assertError(await app.inject({ method: 'POST', url: `${ONE}/preserve`, headers, payload: {} }), 403, 'write_api_off');
      assertError(await app.inject({ method: 'DELETE', url: ONE, headers }), 403, 'write_api_off');
    }
    assert.equal(api.writes.length, 0);
  });
});

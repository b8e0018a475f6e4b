import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import { ADMIN_TOKEN, createFakePreviewApi, type FakePreviewApi, WEBHOOK_SECRET } from '../helpers/fake-preview-api.ts';

const links = { githubWeb: 'https://github.com', argocdWeb: null, argocdNamespace: 'argocd' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function dashboardApp(adminToken: string | null): Promise<{ app: FastifyInstance; api: FakePreviewApi }> {
  const api = createFakePreviewApi();
  const app = await buildApp({
    logger: pino({ level: 'silent' }),
    webhooks: { secrets: [WEBHOOK_SECRET], bodyLimit: 1024, deliveries: createDeliveryLog(), handle: () => ({ accepted: true }) },
    health: { readiness: () => ({ ready: true, reasons: [] }) },
    api: { api, adminToken },
    dashboard: { api, adminToken, links, clusterAccess: false },
  });
  await app.ready();
  return { app, api };
}

/** A visitor: the seed cookie and the CSRF token the page gave it. */
interface Visitor {
  cookies: Map<string, string>;
  csrf: string;
}

function keep(visitor: Visitor, setCookie: string | string[] | undefined): void {
  for (const line of [setCookie ?? []].flat()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    visitor.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}
function cookieHeader(visitor: Visitor): string {
  return [...visitor.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function visit(app: FastifyInstance, path = '/'): Promise<Visitor> {
  const res = await app.inject({ method: 'GET', url: path });
  assert.equal(res.statusCode, 200);
  const visitor: Visitor = { cookies: new Map(), csrf: /name="csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '' };
  keep(visitor, res.headers['set-cookie']);
  assert.notEqual(visitor.csrf, '', 'the page carries a CSRF token');
  return visitor;
}

function post(app: FastifyInstance, visitor: Visitor, url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers: { ...FORM, cookie: cookieHeader(visitor) }, payload: new URLSearchParams(form).toString() });
}

async function signedIn(app: FastifyInstance): Promise<Visitor> {
  const visitor = await visit(app);
  const res = await post(app, visitor, '/sign-in', { csrf: visitor.csrf, token: ADMIN_TOKEN, back: '/' });
  assert.equal(res.statusCode, 303);
  keep(visitor, res.headers['set-cookie']);
  return visitor;
}

describe('dashboard sign-in and CSRF', () => {
  let app: FastifyInstance;
  let api: FakePreviewApi;
  before(async () => ({ app, api } = await dashboardApp(ADMIN_TOKEN)));
  after(() => app.close());

  it('the right token signs in: an HttpOnly, SameSite=Strict session, and the actions appear', async () => {
    const visitor = await visit(app);
    const res = await post(app, visitor, '/sign-in', { csrf: visitor.csrf, token: ADMIN_TOKEN, back: '/previews/acme/shop/1' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/previews/acme/shop/1');
    const session = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('previewd_session='));
    assert.match(session ?? '', /HttpOnly; SameSite=Strict/);
    keep(visitor, res.headers['set-cookie']);
    const page = await app.inject({ method: 'GET', url: '/previews/acme/shop/1', headers: { cookie: cookieHeader(visitor) } });
    assert.match(page.body, /signed in as admin/);
    assert.match(page.body, /action="\/previews\/acme\/shop\/1\/redeploy"/);
  });

  for (const [name, token] of [['a wrong token', 'not-the-admin-token-0123456789'], ['no token', undefined], ['the token with a space before it', ` ${ADMIN_TOKEN}`], ['the token with a newline after it', `${ADMIN_TOKEN}\n`]] as const) {
    it(`${name} is refused (401, says why, no session)`, async () => {
      const visitor = await visit(app);
      const res = await post(app, visitor, '/sign-in', { csrf: visitor.csrf, ...(token === undefined ? {} : { token }), back: '/' });
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Sign-in refused/);
      assert.match(res.body, /not the admin token previewd runs with \(ADMIN_TOKEN\)/);
      assert.ok(![res.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('previewd_session=')), 'no session cookie');
      assert.ok(!res.body.includes(ADMIN_TOKEN), 'the page never shows the token');
    });
  }

  for (const [name, csrf] of [['absent', undefined], ['empty', ''], ['forged', 'forged'], ["another visitor's", 'OTHER']] as const) {
    it(`a sign-in whose CSRF token is ${name} is refused (403) even with the right admin token`, async () => {
      const visitor = await visit(app);
      const other = await visit(app);
      const given = csrf === 'OTHER' ? other.csrf : csrf;
      const res = await post(app, visitor, '/sign-in', { ...(given === undefined ? {} : { csrf: given }), token: ADMIN_TOKEN, back: '/' });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /Form refused/);
      assert.match(res.body, /did not carry this page&#39;s CSRF token/);
      assert.ok(![res.headers['set-cookie'] ?? []].flat().some((c) => c.startsWith('previewd_session=')));
    });
  }

  it('an action signed in but with the CSRF token absent or mismatched is refused (403) and writes nothing', async () => {
    const visitor = await signedIn(app);
    const other = await visit(app);
    const writes = api.writes.length;
    const forms: Array<Record<string, string>> = [{}, { csrf: other.csrf }, { csrf: `${visitor.csrf}x` }];
    for (const form of forms) {
      const res = await post(app, visitor, '/previews/acme/shop/1/redeploy', form);
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /Form refused/);
    }
    assert.equal(api.writes.length, writes);
  });

  it('an action with a valid form but no session is refused (401: sign in first) and writes nothing', async () => {
    const visitor = await visit(app);
    const writes = api.writes.length;
    const res = await post(app, visitor, '/previews/acme/shop/1/destroy', { csrf: visitor.csrf });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /Sign in first/);
    assert.equal(api.writes.length, writes);
  });

  it('a session cookie moved to another visitor, or altered, does not sign in', async () => {
    const owner = await signedIn(app);
    const thief = await visit(app);
    const session = owner.cookies.get('previewd_session') ?? '';
    for (const stolen of [session, session.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))]) {
      thief.cookies.set('previewd_session', stolen);
      const res = await post(app, thief, '/previews/acme/shop/1/preserve', { csrf: thief.csrf, for: '24h' });
      assert.equal(res.statusCode, 401);
    }
    const forged = { ...owner, cookies: new Map(owner.cookies) };
    forged.cookies.set('previewd_session', `${Date.now() + 3_600_000}.${session.split('.')[1] ?? ''}`);
    assert.equal((await post(app, forged, '/previews/acme/shop/1/preserve', { csrf: owner.csrf, for: '24h' })).statusCode, 401, 'a later expiry breaks the signature');
  });

  it('signed in with the right form, the action goes through as the dashboard', async () => {
    const visitor = await signedIn(app);
    const res = await post(app, visitor, '/previews/acme/shop/1/redeploy', { csrf: visitor.csrf });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/previews/acme/shop/1?done=redeploy');
    assert.deepEqual(api.writes.at(-1), { action: 'redeploy', env: { owner: 'acme', repo: 'shop', pr: 1 }, actor: 'dashboard' });
  });
});

describe('dashboard without ADMIN_TOKEN', () => {
  let app: FastifyInstance;
  let api: FakePreviewApi;
  before(async () => ({ app, api } = await dashboardApp(null)));
  after(() => app.close());

  it('says it is read-only and refuses every form (403), whatever it carries', async () => {
    const page = await app.inject({ method: 'GET', url: '/' });
    assert.match(page.body, /Read-only: previewd runs without <code>ADMIN_TOKEN<\/code>/);
    assert.doesNotMatch(page.body, /name="csrf"/);
    for (const url of ['/sign-in', '/previews/acme/shop/1/destroy', '/previews/acme/shop/1/preserve']) {
      const res = await app.inject({ method: 'POST', url, headers: FORM, payload: 'csrf=x&token=anything' });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /this dashboard cannot change anything/);
    }
    assert.equal(api.writes.length, 0);
  });
});

import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertEnvRef, type EnvRef } from '../../domain/environment.ts';
import type { ActionOutcome, PreviewApi } from '../preview-api.ts';
import { chunkedBody } from './chunked-body.ts';
import { createDashboardAuth } from './dashboard-auth.ts';
import { detailPage, messagePage } from './detail-page.ts';
import type { Viewer } from './layout.ts';
import type { DashboardLinks } from './links.ts';
import { listPageParts } from './list-page.ts';
import { parseListQuery } from './list-view.ts';
import { registerLiveEvents } from './live-events.ts';
import { detailPath } from './present.ts';
import { createRowCache } from './row-cache.ts';

export interface DashboardPluginOptions {
  api: PreviewApi;
  /** `ADMIN_TOKEN`; null: the page is read-only and says so. */
  adminToken: string | null;
  links: DashboardLinks;
  /** Whether previewd watches Argo CD (KUBECONFIG): the detail page says why it shows nothing otherwise. */
  clusterAccess: boolean;
  now?: () => Date;
}

type Form = Record<string, string>;
interface EnvParams { owner: string; repo: string; pr: string }
const ACTIONS = ['preserve', 'destroy', 'rollback', 'redeploy'] as const;
type Action = (typeof ACTIONS)[number];
const ACTOR = 'dashboard';

// public/ sits three levels above both src/http/dashboard/ and dist/http/dashboard/.
async function asset(name: string): Promise<string> {
  return readFile(new URL(`../../../public/${name}`, import.meta.url), 'utf8');
}

function envOf(params: EnvParams): EnvRef | null {
  const env = { owner: params.owner, repo: params.repo, pr: /^\d{1,10}$/.test(params.pr) ? Number(params.pr) : NaN };
  try {
    assertEnvRef(env);
    return env;
  } catch {
    return null;
  }
}

// Only a path of this site: `//evil.example` and `/\evil.example` are other sites to a browser.
function localPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 2000 ? value : '/';
}

/**
 * The dashboard (DESIGN.md, `GET /` and `GET /previews/:owner/:repo/:pr`): server-rendered HTML, read
 * through the same PreviewApi as the JSON API, writes through it too (so through the reconciler), and
 * only for a visitor signed in with ADMIN_TOKEN, from a form that carries its CSRF token.
 * Encapsulated: its form parser stays in its scope.
 */
export async function dashboardPlugin(app: FastifyInstance, options: DashboardPluginOptions): Promise<void> {
  const { api, links } = options;
  const now = options.now ?? (() => new Date());
  const auth = createDashboardAuth(options.adminToken);
  const css = await asset('dashboard.css');
  const js = await asset('dashboard.js');
  const rowCache = createRowCache(links);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  function viewerOf(request: FastifyRequest, reply: FastifyReply): { viewer: Viewer; seed: string; signedIn: boolean } {
    const secure = request.protocol === 'https';
    const state = auth.inspect(request.headers.cookie, now(), secure);
    if (state.setCookies.length > 0) void reply.header('set-cookie', state.setCookies);
    const csrf = auth.formToken(state.seed);
    const viewer: Viewer = !auth.enabled ? { mode: 'read-only' } : state.signedIn ? { mode: 'signed-in', csrf } : { mode: 'signed-out', csrf };
    return { viewer, seed: state.seed, signedIn: state.signedIn };
  }
  function sendHtml(reply: FastifyReply, status: number, text: string | Readable): FastifyReply {
    return reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(text);
  }

  app.get('/assets/dashboard.css', { schema: { hide: true } }, (_request, reply) => reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'max-age=300').send(css));
  app.get('/assets/dashboard.js', { schema: { hide: true } }, (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'max-age=300').send(js));
  registerLiveEvents(app, api);

  app.get<{ Querystring: Record<string, unknown> }>('/', { schema: { hide: true } }, async (request, reply) => {
    const { viewer } = viewerOf(request, reply);
    const previews = await api.list();
    const parts = listPageParts({ previews, query: parseListQuery(request.query), viewer, links, now: now(), back: request.url }, rowCache.row);
    rowCache.retain(previews);
    const { length, body } = chunkedBody(parts);
    return sendHtml(reply.header('content-length', length), 200, body);
  });

  async function renderDetail(request: FastifyRequest, reply: FastifyReply, env: EnvRef, viewer: Viewer, status: number, notice: { kind: 'ok' | 'bad'; text: string } | null): Promise<FastifyReply> {
    const preview = await api.get(env);
    if (preview === null) return sendHtml(reply, 404, messagePage('Not found', `There is no environment ${env.owner}/${env.repo}#${env.pr} in the GitOps repository.`, viewer, '/'));
    const [live, history, files] = await Promise.all([api.live(env), api.history(env), api.files(env)]);
    return sendHtml(reply, status, detailPage({ preview, live, history: history ?? [], files: files ?? new Map(), viewer, links, clusterAccess: options.clusterAccess, now: now(), notice }));
  }

  app.get<{ Params: EnvParams; Querystring: Record<string, unknown> }>('/previews/:owner/:repo/:pr', { schema: { hide: true } }, async (request, reply) => {
    const { viewer } = viewerOf(request, reply);
    const env = envOf(request.params);
    if (env === null) return sendHtml(reply, 404, messagePage('Not found', 'That is not an environment: /previews/<owner>/<repo>/<pull request number>.', viewer, '/'));
    const done = request.query.done;
    const notice = typeof done === 'string' && /^(preserve|rollback|redeploy)$/.test(done) ? { kind: 'ok' as const, text: `${done}: done` } : null;
    return renderDetail(request, reply, env, viewer, 200, notice);
  });

  // Every form: sign-in must be on, and the form must carry this visitor's CSRF token.
  function refuse(request: FastifyRequest<{ Body: Form }>, reply: FastifyReply, seed: string, viewer: Viewer): FastifyReply | null {
    if (!auth.enabled) return sendHtml(reply, 403, messagePage('Read-only', 'previewd runs without ADMIN_TOKEN: this dashboard cannot change anything.', viewer, '/'));
    if (!auth.checkForm(seed, request.body?.csrf)) {
      return sendHtml(reply, 403, messagePage('Form refused', 'This form did not carry this page\'s CSRF token (it is older than previewd\'s last start, or it came from another site). Reload the page and try again.', viewer, '/'));
    }
    return null;
  }

  app.post<{ Body: Form }>('/sign-in', { schema: { hide: true } }, async (request, reply) => {
    const { viewer, seed } = viewerOf(request, reply);
    const refused = refuse(request, reply, seed, viewer);
    if (refused) return refused;
    const session = auth.signIn(request.body.token, seed, now(), request.protocol === 'https');
    if (session === null) return sendHtml(reply, 401, messagePage('Sign-in refused', 'That is not the admin token previewd runs with (ADMIN_TOKEN).', viewer, '/'));
    return reply.header('set-cookie', session).redirect(localPath(request.body.back), 303);
  });

  app.post<{ Body: Form }>('/sign-out', { schema: { hide: true } }, async (request, reply) => {
    const { viewer, seed } = viewerOf(request, reply);
    const refused = refuse(request, reply, seed, viewer);
    if (refused) return refused;
    return reply.header('set-cookie', auth.signOut(request.protocol === 'https')).redirect(localPath(request.body.back), 303);
  });

  for (const action of ACTIONS) {
    app.post<{ Params: EnvParams; Body: Form }>(`/previews/:owner/:repo/:pr/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const { viewer, seed, signedIn } = viewerOf(request, reply);
      const refused = refuse(request, reply, seed, viewer);
      if (refused) return refused;
      if (!signedIn) return sendHtml(reply, 401, messagePage('Sign in first', 'Only someone signed in with the admin token can do this.', viewer, '/'));
      const env = envOf(request.params);
      if (env === null) return sendHtml(reply, 404, messagePage('Not found', 'That is not an environment.', viewer, '/'));
      const outcome = await run(action, env, request.body);
      if (outcome.status === 'committed' || outcome.status === 'unchanged') {
        return reply.redirect(action === 'destroy' ? '/' : `${detailPath(env)}?done=${action}`, 303);
      }
      return renderDetail(request, reply, env, viewer, outcome.status === 'not-found' ? 404 : 409, { kind: 'bad', text: `${action} refused: ${outcome.message}` });
    });
  }

  function run(action: Action, env: EnvRef, body: Form): Promise<ActionOutcome> {
    switch (action) {
      case 'preserve':
        return api.preserve(env, body.for?.trim() || '48h', ACTOR);
      case 'destroy':
        return api.destroy(env, ACTOR);
      case 'rollback':
        return api.rollback(env, body.to ?? '', ACTOR);
      case 'redeploy':
        return api.redeploy(env, ACTOR);
    }
  }
}

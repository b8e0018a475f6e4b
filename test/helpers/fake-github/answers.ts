import type { IncomingHttpHeaders } from 'node:http';
import { repoKey, type FakeGitHubState, type FakeRepoState, type FakeUser } from './state.ts';

/** Who a request authenticated as. */
export type FakeIdentity =
  | { kind: 'token'; token: string }
  | { kind: 'installation'; token: string; installationId: number }
  | { kind: 'app'; appId: number }
  | { kind: 'anonymous' };

/** A request after routing and validation, as handlers see it. */
export interface FakeRequest {
  method: string;
  /** The URL as sent (path still percent-encoded), resolved against the fake's base URL. */
  url: URL;
  operationId: string;
  template: string;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  /** Query values coerced to their schema types. */
  query: Record<string, unknown>;
  body: unknown;
  headers: IncomingHttpHeaders;
  identity: FakeIdentity;
}

/** What a handler answers. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What handlers get besides the request. */
export interface FakeEnv {
  state: FakeGitHubState;
  /** The fake's base URL, for the URLs inside answers. */
  baseUrl: string;
  now(): Date;
}

export type FakeHandler = (req: FakeRequest, env: FakeEnv) => FakeAnswer;

/** Handlers by OpenAPI operationId (`repos/get-content`): later routes slot in by id. */
export type FakeRouteTable = Record<string, FakeHandler>;

/** Thrown by a handler (or its helpers) to answer with a GitHub-style error. */
export class FakeAnswerError extends Error {
  override name = 'FakeAnswerError';
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** GitHub's error body: `message`, `documentation_url`, and `status` as a string. */
export function errorBody(status: number, message: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { message, documentation_url: 'https://docs.github.com/rest', status: String(status), ...extra };
}

/** The repository named by `{owner}/{repo}`, or 404 as GitHub answers for one it hides or lacks. */
export function repoOf(req: FakeRequest, env: FakeEnv): FakeRepoState {
  const repo = env.state.repos.get(repoKey(req.params.owner ?? '', req.params.repo ?? ''));
  if (!repo) throw new FakeAnswerError(404, 'Not Found');
  const who = req.identity;
  // An installation token sees only the repositories its installation covers.
  if (who.kind === 'installation' && repo.installationId !== undefined && repo.installationId !== who.installationId) {
    throw new FakeAnswerError(404, 'Not Found');
  }
  return repo;
}

/** A `simple-user` object. */
export function userJson(env: FakeEnv, user: FakeUser, type: 'User' | 'Organization' | 'Bot' = 'User'): Record<string, unknown> {
  // A bot's login (`previewd[bot]`) is percent-encoded in URLs, as GitHub does.
  const login = encodeURIComponent(user.login);
  const api = `${env.baseUrl}/users/${login}`;
  return {
    login: user.login, id: user.id, node_id: Buffer.from(`04:User${user.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`, gravatar_id: '', url: api,
    html_url: `https://github.com/${login}`, followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`, gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`, subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`, repos_url: `${api}/repos`, events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`, type, user_view_type: 'public', site_admin: false,
  };
}

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, at most 100) and `page` (from 1),
 * with a `Link` header naming next, last, first and prev as absolute URLs.
 */
export function paginate<T>(items: readonly T[], req: FakeRequest): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(req.query.per_page ?? 30)));
  const page = Math.max(1, Number(req.query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const url = new URL(req.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(link(page - 1, 'prev'));
  if (page < last) rels.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) rels.push(link(1, 'first'));
  return { items: items.slice((page - 1) * perPage, page * perPage), headers: rels.length ? { link: rels.join(', ') } : {} };
}

import { FakeAnswerError, paginate, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { repositoryJson } from '../repository-json.ts';
import type { FakeRepoState } from '../state.ts';

// Newest first, as GitHub lists an account's repositories by default (sort=created... desc for created).
function newestFirst(repos: FakeRepoState[]): FakeRepoState[] {
  return [...repos].sort((a, b) => b.id - a.id);
}

/** Whether the caller sees `repo`: an installation only the repositories it covers. */
function visible(req: FakeRequest, env: FakeEnv, repo: FakeRepoState): boolean {
  const who = req.identity;
  if (who.kind !== 'installation') return true;
  if (repo.installationId !== undefined) return repo.installationId === who.installationId;
  // An installation with "all repositories" covers every repository of its account.
  const account = [...env.state.apps.values()].map((app) => app.installations.get(who.installationId)).find((a) => a !== undefined);
  return account?.toLowerCase() === repo.owner.toLowerCase();
}

function ownedBy(env: FakeEnv, login: string): FakeRepoState[] {
  return [...env.state.repos.values()].filter((r) => r.owner.toLowerCase() === login.toLowerCase());
}

function byType(repos: FakeRepoState[], type: string): FakeRepoState[] {
  if (type === 'public') return repos.filter((r) => !r.private);
  if (type === 'private') return repos.filter((r) => r.private);
  // The fake has no forks of its own among an account's repositories: `forks` is empty, `sources` all.
  if (type === 'forks') return [];
  return repos;
}

function listForOrg(req: FakeRequest, env: FakeEnv) {
  const org = req.params.org ?? '';
  if (!env.state.orgs.has(org.toLowerCase())) throw new FakeAnswerError(404, 'Not Found');
  const repos = byType(ownedBy(env, org), (req.query.type as string | undefined) ?? 'all').filter((r) => visible(req, env, r));
  const page = paginate(newestFirst(repos).map((r) => repositoryJson(env, r)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function listForUser(req: FakeRequest, env: FakeEnv) {
  const login = req.params.username ?? '';
  if (!env.state.users.has(login.toLowerCase())) throw new FakeAnswerError(404, 'Not Found');
  // "Lists public repositories for the specified user": private ones are not there, whoever asks.
  const repos = ownedBy(env, login).filter((r) => !r.private && visible(req, env, r));
  const page = paginate(newestFirst(repos).map((r) => repositoryJson(env, r)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

// The fake's tokens see every repository (as `repoOf` lets them): the token's user is taken to own or
// collaborate on all of them. An installation token is refused, as GitHub refuses it.
function listForAuthenticatedUser(req: FakeRequest, env: FakeEnv) {
  if (req.identity.kind !== 'token') throw new FakeAnswerError(403, 'Resource not accessible by integration');
  const page = paginate(newestFirst([...env.state.repos.values()]).map((r) => repositoryJson(env, r)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function listForInstallation(req: FakeRequest, env: FakeEnv) {
  if (req.identity.kind !== 'installation') throw new FakeAnswerError(403, 'You must authenticate with an installation access token in order to list repositories for an installation.');
  const repos = newestFirst([...env.state.repos.values()].filter((r) => visible(req, env, r)));
  const page = paginate(repos.map((r) => repositoryJson(env, r)), req);
  return { status: 200, body: { total_count: repos.length, repositories: page.items, repository_selection: 'all' }, headers: page.headers };
}

/** An account's repositories: an organization's, a user's (public only), the token's own, an installation's. */
export function ownerRoutes(): FakeRouteTable {
  return {
    'repos/list-for-org': listForOrg,
    'repos/list-for-user': listForUser,
    'repos/list-for-authenticated-user': listForAuthenticatedUser,
    'apps/list-repos-accessible-to-installation': listForInstallation,
  };
}

import type { RepoRef } from '../../ports/forge.ts';
import type { BoundedMap } from './bounded-map.ts';
import { listConditionally, type ListRequest, type PageMemory } from './conditional-pages.ts';
import type { GitHubClient } from './create-octokit.ts';
import { statusOf } from './forge-call.ts';

/** A repository as the lists name it, with what decides whether previews apply to it. */
export interface ListedRepository extends RepoRef {
  archived: boolean;
  disabled: boolean;
}

/** What an owner's listing remembers between rounds: pages by route, and which owners are users. */
export interface OwnerMemory {
  pages: PageMemory<ListedRepository>;
  /** Lower-cased login → `user` once `/orgs/{org}/repos` said 404 for it. */
  kinds: BoundedMap<'org' | 'user'>;
}

/**
 * The repositories of `owner` that previews can apply to (archived and disabled ones left out), each
 * list page conditional on its ETag. With a GitHub App: the installation's repositories on that account
 * (`GET /installation/repositories`). With a token: the organization's (`GET /orgs/{org}/repos`), or on a
 * 404 the user's, remembered so that a user costs no 404 next time. A user's are two lists: the public
 * ones (`GET /users/{username}/repos` lists no private repository, whoever asks) and those of the
 * token's own (`GET /user/repos`: its user's private repositories and the ones it collaborates on).
 * Errors are Octokit's.
 */
export async function listOwnerRepositories(octokit: GitHubClient, memory: OwnerMemory, owner: string, auth: 'token' | 'app', perPage: number): Promise<{ repos: RepoRef[]; changed: boolean }> {
  const wanted = owner.toLowerCase();
  let listed: { items: ListedRepository[]; changed: boolean };
  if (auth === 'app') {
    listed = await listConditionally(octokit, memory.pages, `installation ${wanted}`, request('GET /installation/repositories', {}, perPage, (data) => (data as { repositories?: unknown }).repositories));
  } else if (memory.kinds.get(wanted) === 'user') {
    listed = await userRepositories(octokit, memory, owner, perPage);
  } else {
    try {
      listed = await listConditionally(octokit, memory.pages, `org ${wanted}`, request('GET /orgs/{org}/repos', { org: owner, type: 'all' }, perPage, (data) => data));
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      memory.kinds.set(wanted, 'user');
      listed = await userRepositories(octokit, memory, owner, perPage);
    }
  }
  // An installation may span one account only, but its list is filtered all the same.
  const repos = listed.items.filter((r) => r.owner.toLowerCase() === wanted && !r.archived && !r.disabled).map((r) => ({ owner: r.owner, repo: r.repo }));
  return { repos, changed: listed.changed };
}

async function userRepositories(octokit: GitHubClient, memory: OwnerMemory, owner: string, perPage: number): Promise<{ items: ListedRepository[]; changed: boolean }> {
  const listed = await listConditionally(octokit, memory.pages, `user ${owner.toLowerCase()}`, request('GET /users/{username}/repos', { username: owner, type: 'owner' }, perPage, (data) => data));
  // Remembered per owner, though it is one list: one owner's round must not use up another's change.
  const own = await listConditionally(octokit, memory.pages, `token ${owner.toLowerCase()}`, request('GET /user/repos', {}, perPage, (data) => data));
  const seen = new Set(listed.items.map((r) => `${r.owner}/${r.repo}`.toLowerCase()));
  const more = own.items.filter((r) => r.owner.toLowerCase() === owner.toLowerCase() && !seen.has(`${r.owner}/${r.repo}`.toLowerCase()));
  return { items: [...listed.items, ...more], changed: listed.changed || own.changed };
}

function request(route: string, params: Record<string, unknown>, perPage: number, itemsOf: (data: unknown) => unknown): ListRequest<ListedRepository> {
  return { route, params, perPage, itemsOf: (data) => asList(itemsOf(data)), toItem: listedRepository };
}

function asList(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new UnreadableRepositoryError('GitHub sent no list of repositories');
  return value;
}

/** GitHub sent something previewd cannot read where it expected a repository. */
export class UnreadableRepositoryError extends Error {
  override name = 'UnreadableRepositoryError';
}

function listedRepository(raw: unknown): ListedRepository {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as { name?: unknown; owner?: { login?: unknown } | null; archived?: unknown; disabled?: unknown };
  const owner = r.owner?.login;
  if (typeof r.name !== 'string' || typeof owner !== 'string') throw new UnreadableRepositoryError('GitHub sent a repository without an owner login and a name');
  return { owner, repo: r.name, archived: r.archived === true, disabled: r.disabled === true };
}

import type { ForgeContext, RepoRef } from '../../ports/forge.ts';
import { createOctokit, type GitHubClient, type GitHubClientOptions } from './create-octokit.ts';
import { statusOf } from './status-of.ts';

/** Hands out Octokits: one for a token, one per installation for a GitHub App, each made once. */
export interface GitHubClients {
  /**
   * The Octokit to call `repo` with. With a GitHub App it acts as `ctx.installationId` (the webhook's
   * installation); without one, the App's installation on `repo` is looked up (and remembered for a while),
   * which is what the scheduled resync needs. Errors are Octokit's: translate them with `translateError`.
   */
  octokitFor(repo: RepoRef, ctx?: ForgeContext): Promise<GitHubClient>;
  /**
   * The Octokit to list `owner`'s repositories with: with a GitHub App, `ctx.installationId`, else the
   * App's installation on that account (organization first, then user), looked up and remembered a while.
   */
  octokitForOwner(owner: string, ctx?: ForgeContext): Promise<GitHubClient>;
}

// An App can be uninstalled and installed again under a new id: a looked-up id is trusted for this long.
const INSTALLATION_LOOKUP_TTL_MS = 10 * 60 * 1000;

/** Creates the Octokit factory that the forge and the reporting code share. */
export function createGitHubClients(options: GitHubClientOptions, now: () => number = Date.now): GitHubClients {
  const perInstallation = new Map<number, GitHubClient>();
  const lookups = new Map<string, { id: Promise<number>; at: number }>();
  let single: GitHubClient | undefined;
  let appClient: GitHubClient | undefined;

  function forInstallation(installationId: number): GitHubClient {
    let client = perInstallation.get(installationId);
    if (!client) {
      client = createOctokit(options, installationId);
      perInstallation.set(installationId, client);
    }
    return client;
  }

  function lookUpInstallation(repo: RepoRef): Promise<number> {
    return remembered(`${repo.owner}/${repo.repo}`.toLowerCase(), (app) => app.rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.repo }).then((r) => r.data.id));
  }

  function lookUpOwnerInstallation(owner: string): Promise<number> {
    // Keys without a slash: an account, never a repository.
    return remembered(owner.toLowerCase(), async (app) => {
      try {
        return (await app.rest.apps.getOrgInstallation({ org: owner })).data.id;
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        return (await app.rest.apps.getUserInstallation({ username: owner })).data.id;
      }
    });
  }

  function remembered(key: string, lookUp: (app: GitHubClient) => Promise<number>): Promise<number> {
    const cached = lookups.get(key);
    if (cached && now() - cached.at < INSTALLATION_LOOKUP_TTL_MS) return cached.id;
    appClient ??= createOctokit(options);
    const id = lookUp(appClient);
    lookups.set(key, { id, at: now() });
    // A failed lookup is not remembered: the next call asks again.
    id.catch(() => {
      if (lookups.get(key)?.id === id) lookups.delete(key);
    });
    return id;
  }

  return {
    async octokitFor(repo, ctx) {
      if (options.auth.kind === 'token') {
        single ??= createOctokit(options);
        return single;
      }
      const installationId = ctx?.installationId ?? (await lookUpInstallation(repo));
      return forInstallation(installationId);
    },
    async octokitForOwner(owner, ctx) {
      if (options.auth.kind === 'token') {
        single ??= createOctokit(options);
        return single;
      }
      return forInstallation(ctx?.installationId ?? (await lookUpOwnerInstallation(owner)));
    },
  };
}

import type { ForgeContext, RepoRef } from '../../ports/forge.ts';
import type { GitHubClient, GitHubClientOptions } from './create-octokit.ts';
import type { GitHubClients } from './github-clients.ts';
import { translateError } from './translate-error.ts';

export { statusOf } from './status-of.ts';

/**
 * Runs `fn` with the Octokit for `repo` and turns whatever fails into a `ForgeError` that names `action`
 * (and, on a 403, the `access` the call needs). Raw Octokit errors are seen inside `fn`, for 404 fallbacks.
 */
export type ForgeCall = <T>(action: string, repo: RepoRef, ctx: ForgeContext | undefined, fn: (octokit: GitHubClient) => Promise<T>, access?: string) => Promise<T>;

/** Like `ForgeCall`, for a call about an account (`owner`) rather than one repository. */
export type OwnerCall = <T>(action: string, owner: string, ctx: ForgeContext | undefined, fn: (octokit: GitHubClient) => Promise<T>, access?: string) => Promise<T>;

/** The `ForgeCall` of one forge: its clients, and the secrets its messages must never show. */
export function createForgeCall(clients: GitHubClients, options: GitHubClientOptions): ForgeCall {
  const translated = translating(options);
  return (action, repo, ctx, fn, access) => translated(action, access, async () => fn(await clients.octokitFor(repo, ctx)));
}

/** The `OwnerCall` of one forge. */
export function createOwnerCall(clients: GitHubClients, options: GitHubClientOptions): OwnerCall {
  const translated = translating(options);
  return (action, owner, ctx, fn, access) => translated(action, access, async () => fn(await clients.octokitForOwner(owner, ctx)));
}

function translating(options: GitHubClientOptions) {
  const secrets = [options.auth.kind === 'token' ? options.auth.token : options.auth.privateKey];
  return async <T>(action: string, access: string | undefined, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw translateError(error, { action, auth: options.auth.kind, secrets, ...(access === undefined ? {} : { access }) });
    }
  };
}


/** `owner/repo`, for messages. */
export function repoName(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}

import { parsePullRequestObject } from '../../domain/read-pull-request.ts';
import type { PullRequestSnapshot } from '../../domain/pull-request.ts';
import type { ForgeContext, RepoRef } from '../../ports/forge.ts';
import { listConditionally, type PageMemory } from './conditional-pages.ts';
import type { GitHubClient } from './create-octokit.ts';
import { repoName, statusOf } from './forge-call.ts';

/** GitHub sent something previewd cannot read where it expected a pull request. */
export class UnreadablePullRequestError extends Error {
  override name = 'UnreadablePullRequestError';
}

/**
 * One pull request, or null when the repository is there and the pull request is not. GitHub answers 404
 * both for a missing pull request and for a repository the credentials cannot see: only the first is
 * null (a null may end an environment), so a 404 is checked against the repository, and the second
 * throws. Errors are Octokit's.
 */
export async function getPullRequest(octokit: GitHubClient, repo: RepoRef, pr: number, ctx?: ForgeContext): Promise<PullRequestSnapshot | null> {
  let data: unknown;
  try {
    ({ data } = await octokit.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: pr }));
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    try {
      await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
    } catch (repoError) {
      // Hidden or gone: the pull request's own 404 says so. Anything else (a 502) is that failure, retried.
      throw statusOf(repoError) === 404 ? error : repoError;
    }
    return null;
  }
  return withInstallation(snapshotOf(data, repo), ctx);
}

/**
 * The open pull requests of `repo`, every page, each page conditional on its ETag from last time (see
 * `listConditionally`). A pull request previewd cannot read fails the whole list: a list with a hole
 * would read as a closed pull request, and closing ends an environment. Errors are Octokit's.
 */
export async function listOpenPullRequests(octokit: GitHubClient, memory: PageMemory<PullRequestSnapshot>, repo: RepoRef, perPage: number, ctx?: ForgeContext): Promise<{ pulls: PullRequestSnapshot[]; changed: boolean }> {
  const { items, changed } = await listConditionally(octokit, memory, repoName(repo).toLowerCase(), {
    route: 'GET /repos/{owner}/{repo}/pulls',
    params: { owner: repo.owner, repo: repo.repo, state: 'open' },
    perPage,
    itemsOf: (data) => (Array.isArray(data) ? data : []),
    toItem: (raw) => snapshotOf(raw, repo),
  });
  return { pulls: items.map((pull) => withInstallation(pull, ctx)), changed };
}

function snapshotOf(raw: unknown, repo: RepoRef): PullRequestSnapshot {
  const parsed = parsePullRequestObject(raw);
  if (!parsed.ok) throw new UnreadablePullRequestError(`GitHub sent a pull request of ${repoName(repo)} that previewd cannot read (${parsed.reason})`);
  return parsed.snapshot;
}

// Remembered snapshots are shared between calls: the installation is the caller's, added to a copy.
function withInstallation(pull: PullRequestSnapshot, ctx?: ForgeContext): PullRequestSnapshot {
  return ctx?.installationId === undefined ? pull : { ...pull, installationId: ctx.installationId };
}

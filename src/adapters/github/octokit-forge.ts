import type { Forge, ForgeChecks, ForgeLifecycle, ForgeReports } from '../../ports/forge.ts';
import { createForgeChecks } from './commit-checks.ts';
import type { GitHubClientOptions } from './create-octokit.ts';
import { fileText, type ContentAnswer } from './file-text.ts';
import { createForgeCall, createOwnerCall, repoName as name, statusOf } from './forge-call.ts';
import { createForgeLifecycle } from './forge-lifecycle.ts';
import { createForgeReports } from './forge-reports.ts';
import { createGitHubClients, type GitHubClients } from './github-clients.ts';
import { toRepoPermission } from './repo-permission.ts';

/** Settings of the GitHub forge: the client's, plus the page size of list calls. */
export interface OctokitForgeOptions extends GitHubClientOptions {
  /** Items per page of list calls (GitHub's maximum, 100, by default: fewest requests). */
  perPage?: number;
  /** Repositories and owners whose list pages are remembered for conditional requests (default 2000). */
  rememberLists?: number;
}

/**
 * The `Forge`, its reporting and the lifecycle calls (resync, commands) on GitHub's REST API, plus the
 * Octokit factory for other code to share.
 */
export interface OctokitForge extends Forge, ForgeReports, ForgeLifecycle, ForgeChecks, GitHubClients {}

// GitHub's documented cap on "list pull request files".
const PULL_FILES_LIMIT = 3000;

/**
 * Creates the GitHub forge on `@octokit/rest` with the retry and throttling plugins. Every failure
 * leaves as a `ForgeError` (transient or not) whose message says what failed and how to fix it.
 * Reporting (comment, Deployments, commit status) is in `createForgeReports`, the resync's and the
 * commands' calls in `createForgeLifecycle`, a `waitFor` wait's in `createForgeChecks`.
 */
export function createOctokitForge(options: OctokitForgeOptions): OctokitForge {
  const clients = createGitHubClients(options);
  const call = createForgeCall(clients, options);
  const perPage = options.perPage ?? 100;

  const lifecycle = { auth: options.auth.kind, perPage, ...(options.rememberLists === undefined ? {} : { rememberLists: options.rememberLists }) };

  return {
    octokitFor: (repo, ctx) => clients.octokitFor(repo, ctx),
    octokitForOwner: (owner, ctx) => clients.octokitForOwner(owner, ctx),
    ...createForgeReports(call, perPage),
    ...createForgeLifecycle(call, createOwnerCall(clients, options), lifecycle),
    ...createForgeChecks(call, { perPage, ...(options.rememberLists === undefined ? {} : { rememberShas: options.rememberLists }) }),

    readFile(repo, path, ref, ctx) {
      const where = `${path} of ${name(repo)} at ${ref}`;
      return call(`reading ${where}`, repo, ctx, async (octokit) => {
        let answer: ContentAnswer;
        try {
          ({ data: answer } = await octokit.rest.repos.getContent({ owner: repo.owner, repo: repo.repo, path, ref }));
        } catch (error) {
          // GitHub answers 404 both for a missing file and for a ref that does not exist.
          if (statusOf(error) === 404) return null;
          throw error;
        }
        return fileText(answer, where);
      });
    },

    listPullRequestFiles(repo, pr, ctx) {
      return call(`listing the files of ${name(repo)}#${pr}`, repo, ctx, async (octokit) => {
        const files = await octokit.paginate(octokit.rest.pulls.listFiles, { owner: repo.owner, repo: repo.repo, pull_number: pr, per_page: perPage });
        // A rename changes two paths: the one it leaves and the one it makes.
        const paths = new Set<string>();
        for (const file of files) {
          paths.add(file.filename);
          if (file.previous_filename) paths.add(file.previous_filename);
        }
        if (files.length >= PULL_FILES_LIMIT) {
          options.log.warn({ repo: name(repo), pr, listed: files.length }, 'GitHub lists at most 3000 files of a pull request: later paths are not seen');
        }
        return [...paths];
      });
    },

    labelAddedBy(repo, pr, label, ctx) {
      return call(`reading who labelled ${name(repo)}#${pr} "${label}"`, repo, ctx, async (octokit) => {
        const wanted = label.toLowerCase();
        let actor: string | null = null;
        // Events come oldest first; the last "labeled" event for the label is the one that counts.
        for await (const page of octokit.paginate.iterator(octokit.rest.issues.listEvents, { owner: repo.owner, repo: repo.repo, issue_number: pr, per_page: perPage })) {
          for (const event of page.data) {
            if (event.event !== 'labeled' || !('label' in event) || event.label?.name?.toLowerCase() !== wanted) continue;
            // A deleted account shows as a null actor: nobody whose permission could be checked.
            actor = event.actor?.login ?? null;
          }
        }
        return actor;
      });
    },

    permission(repo, user, ctx) {
      return call(`reading ${user}'s permission on ${name(repo)}`, repo, ctx, async (octokit) => {
        try {
          const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: repo.owner, repo: repo.repo, username: user });
          return toRepoPermission(data.role_name, data.permission);
        } catch (error) {
          // No such user: a stranger.
          if (statusOf(error) === 404) return 'none';
          throw error;
        }
      });
    },
  };
}

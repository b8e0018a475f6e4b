import type { PullRequestSnapshot } from '../../domain/pull-request.ts';
import type { ForgeLifecycle } from '../../ports/forge.ts';
import { createBoundedMap } from './bounded-map.ts';
import type { RememberedPage } from './conditional-pages.ts';
import { repoName, type ForgeCall, type OwnerCall } from './forge-call.ts';
import { listOwnerRepositories, type ListedRepository } from './owner-repositories.ts';
import { getPullRequest, listOpenPullRequests } from './pull-requests.ts';

/** Settings of the lifecycle calls. */
export interface ForgeLifecycleOptions {
  auth: 'token' | 'app';
  perPage: number;
  /** Repositories (and owners) whose list pages are remembered for conditional requests. Default 2000. */
  rememberLists?: number;
}

const REPLY_ACCESS = 'write access to Issues and Pull requests';
// GitHub refuses a comment over 65536 characters; a reply cut short beats a reply refused.
const COMMENT_LIMIT = 65536;

/**
 * The resync's and the commands' GitHub calls. The ETags and pages of the lists are remembered in this
 * instance (bounded, least recently used forgotten first), so an unchanged list costs 304s and no rate
 * limit. Every failure leaves as a ForgeError naming what was being done.
 */
export function createForgeLifecycle(call: ForgeCall, ownerCall: OwnerCall, options: ForgeLifecycleOptions): ForgeLifecycle {
  const remember = options.rememberLists ?? 2000;
  const pullPages = createBoundedMap<RememberedPage<PullRequestSnapshot>[]>(remember);
  const ownerMemory = { pages: createBoundedMap<RememberedPage<ListedRepository>[]>(remember), kinds: createBoundedMap<'org' | 'user'>(remember) };

  return {
    getPullRequest(repo, pr, ctx) {
      return call(`reading pull request ${repoName(repo)}#${pr}`, repo, ctx, (octokit) => getPullRequest(octokit, repo, pr, ctx));
    },

    listOpenPullRequests(repo, ctx) {
      return call(`listing the open pull requests of ${repoName(repo)}`, repo, ctx, (octokit) => listOpenPullRequests(octokit, pullPages, repo, options.perPage, ctx));
    },

    listOwnerRepositories(owner, ctx) {
      return ownerCall(`listing the repositories of ${owner}`, owner, ctx, (octokit) => listOwnerRepositories(octokit, ownerMemory, owner, options.auth, options.perPage), 'read access to Metadata');
    },

    addReaction(repo, commentId, content, ctx) {
      return call(`reacting ${content} to comment ${commentId} on ${repoName(repo)}`, repo, ctx, async (octokit) => {
        // 200 when the same reaction is already there: nothing to do twice.
        await octokit.rest.reactions.createForIssueComment({ owner: repo.owner, repo: repo.repo, comment_id: commentId, content });
      }, REPLY_ACCESS);
    },

    replyToPullRequest(repo, pr, body, ctx) {
      return call(`replying on ${repoName(repo)}#${pr}`, repo, ctx, async (octokit) => {
        await octokit.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: pr, body: fitComment(body) });
      }, REPLY_ACCESS);
    },
  };
}

function fitComment(body: string): string {
  if (body.length <= COMMENT_LIMIT) return body;
  // Cut on a code point, not inside a surrogate pair.
  return `${Array.from(body.slice(0, COMMENT_LIMIT - 2)).slice(0, -1).join('')}…`;
}

import type { RepoRef } from '../../ports/forge.ts';
import type { GitHubClient } from './create-octokit.ts';
import { statusOf } from './forge-call.ts';

/** How `upsertComment` may find the comment. */
export interface UpsertCommentOptions {
  /** The comment's id from an earlier call: edited directly, with no search (the text is taken as changed). */
  knownId?: number;
  /** false: the pull request was just opened, so there is nothing to search for; the comment is created. */
  searchFirst?: boolean;
  /** Comments per page of the search (100, GitHub's maximum, in production). */
  perPage: number;
}

/** The comment's id and what was done to it. */
export interface UpsertResult {
  id: number;
  action: 'created' | 'updated' | 'unchanged';
}

// A person editing the comment in the browser may leave CRLF line ends or leading blank lines.
function normalized(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function isMarked(body: string | undefined, marker: string): boolean {
  return body !== undefined && normalized(body).trimStart().startsWith(marker);
}

/** The oldest comment that carries the marker, searching page after page until one does. */
async function findMarked(octokit: GitHubClient, repo: RepoRef, pr: number, marker: string, perPage: number) {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { owner: repo.owner, repo: repo.repo, issue_number: pr, per_page: perPage });
  // Comments come oldest first: the first one found is the oldest, so later pages need not be read.
  for await (const page of pages) {
    const hit = page.data.find((comment) => isMarked(comment.body, marker));
    if (hit) return { id: hit.id, body: hit.body ?? '' };
  }
  return undefined;
}

/** Edits the comment; false when it no longer exists (a person deleted it). */
async function edit(octokit: GitHubClient, repo: RepoRef, id: number, body: string): Promise<boolean> {
  try {
    await octokit.rest.issues.updateComment({ owner: repo.owner, repo: repo.repo, comment_id: id, body });
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw error;
  }
}

async function create(octokit: GitHubClient, repo: RepoRef, pr: number, body: string): Promise<UpsertResult> {
  const { data } = await octokit.rest.issues.createComment({ owner: repo.owner, repo: repo.repo, issue_number: pr, body });
  return { id: data.id, action: 'created' };
}

/**
 * Keeps one comment per pull request, found by `marker` at the start of its body. Requests: with
 * `knownId`, one PATCH (a 404 falls back to the search); with `searchFirst: false`, one POST; otherwise
 * one GET per page up to the page holding the comment, then a PATCH only when the text differs, or a
 * POST when no comment carries the marker. Several marked comments (a person copied one): the oldest
 * is edited, the others are left alone. Errors are Octokit's, for the caller to translate.
 */
export async function upsertComment(octokit: GitHubClient, repo: RepoRef, pr: number, marker: string, body: string, options: UpsertCommentOptions): Promise<UpsertResult> {
  if (marker.trim() === '') throw new Error('the comment marker is empty: it would match every comment');
  // A body without its marker could never be found again: each update would add a new comment.
  if (!isMarked(body, marker)) throw new Error('the comment body does not start with its marker');
  if (options.knownId !== undefined) {
    if (await edit(octokit, repo, options.knownId, body)) return { id: options.knownId, action: 'updated' };
  } else if (options.searchFirst === false) {
    return create(octokit, repo, pr, body);
  }
  const found = await findMarked(octokit, repo, pr, marker, options.perPage);
  if (!found) return create(octokit, repo, pr, body);
  if (normalized(found.body) === normalized(body)) return { id: found.id, action: 'unchanged' };
  // Deleted between the search and the edit: made again.
  if (!(await edit(octokit, repo, found.id, body))) return create(octokit, repo, pr, body);
  return { id: found.id, action: 'updated' };
}

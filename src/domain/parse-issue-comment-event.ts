import { assertEnvRef, InvalidEnvRefError, type EnvRef } from './environment.ts';
import { login, optionalRecord, PayloadError, record, show, text, webUrl, wholeNumber } from './payload-fields.ts';

/** A new comment on a pull request, as the command handling needs it. */
export interface PullRequestComment {
  env: EnvRef;
  commentId: number;
  /** The comment's Markdown (untrusted; at most GitHub's 65536 characters). */
  body: string;
  /** Login of the commenter: who a command's commit names as `Preview-Actor`. */
  author: string;
  /** GitHub's `author_association` (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...). */
  authorAssociation: string;
  /** The GitHub App installation that sent the event, when one did. */
  installationId?: number;
  /** https URL of the app repository. */
  repoUrl: string;
  /** `X-GitHub-Delivery`. */
  delivery: string;
}

export type ParsedIssueCommentEvent = { ok: true; event: PullRequestComment } | { ok: false; reason: string };

// GitHub refuses longer comments; a longer body is not GitHub talking.
const MAX_BODY = 65536;
// GitHub's associations are upper-case words; the value is only compared, never trusted as free text.
const ASSOCIATION_RE = /^[A-Z_]{1,40}$/;

/**
 * Reduces an untrusted `issue_comment` webhook body to a `PullRequestComment`: only `created` comments,
 * and only on pull requests (an issue's comments carry no `issue.pull_request`). Pure: every field is
 * type-checked and names validated, and any surprise comes back as `{ ok: false }`, never as a throw.
 */
export function parseIssueCommentEvent(payload: unknown, delivery: string): ParsedIssueCommentEvent {
  try {
    return { ok: true, event: readComment(payload, delivery) };
  } catch (err) {
    if (err instanceof PayloadError || err instanceof InvalidEnvRefError) return { ok: false, reason: err.message };
    throw err;
  }
}

function readComment(payload: unknown, delivery: string): PullRequestComment {
  const body = record(payload, 'payload');
  const action = text(body, 'action', 'action');
  // An edited command is not run again, nor a deleted one undone: only a new comment is a request.
  if (action !== 'created') throw new PayloadError(`action ${show(action)} is not a new comment`);
  const issue = record(body.issue, 'issue');
  if (optionalRecord(issue.pull_request ?? undefined, 'issue.pull_request') === undefined) {
    throw new PayloadError('the comment is on an issue, not on a pull request');
  }
  const repository = record(body.repository, 'repository');
  const env = {
    owner: text(record(repository.owner, 'repository.owner'), 'login', 'repository.owner.login'),
    repo: text(repository, 'name', 'repository.name'),
    pr: wholeNumber(issue.number, 'issue.number'),
  };
  assertEnvRef(env);

  const comment = record(body.comment, 'comment');
  const markdown = text(comment, 'body', 'comment.body');
  if (markdown.length > MAX_BODY) throw new PayloadError(`comment.body: ${markdown.length} characters, GitHub allows at most ${MAX_BODY}`);
  const authorAssociation = text(comment, 'author_association', 'comment.author_association');
  if (!ASSOCIATION_RE.test(authorAssociation)) throw new PayloadError(`comment.author_association: ${show(authorAssociation)} is not one of GitHub's associations`);

  const event: PullRequestComment = {
    env,
    commentId: wholeNumber(comment.id, 'comment.id'),
    body: markdown,
    author: login(record(comment.user, 'comment.user'), 'comment.user.login'),
    authorAssociation,
    repoUrl: webUrl(repository.html_url, 'repository.html_url'),
    delivery,
  };
  const installation = optionalRecord(body.installation, 'installation');
  if (installation !== undefined) event.installationId = wholeNumber(installation.id, 'installation.id');
  return event;
}

import { FakeAnswerError, paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { isoSeconds, nextId, userOf, type FakeIssueComment, type FakeRepoState, type ReactionContent } from '../state.ts';
import { authorOf, tooLong } from './write-rules.ts';

const REACTIONS: readonly ReactionContent[] = ['+1', '-1', 'laugh', 'confused', 'heart', 'hooray', 'eyes', 'rocket'];

// GitHub refuses a comment body over 65536 characters.
const BODY_LIMIT = 65536;

function reactionRollup(env: FakeEnv, repo: FakeRepoState, commentId: number) {
  const mine = repo.reactions.filter((r) => r.commentId === commentId);
  const counts = Object.fromEntries(REACTIONS.map((content) => [content, mine.filter((r) => r.content === content).length]));
  return { url: `${env.baseUrl}/repos/${repo.owner}/${repo.name}/issues/comments/${commentId}/reactions`, total_count: mine.length, ...counts };
}

/** An `issue-comment` object, with its reactions counted. */
export function commentJson(env: FakeEnv, repo: FakeRepoState, c: FakeIssueComment) {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    id: c.id, node_id: Buffer.from(`IC_${c.id}`).toString('base64'), url: `${api}/issues/comments/${c.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body, user: userJson(env, userOf(env.state, c.user), c.user.endsWith('[bot]') ? 'Bot' : 'User'),
    created_at: c.createdAt, updated_at: c.updatedAt, issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: 'NONE', performed_via_github_app: null, reactions: reactionRollup(env, repo, c.id),
  };
}

/** The comment named by `{comment_id}` in the repository, or 404 (never made, or deleted). */
export function commentOf(req: FakeRequest, repo: FakeRepoState): FakeIssueComment {
  const comment = repo.comments.find((c) => c.id === Number(req.params.comment_id));
  if (!comment) throw new FakeAnswerError(404, 'Not Found');
  return comment;
}

function bodyOf(req: FakeRequest): string {
  const body = (req.body as { body: string }).body;
  if (body.length > BODY_LIMIT) throw tooLong('IssueComment', 'body', BODY_LIMIT);
  return body;
}

function listComments(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const issue = Number(req.params.issue_number);
  const since = typeof req.query.since === 'string' ? Date.parse(req.query.since) : Number.NEGATIVE_INFINITY;
  // Oldest first, as GitHub lists them.
  const comments = repo.comments.filter((c) => c.issueNumber === issue && Date.parse(c.updatedAt) >= since);
  const page = paginate(comments.map((c) => commentJson(env, repo, c)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function createComment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const at = isoSeconds(env.now());
  const comment: FakeIssueComment = { id: nextId(env.state), issueNumber: Number(req.params.issue_number), body: bodyOf(req), user: authorOf(req), createdAt: at, updatedAt: at };
  repo.comments.push(comment);
  const body = commentJson(env, repo, comment);
  return { status: 201, body, headers: { location: body.url } };
}

function updateComment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const comment = commentOf(req, repo);
  comment.body = bodyOf(req);
  comment.updatedAt = isoSeconds(env.now());
  return { status: 200, body: commentJson(env, repo, comment) };
}

function deleteComment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const comment = commentOf(req, repo);
  repo.comments.splice(repo.comments.indexOf(comment), 1);
  repo.reactions = repo.reactions.filter((r) => r.commentId !== comment.id);
  return { status: 204 };
}

function createReaction(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const comment = commentOf(req, repo);
  const content = (req.body as { content: ReactionContent }).content;
  const user = authorOf(req);
  // The same reaction by the same user again is not a new one: 200 with the existing reaction.
  const existing = repo.reactions.find((r) => r.commentId === comment.id && r.user === user && r.content === content);
  const reaction = existing ?? { id: nextId(env.state), commentId: comment.id, content, user, createdAt: isoSeconds(env.now()) };
  if (!existing) repo.reactions.push(reaction);
  return { status: existing ? 200 : 201, body: reactionJson(env, reaction) };
}

function reactionJson(env: FakeEnv, r: FakeRepoState['reactions'][number]) {
  return {
    id: r.id, node_id: Buffer.from(`REA_${r.id}`).toString('base64'), content: r.content, created_at: r.createdAt,
    user: userJson(env, userOf(env.state, r.user), r.user.endsWith('[bot]') ? 'Bot' : 'User'),
  };
}

function listReactions(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const comment = commentOf(req, repo);
  const reactions = repo.reactions.filter((r) => r.commentId === comment.id && (req.query.content === undefined || r.content === req.query.content));
  const page = paginate(reactions.map((r) => reactionJson(env, r)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

/** Issue comments (list with pages, create, update, delete) and their reactions (create, list). */
export function commentRoutes(): FakeRouteTable {
  return {
    'issues/list-comments': listComments,
    'issues/create-comment': createComment,
    'issues/update-comment': updateComment,
    'issues/delete-comment': deleteComment,
    'reactions/create-for-issue-comment': createReaction,
    'reactions/list-for-issue-comment': listReactions,
  };
}

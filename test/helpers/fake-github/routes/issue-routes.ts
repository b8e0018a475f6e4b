import { createHash } from 'node:crypto';
import { FakeAnswerError, paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { urlPath } from './repo-routes.ts';
import { nextId, userOf, type FakeIssueComment, type FakeRepoState } from '../state.ts';

// GitHub lists at most 3000 files of a pull request.
const PULL_FILES_LIMIT = 3000;

function listPullFiles(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const files = repo.pullFiles.get(Number(req.params.pull_number));
  if (!files) throw new FakeAnswerError(404, 'Not Found');
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const all = files.slice(0, PULL_FILES_LIMIT).map((f) => {
    const sha = createHash('sha1').update(f.filename).digest('hex');
    const at = urlPath(f.filename);
    return {
      sha, filename: f.filename, status: f.status, additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions,
      blob_url: `https://github.com/${repo.owner}/${repo.name}/blob/${sha}/${at}`,
      raw_url: `https://github.com/${repo.owner}/${repo.name}/raw/${sha}/${at}`,
      contents_url: `${api}/contents/${at}?ref=${sha}`,
      ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
    };
  });
  const page = paginate(all, req);
  return { status: 200, body: page.items, headers: page.headers };
}

function listEvents(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const issue = Number(req.params.issue_number);
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const events = (repo.issueEvents.get(issue) ?? []).map((e) => ({
    id: e.id, node_id: Buffer.from(`LE_${e.id}`).toString('base64'), url: `${api}/issues/events/${e.id}`,
    actor: userJson(env, userOf(env.state, e.actor)), event: e.event, commit_id: null, commit_url: null,
    created_at: e.createdAt, performed_via_github_app: null, label: e.label,
  }));
  const page = paginate(events, req);
  return { status: 200, body: page.items, headers: page.headers };
}

function commentJson(env: FakeEnv, repo: FakeRepoState, c: FakeIssueComment) {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    id: c.id, node_id: Buffer.from(`IC_${c.id}`).toString('base64'), url: `${api}/issues/comments/${c.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/pull/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body, user: userJson(env, userOf(env.state, c.user), c.user.endsWith('[bot]') ? 'Bot' : 'User'),
    created_at: c.createdAt, updated_at: c.updatedAt, issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: 'NONE', performed_via_github_app: null,
    reactions: { url: `${api}/issues/comments/${c.id}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 },
  };
}

// The author of what a request writes: the token's user, or the App's bot for an installation.
function authorOf(req: FakeRequest): string {
  return req.identity.kind === 'installation' ? 'previewd[bot]' : 'previewd-user';
}

function listComments(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const issue = Number(req.params.issue_number);
  const since = typeof req.query.since === 'string' ? Date.parse(req.query.since) : Number.NEGATIVE_INFINITY;
  const comments = repo.comments.filter((c) => c.issueNumber === issue && Date.parse(c.updatedAt) >= since);
  const page = paginate(comments.map((c) => commentJson(env, repo, c)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function createComment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const at = env.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const comment: FakeIssueComment = { id: nextId(env.state), issueNumber: Number(req.params.issue_number), body: (req.body as { body: string }).body, user: authorOf(req), createdAt: at, updatedAt: at };
  repo.comments.push(comment);
  const body = commentJson(env, repo, comment);
  return { status: 201, body, headers: { location: body.url } };
}

function updateComment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const comment = repo.comments.find((c) => c.id === Number(req.params.comment_id));
  if (!comment) throw new FakeAnswerError(404, 'Not Found');
  comment.body = (req.body as { body: string }).body;
  comment.updatedAt = env.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { status: 200, body: commentJson(env, repo, comment) };
}

/** Pull request files, issue events, and issue comments (list with pages, create, update). */
export function issueRoutes(): FakeRouteTable {
  return {
    'pulls/list-files': listPullFiles,
    'issues/list-events': listEvents,
    'issues/list-comments': listComments,
    'issues/create-comment': createComment,
    'issues/update-comment': updateComment,
  };
}

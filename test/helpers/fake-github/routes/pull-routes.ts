import { createHash } from 'node:crypto';
import { FakeAnswerError, paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import type { FakePull } from '../pull-state.ts';
import { fullRepositoryJson, ownerType, repositoryJson } from '../repository-json.ts';
import { userOf, type FakeRepoState } from '../state.ts';

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function association(repo: FakeRepoState, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER';
  return repo.roles.has(login.toLowerCase()) ? 'COLLABORATOR' : 'CONTRIBUTOR';
}

function labelJson(env: FakeEnv, repo: FakeRepoState, name: string) {
  const id = Number.parseInt(sha(`${repo.id}:${name}`).slice(0, 8), 16);
  return { id, node_id: Buffer.from(`LA_${id}`).toString('base64'), url: `${env.baseUrl}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`, name, description: '', color: 'ededed', default: false };
}

/** A `pull-request-simple` object, as the list sends it. */
export function pullSimpleJson(env: FakeEnv, repo: FakeRepoState, p: FakePull): Record<string, unknown> {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `https://github.com/${repo.owner}/${repo.name}/pull/${p.number}`;
  const author = userJson(env, userOf(env.state, p.user), p.user.endsWith('[bot]') ? 'Bot' : 'User');
  const headOwner = p.forkOwner ?? repo.owner;
  // A fork is a repository of its own on GitHub; the fake makes up its object from the base's name.
  const headRepo = p.forkOwner === null ? repo : { id: Number.parseInt(sha(`${p.forkOwner}/${repo.name}`).slice(0, 8), 16), owner: p.forkOwner, name: repo.name, private: repo.private, defaultBranch: repo.defaultBranch, fork: true };
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${p.number}`, id: p.id, node_id: Buffer.from(`PR_${p.id}`).toString('base64'), html_url: html,
    diff_url: `${html}.diff`, patch_url: `${html}.patch`, issue_url: `${api}/issues/${p.number}`, commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`, review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`, statuses_url: `${api}/statuses/${p.headSha}`,
    number: p.number, state: p.state, locked: false, title: p.title, user: author, body: null,
    labels: p.labels.map((name) => labelJson(env, repo, name)), milestone: null, active_lock_reason: null,
    created_at: p.createdAt, updated_at: p.updatedAt, closed_at: p.closedAt, merged_at: p.mergedAt,
    merge_commit_sha: p.merged ? sha(`merge ${p.id}`) : null, assignee: null, assignees: [], requested_reviewers: [], requested_teams: [],
    head: { label: `${headOwner}:${p.headRef}`, ref: p.headRef, sha: p.headSha, user: userJson(env, userOf(env.state, headOwner), ownerType(env, headOwner)), repo: repositoryJson(env, headRepo) },
    base: { label: `${repo.owner}:${p.baseRef}`, ref: p.baseRef, sha: sha(`${repo.id}:${p.baseRef}`), user: userJson(env, userOf(env.state, repo.owner), ownerType(env, repo.owner)), repo: repositoryJson(env, repo) },
    _links: {
      self: link(`${api}/pulls/${p.number}`), html: link(html), issue: link(`${api}/issues/${p.number}`), comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`), review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`), statuses: link(`${api}/statuses/${p.headSha}`),
    },
    author_association: association(repo, p.user), auto_merge: null, draft: p.draft,
  };
}

function getPull(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const pull = repo.pulls.get(Number(req.params.pull_number));
  if (!pull) throw new FakeAnswerError(404, 'Not Found');
  const files = repo.pullFiles.get(pull.number) ?? [];
  const body = {
    ...pullSimpleJson(env, repo, pull), merged: pull.merged, mergeable: null, rebaseable: null, mergeable_state: 'unknown', merged_by: null,
    comments: repo.comments.filter((c) => c.issueNumber === pull.number).length, review_comments: 0, maintainer_can_modify: false, commits: 1,
    additions: files.reduce((n, f) => n + f.additions, 0), deletions: files.reduce((n, f) => n + f.deletions, 0), changed_files: files.length,
  };
  return { status: 200, body };
}

function listPulls(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const state = (req.query.state as string | undefined) ?? 'open';
  const sort = (req.query.sort as string | undefined) ?? 'created';
  // GitHub's default direction: desc for created (or no sort), asc otherwise.
  const direction = (req.query.direction as string | undefined) ?? (sort === 'created' ? 'desc' : 'asc');
  const head = req.query.head as string | undefined;
  const base = req.query.base as string | undefined;
  const key = (p: FakePull) => (sort === 'updated' ? p.updatedAt : p.createdAt);
  const pulls = [...repo.pulls.values()]
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => base === undefined || p.baseRef === base)
    .filter((p) => head === undefined || `${p.forkOwner ?? repo.owner}:${p.headRef}`.toLowerCase() === head.toLowerCase())
    .sort((a, b) => (key(a) === key(b) ? a.number - b.number : key(a) < key(b) ? -1 : 1) * (direction === 'desc' ? -1 : 1));
  const page = paginate(pulls.map((p) => pullSimpleJson(env, repo, p)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function getRepo(req: FakeRequest, env: FakeEnv) {
  return { status: 200, body: fullRepositoryJson(env, repoOf(req, env)) };
}

/** Pull requests (one, and the list with state, base, head, sort, pages) and the repository itself. */
export function pullRoutes(): FakeRouteTable {
  return { 'pulls/get': getPull, 'pulls/list': listPulls, 'repos/get': getRepo };
}

import { paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { isoSeconds, nextId, userOf, type FakeCommitStatus, type FakeRepoState } from '../state.ts';
import { authorOf, descriptionTooLong } from './write-rules.ts';

function statusJson(env: FakeEnv, repo: FakeRepoState, s: FakeCommitStatus) {
  const creator = userJson(env, userOf(env.state, s.creator), s.creator.endsWith('[bot]') ? 'Bot' : 'User');
  return {
    url: `${env.baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`, avatar_url: creator.avatar_url as string,
    id: s.id, node_id: Buffer.from(`SC_${s.id}`).toString('base64'), state: s.state, description: s.description,
    target_url: s.targetUrl, context: s.context, created_at: s.createdAt, updated_at: s.updatedAt, creator,
  };
}

function createStatus(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const body = req.body as { state: FakeCommitStatus['state']; target_url?: string | null; description?: string | null; context?: string };
  if (Array.from(body.description ?? '').length > 140) throw descriptionTooLong('Status');
  const at = isoSeconds(env.now());
  const status: FakeCommitStatus = {
    id: nextId(env.state), sha: req.params.sha ?? '', state: body.state, context: body.context ?? 'default',
    description: body.description ?? null, targetUrl: body.target_url ?? null,
    creator: authorOf(req), createdAt: at, updatedAt: at,
  };
  repo.statuses.push(status);
  return { status: 201, body: statusJson(env, repo, status) };
}

function listStatuses(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  // Newest first, as GitHub lists them.
  const mine = repo.statuses.filter((s) => s.sha === req.params.ref).reverse();
  const page = paginate(mine.map((s) => statusJson(env, repo, s)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

/** Commit statuses: create, and list for a ref (by sha). */
export function statusRoutes(): FakeRouteTable {
  return { 'repos/create-commit-status': createStatus, 'repos/list-commit-statuses-for-ref': listStatuses };
}

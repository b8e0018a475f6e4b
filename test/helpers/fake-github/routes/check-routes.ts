import { paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { repositoryJson } from '../repository-json.ts';
import { userOf, type FakeCheckRun, type FakeCommitStatus, type FakeRepoState } from '../state.ts';
import { pullSimpleJson } from './pull-routes.ts';

// GitHub Actions' own app (id 15368), as check runs name it.
const APPS: Record<string, { id: number; name: string; owner: string }> = {
  'github-actions': { id: 15368, name: 'GitHub Actions', owner: 'github' },
};

function appJson(env: FakeEnv, slug: string): Record<string, unknown> {
  const app = APPS[slug] ?? { id: 90000 + slug.length, name: slug, owner: 'ci-vendor' };
  return {
    id: app.id, slug, node_id: Buffer.from(`MDM6QXBw${app.id}`).toString('base64'),
    owner: userJson(env, userOf(env.state, app.owner), 'Organization'), name: app.name, description: '',
    external_url: `https://github.com/apps/${slug}`, html_url: `https://github.com/apps/${slug}`,
    created_at: '2018-07-30T09:30:17Z', updated_at: '2024-04-10T20:33:16Z',
    permissions: { actions: 'write', checks: 'write', contents: 'write', metadata: 'read', pull_requests: 'write', statuses: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'push', 'workflow_run'],
  };
}

// `pull-request-minimal`: the open pull requests of this repository whose head is the run's sha
// (GitHub leaves out pull requests from forks).
function pullsOf(env: FakeEnv, repo: FakeRepoState, sha: string): Record<string, unknown>[] {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return [...repo.pulls.values()]
    .filter((p) => p.headSha === sha && p.state === 'open' && p.forkOwner === null)
    .map((p) => ({ id: p.id, number: p.number, url: `${api}/pulls/${p.number}`, head: { ref: p.headRef, sha: p.headSha, repo: repoRef }, base: { ref: p.baseRef, sha: p.headSha, repo: repoRef } }));
}

function checkRunJson(env: FakeEnv, repo: FakeRepoState, run: FakeCheckRun): Record<string, unknown> {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const html = `https://github.com/${repo.owner}/${repo.name}/actions/runs/${run.suiteId}/job/${run.id}`;
  return {
    id: run.id, head_sha: run.sha, node_id: Buffer.from(`CR_${run.id}`).toString('base64'), external_id: String(run.id),
    url: `${api}/check-runs/${run.id}`, html_url: html, details_url: html, status: run.status, conclusion: run.conclusion,
    started_at: run.startedAt, completed_at: run.completedAt,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${api}/check-runs/${run.id}/annotations` },
    name: run.name, check_suite: { id: run.suiteId }, app: appJson(env, run.app), pull_requests: pullsOf(env, repo, run.sha),
  };
}

// `filter=latest` (the default): the most recent run of each name per app, as re-runs leave several.
function latest(runs: readonly FakeCheckRun[]): FakeCheckRun[] {
  const byKey = new Map<string, FakeCheckRun>();
  for (const run of runs) byKey.set(`${run.app}\u0000${run.name}`, run);
  return [...byKey.values()];
}

function listForRef(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const ref = req.params.ref ?? '';
  let runs = repo.checkRuns.filter((r) => r.sha === ref);
  if (req.query.filter !== 'all') runs = latest(runs);
  if (req.query.check_name !== undefined) runs = runs.filter((r) => r.name === req.query.check_name);
  if (req.query.status !== undefined) runs = runs.filter((r) => r.status === req.query.status);
  // Newest first.
  runs = [...runs].sort((a, b) => b.id - a.id);
  const page = paginate(runs.map((r) => checkRunJson(env, repo, r)), req);
  return { status: 200, body: { total_count: runs.length, check_runs: page.items }, headers: page.headers };
}

function simpleStatusJson(env: FakeEnv, repo: FakeRepoState, s: FakeCommitStatus): Record<string, unknown> {
  const creator = userJson(env, userOf(env.state, s.creator), s.creator.endsWith('[bot]') ? 'Bot' : 'User');
  return {
    id: s.id, node_id: Buffer.from(`SC_${s.id}`).toString('base64'), state: s.state, description: s.description, target_url: s.targetUrl,
    context: s.context, avatar_url: creator.avatar_url, url: `${env.baseUrl}/repos/${repo.owner}/${repo.name}/statuses/${s.sha}`,
    created_at: s.createdAt, updated_at: s.updatedAt,
  };
}

// The combined state: failure if any context failed or errored, pending if any is pending (or none
// exists), success when all succeeded. Each context counts by its newest status.
function combinedStatus(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const ref = req.params.ref ?? '';
  const newest = new Map<string, FakeCommitStatus>();
  for (const s of repo.statuses.filter((x) => x.sha === ref)) newest.set(s.context, s);
  const statuses = [...newest.values()].sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
  const states = statuses.map((s) => s.state);
  const state = states.some((s) => s === 'failure' || s === 'error') ? 'failure' : states.length === 0 || states.includes('pending') ? 'pending' : 'success';
  const page = paginate(statuses.map((s) => simpleStatusJson(env, repo, s)), req);
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    status: 200,
    body: { state, statuses: page.items, sha: ref, total_count: statuses.length, repository: repositoryJson(env, repo), commit_url: `${api}/commits/${ref}`, url: `${api}/commits/${ref}/status` },
    headers: page.headers,
  };
}

// The pull requests whose head is the commit (a commit of the default branch would also list the
// merged pull request that brought it; previewd asks only for heads).
function pullsForCommit(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const sha = req.params.commit_sha ?? '';
  const pulls = [...repo.pulls.values()].filter((p) => p.headSha === sha).sort((a, b) => b.number - a.number);
  const page = paginate(pulls.map((p) => pullSimpleJson(env, repo, p)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

/** Check runs and the combined status of a commit, and the pull requests of a commit. */
export function checkRoutes(): FakeRouteTable {
  return {
    'checks/list-for-ref': listForRef,
    'repos/get-combined-status-for-ref': combinedStatus,
    'repos/list-pull-requests-associated-with-commit': pullsForCommit,
  };
}

import { createHash } from 'node:crypto';
import { FakeAnswerError, paginate, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { isoSeconds, nextId, userOf, type DeploymentState, type FakeDeployment, type FakeDeploymentStatus, type FakeRepoState } from '../state.ts';
import { authorOf, descriptionTooLong } from './write-rules.ts';

function deploymentJson(env: FakeEnv, repo: FakeRepoState, d: FakeDeployment) {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${api}/deployments/${d.id}`, id: d.id, node_id: Buffer.from(`DE_${d.id}`).toString('base64'), sha: d.sha, ref: d.ref, task: d.task,
    payload: d.payload, original_environment: d.environment, environment: currentEnvironment(d), description: d.description,
    creator: userJson(env, userOf(env.state, d.creator), d.creator.endsWith('[bot]') ? 'Bot' : 'User'), created_at: d.createdAt, updated_at: d.updatedAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`, repository_url: api, transient_environment: d.transient, production_environment: d.production,
    performed_via_github_app: null,
  };
}

function statusJson(env: FakeEnv, repo: FakeRepoState, s: FakeDeploymentStatus) {
  const api = `${env.baseUrl}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${api}/deployments/${s.deploymentId}/statuses/${s.id}`, id: s.id, node_id: Buffer.from(`DES_${s.id}`).toString('base64'), state: s.state,
    creator: userJson(env, userOf(env.state, s.creator), s.creator.endsWith('[bot]') ? 'Bot' : 'User'), description: s.description,
    environment: s.environment, target_url: s.logUrl, created_at: s.createdAt, updated_at: s.createdAt, deployment_url: `${api}/deployments/${s.deploymentId}`,
    repository_url: api, environment_url: s.environmentUrl, log_url: s.logUrl, performed_via_github_app: null,
  };
}

// A status may move a deployment to another environment; the latest status says where it is.
function currentEnvironment(d: FakeDeployment): string {
  return d.statuses.at(-1)?.environment ?? d.environment;
}

function deploymentOf(req: FakeRequest, repo: FakeRepoState): FakeDeployment {
  const deployment = repo.deployments.find((d) => d.id === Number(req.params.deployment_id));
  if (!deployment) throw new FakeAnswerError(404, 'Not Found');
  return deployment;
}

// The fake keeps no commit graph: a full sha is taken as existing; a branch or tag must have files.
function resolveRef(repo: FakeRepoState, ref: string): string {
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  if (ref === repo.defaultBranch || repo.files.has(ref)) return createHash('sha1').update(`ref ${ref}`).digest('hex');
  throw new FakeAnswerError(422, `No ref found for: ${ref}`);
}

// A string payload is JSON text, which GitHub stores parsed.
function payloadOf(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload ?? {};
  if (payload === '') return {};
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    throw new FakeAnswerError(422, 'Validation Failed', { errors: [{ resource: 'Deployment', code: 'custom', field: 'payload', message: 'payload is not valid JSON' }] });
  }
}

interface CreateDeploymentBody {
  ref: string; task?: string; auto_merge?: boolean; required_contexts?: string[]; payload?: unknown; environment?: string;
  description?: string | null; transient_environment?: boolean; production_environment?: boolean;
}

function createDeployment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const body = req.body as CreateDeploymentBody;
  const sha = resolveRef(repo, body.ref);
  // Without required_contexts GitHub demands every context on the commit be success (its latest state).
  const latest = new Map<string, string>();
  for (const s of repo.statuses.filter((s) => s.sha === sha)) latest.set(s.context, s.state);
  const required = body.required_contexts ?? [...latest.keys()];
  const failing = required.filter((context) => latest.get(context) !== 'success');
  if (failing.length) {
    const contexts = failing.map((context) => ({ context, state: latest.get(context) ?? 'missing' }));
    throw new FakeAnswerError(409, `Conflict: Commit status checks failed for ${body.ref}.`, { errors: [{ contexts, resource: 'Deployment', field: 'required_contexts', code: 'invalid' }] });
  }
  const environment = body.environment ?? 'production';
  const at = isoSeconds(env.now());
  const deployment: FakeDeployment = {
    id: nextId(env.state), sha, ref: body.ref, task: body.task ?? 'deploy', environment, description: body.description ?? '',
    payload: payloadOf(body.payload),
    transient: body.transient_environment ?? false, production: body.production_environment ?? environment === 'production',
    creator: authorOf(req), createdAt: at, updatedAt: at, statuses: [],
  };
  repo.deployments.push(deployment);
  return { status: 201, body: deploymentJson(env, repo, deployment) };
}

function listDeployments(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const q = req.query;
  const matching = repo.deployments.filter((d) => (q.sha === undefined || d.sha === q.sha) && (q.ref === undefined || d.ref === q.ref)
    && (q.task === undefined || d.task === q.task) && (q.environment === undefined || currentEnvironment(d) === q.environment));
  // Newest first, as GitHub lists them.
  const page = paginate([...matching].reverse().map((d) => deploymentJson(env, repo, d)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

function getDeployment(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  return { status: 200, body: deploymentJson(env, repo, deploymentOf(req, repo)) };
}

interface CreateStatusBody {
  state: DeploymentState; target_url?: string; log_url?: string; description?: string; environment?: string; environment_url?: string; auto_inactive?: boolean;
}

function addStatus(env: FakeEnv, deployment: FakeDeployment, fields: Omit<FakeDeploymentStatus, 'id' | 'deploymentId' | 'createdAt'>): FakeDeploymentStatus {
  const status: FakeDeploymentStatus = { id: nextId(env.state), deploymentId: deployment.id, createdAt: isoSeconds(env.now()), ...fields };
  deployment.statuses.push(status);
  deployment.updatedAt = status.createdAt;
  return status;
}

function createStatus(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const deployment = deploymentOf(req, repo);
  const body = req.body as CreateStatusBody;
  const description = body.description ?? '';
  if (Array.from(description).length > 140) throw descriptionTooLong('DeploymentStatus');
  const environment = body.environment ?? currentEnvironment(deployment);
  const logUrl = body.log_url ?? body.target_url ?? '';
  const status = addStatus(env, deployment, { state: body.state, description, environment, environmentUrl: body.environment_url ?? '', logUrl, creator: authorOf(req) });
  // GitHub's "inactive deployments" rule: a success retires the environment's earlier successful
  // deployments, only the non-transient, non-production ones, unless auto_inactive is false.
  if (body.state === 'success' && body.auto_inactive !== false) {
    for (const prior of repo.deployments) {
      if (prior.id >= deployment.id || prior.transient || prior.production || currentEnvironment(prior) !== environment) continue;
      const last = prior.statuses.at(-1);
      if (last?.state !== 'success') continue;
      addStatus(env, prior, { state: 'inactive', description: '', environment, environmentUrl: last.environmentUrl, logUrl: last.logUrl, creator: status.creator });
    }
  }
  return { status: 201, body: statusJson(env, repo, status) };
}

function listStatuses(req: FakeRequest, env: FakeEnv) {
  const repo = repoOf(req, env);
  const deployment = deploymentOf(req, repo);
  // Newest first, as GitHub lists them.
  const page = paginate([...deployment.statuses].reverse().map((s) => statusJson(env, repo, s)), req);
  return { status: 200, body: page.items, headers: page.headers };
}

/** Deployments and their statuses: create, list, get; statuses honour `auto_inactive`. */
export function deploymentRoutes(): FakeRouteTable {
  return {
    'repos/create-deployment': createDeployment,
    'repos/list-deployments': listDeployments,
    'repos/get-deployment': getDeployment,
    'repos/create-deployment-status': createStatus,
    'repos/list-deployment-statuses': listStatuses,
  };
}

import { randomBytes } from 'node:crypto';
import { FakeAnswerError, repoOf, userJson, type FakeEnv, type FakeRequest, type FakeRouteTable } from '../answers.ts';
import { userOf, type FakeApp } from '../state.ts';

const PERMISSIONS = { contents: 'read', metadata: 'read', pull_requests: 'read', issues: 'write', statuses: 'write', deployments: 'write' };

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function callingApp(req: FakeRequest, env: FakeEnv): FakeApp {
  // The server lets only a valid App JWT reach these routes.
  const app = req.identity.kind === 'app' ? env.state.apps.get(req.identity.appId) : undefined;
  if (!app) throw new FakeAnswerError(401, 'A JSON web token could not be decoded');
  return app;
}

function installationJson(env: FakeEnv, app: FakeApp, id: number, account: string) {
  const owner = userOf(env.state, account);
  const created = iso(new Date(0));
  return {
    id, app_id: app.appId, app_slug: app.slug, client_id: `Iv1.${app.appId}`, target_id: owner.id, target_type: 'Organization',
    account: userJson(env, owner, 'Organization'), repository_selection: 'all',
    access_tokens_url: `${env.baseUrl}/app/installations/${id}/access_tokens`, repositories_url: `${env.baseUrl}/installation/repositories`,
    html_url: `https://github.com/organizations/${account}/settings/installations/${id}`,
    events: ['pull_request', 'issue_comment'], permissions: PERMISSIONS, created_at: created, updated_at: created,
    single_file_name: null, suspended_by: null, suspended_at: null,
  };
}

function createAccessToken(req: FakeRequest, env: FakeEnv) {
  const app = callingApp(req, env);
  const installationId = Number(req.params.installation_id);
  if (!app.installations.has(installationId)) throw new FakeAnswerError(404, 'Not Found');
  const token = `ghs_${randomBytes(27).toString('base64url').slice(0, 36)}`;
  const expiresAt = env.now().getTime() + 60 * 60 * 1000;
  env.state.installationTokens.set(token, { installationId, expiresAt });
  return { status: 201, body: { token, expires_at: iso(new Date(expiresAt)), permissions: PERMISSIONS, repository_selection: 'all' } };
}

function getRepoInstallation(req: FakeRequest, env: FakeEnv) {
  const app = callingApp(req, env);
  const repo = repoOf(req, env);
  const id = repo.installationId;
  if (id === undefined || !app.installations.has(id)) throw new FakeAnswerError(404, 'Not Found');
  return { status: 200, body: installationJson(env, app, id, app.installations.get(id) ?? repo.owner) };
}

// The App's installation on an account: `/orgs/{org}/installation` only for an organization.
function accountInstallation(kind: 'org' | 'user') {
  return (req: FakeRequest, env: FakeEnv) => {
    const app = callingApp(req, env);
    const login = (kind === 'org' ? req.params.org : req.params.username) ?? '';
    if (kind === 'org' && !env.state.orgs.has(login.toLowerCase())) throw new FakeAnswerError(404, 'Not Found');
    const found = [...app.installations].find(([, account]) => account.toLowerCase() === login.toLowerCase());
    if (!found) throw new FakeAnswerError(404, 'Not Found');
    return { status: 200, body: installationJson(env, app, found[0], found[1]) };
  };
}

/** GitHub App routes: installation tokens, and the installation on a repository or an account. */
export function appRoutes(): FakeRouteTable {
  return {
    'apps/create-installation-access-token': createAccessToken,
    'apps/get-repo-installation': getRepoInstallation,
    'apps/get-org-installation': accountInstallation('org'),
    'apps/get-user-installation': accountInstallation('user'),
  };
}

import { ForgeError, type DeploymentInput, type DeploymentStatusInput, type RepoRef } from '../../ports/forge.ts';
import type { GitHubClient } from './create-octokit.ts';
import { fitDescription } from '../../domain/fit-description.ts';

/**
 * Whether previewd's Deployments are marked transient. GitHub documents `auto_inactive` as reaching only
 * "prior non-transient, non-production environment deployments" of the environment, and users report
 * that transient ones stay active: with `transient_environment: true` every push would leave one more
 * Deployment active, or cost a request to deactivate the last one. So they are non-transient, and the
 * environment being per pull request keeps one active Deployment per PR at no extra request.
 */
export const TRANSIENT_DEPLOYMENTS = false;

/**
 * Creates a Deployment of `input.sha` (one POST). `required_contexts: []` deploys whatever the commit
 * statuses say (GitHub otherwise answers 409 while any context, previewd's own pending status included,
 * is not success), and `auto_merge: false` never merges the default branch into the pull request.
 * A 202 answer (GitHub merged a branch instead of deploying) is a transient ForgeError: asking again deploys.
 */
export async function createDeployment(octokit: GitHubClient, repo: RepoRef, input: DeploymentInput, action: string): Promise<number> {
  const answer = await octokit.rest.repos.createDeployment({
    owner: repo.owner,
    repo: repo.repo,
    ref: input.sha,
    environment: input.environment,
    description: input.description,
    transient_environment: TRANSIENT_DEPLOYMENTS,
    production_environment: false,
    auto_merge: false,
    required_contexts: [],
  });
  const data: { id?: unknown; message?: unknown } = answer.data;
  if (typeof data.id !== 'number') {
    const said = typeof data.message === 'string' ? ` (${data.message})` : '';
    throw new ForgeError(`${action} failed: GitHub answered ${answer.status}${said} without creating it. This is usually temporary; previewd retries.`, true, answer.status);
  }
  return data.id;
}

/**
 * The newest Deployment of `sha` in `environment`, or null (one GET, newest first as GitHub lists them).
 * Asked before creating one whenever previewd has no memory of it: after a crash between GitHub's 201
 * and previewd remembering the id, the next start finds it instead of making a second Deployment.
 */
export async function findDeployment(octokit: GitHubClient, repo: RepoRef, input: Pick<DeploymentInput, 'sha' | 'environment'>): Promise<number | null> {
  const answer = await octokit.rest.repos.listDeployments({ owner: repo.owner, repo: repo.repo, sha: input.sha, environment: input.environment, per_page: 1 });
  return answer.data[0]?.id ?? null;
}

/**
 * Adds a status to a Deployment (one POST). A success sets `auto_inactive`, so the environment's earlier
 * successful Deployments turn inactive with no request of their own; every other state sets it false,
 * since a failing or starting Deployment must not retire the one still serving the preview.
 */
export async function setDeploymentStatus(octokit: GitHubClient, repo: RepoRef, deploymentId: number, input: DeploymentStatusInput): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    owner: repo.owner,
    repo: repo.repo,
    deployment_id: deploymentId,
    state: input.state,
    description: fitDescription(input.description),
    auto_inactive: input.state === 'success',
    ...(input.environmentUrl === undefined ? {} : { environment_url: input.environmentUrl }),
    ...(input.logUrl === undefined ? {} : { log_url: input.logUrl }),
  });
}

import type { ForgeReports } from '../../ports/forge.ts';
import { createDeployment, findDeployment, setDeploymentStatus } from './deployments.ts';
import { fitDescription } from '../../domain/fit-description.ts';
import { repoName, type ForgeCall } from './forge-call.ts';
import { upsertComment } from './upsert-comment.ts';

// What each report needs, for a 403's hint.
const COMMENT_ACCESS = 'write access to Issues and Pull requests';
const DEPLOYMENT_ACCESS = 'write access to Deployments';
const STATUS_ACCESS = 'write access to Commit statuses';

function short(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * Reporting into pull requests on GitHub's REST API: previewd's comment, Deployments and their statuses,
 * and commit statuses. Every failure leaves `call` as a ForgeError naming what was being written.
 */
export function createForgeReports(call: ForgeCall, perPage: number): ForgeReports {
  return {
    upsertComment(repo, pr, marker, body, ctx) {
      const options = { perPage, ...(ctx?.knownId === undefined ? {} : { knownId: ctx.knownId }), ...(ctx?.searchFirst === undefined ? {} : { searchFirst: ctx.searchFirst }) };
      return call(`writing previewd's comment on ${repoName(repo)}#${pr}`, repo, ctx, (octokit) => upsertComment(octokit, repo, pr, marker, body, options), COMMENT_ACCESS);
    },

    findDeployment(repo, input, ctx) {
      const action = `looking for a Deployment of ${short(input.sha)} to ${input.environment} on ${repoName(repo)}`;
      return call(action, repo, ctx, (octokit) => findDeployment(octokit, repo, input), DEPLOYMENT_ACCESS);
    },

    createDeployment(repo, input, ctx) {
      const action = `creating a Deployment of ${short(input.sha)} to ${input.environment} on ${repoName(repo)}`;
      return call(action, repo, ctx, (octokit) => createDeployment(octokit, repo, input, action), DEPLOYMENT_ACCESS);
    },

    setDeploymentStatus(repo, deploymentId, input, ctx) {
      const action = `setting Deployment ${deploymentId} of ${repoName(repo)} to ${input.state}`;
      return call(action, repo, ctx, (octokit) => setDeploymentStatus(octokit, repo, deploymentId, input), DEPLOYMENT_ACCESS);
    },

    setCommitStatus(repo, sha, input, ctx) {
      const action = `setting the ${input.context} status of ${repoName(repo)}@${short(sha)} to ${input.state}`;
      return call(action, repo, ctx, async (octokit) => {
        await octokit.rest.repos.createCommitStatus({
          owner: repo.owner,
          repo: repo.repo,
          sha,
          state: input.state,
          context: input.context,
          description: fitDescription(input.description),
          ...(input.targetUrl === undefined ? {} : { target_url: input.targetUrl }),
        });
      }, STATUS_ACCESS);
    },
  };
}

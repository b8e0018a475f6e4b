import type { AppRegistration, ServiceConfig } from '../domain/config-types.ts';
import type { EnvRef } from '../domain/environment.ts';
import type { BuildFact } from '../domain/plan-types.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';
import { effectiveWaitFor } from '../domain/wait-for.ts';
import type { ForgeContext } from '../ports/forge.ts';
import { checkBuild } from './check-build.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';

/**
 * The head sha's build, for an app with `waitFor` whose head is not the sha deployed: its check runs
 * and statuses (conditional requests: an unchanged answer costs no rate limit), then its images. The
 * wait counts from when previewd first held this sha (the build line remembers), else from now.
 */
export async function gatherBuild(
  deps: Pick<ReconcileDeps, 'checks' | 'images' | 'builds' | 'now'>, env: EnvRef, pull: PullRequestSnapshot, service: ServiceConfig,
  app: AppRegistration, deployedSha: string | undefined, ctx: ForgeContext,
): Promise<BuildFact | null> {
  const wait = effectiveWaitFor(service, app);
  const sha = pull.headSha.toLowerCase();
  if (wait === null || deployedSha?.toLowerCase() === sha) return null;
  if (wait.checks.length > 0 && deps.checks === null) {
    return { sha, unavailable: `waitFor lists checks, but previewd has no GitHub access to read them (set GITHUB_TOKEN or a GitHub App); nothing is deployed until it can` };
  }
  const held = deps.builds.get(env);
  const now = deps.now();
  const startedAt = held?.sha === sha ? held.since : now;
  const { outcome } = await checkBuild({ checks: deps.checks, registry: deps.images }, {
    repo: { owner: env.owner, repo: env.repo }, pr: env.pr, sha, app, wait, startedAt, now, ctx,
  });
  return { sha, outcome };
}

import type { AppRegistration, ServiceConfig } from './config-types.ts';
import type { Plan, PlanFacts } from './plan-types.ts';
import { effectiveWaitFor } from './wait-for.ts';

type HoldPlan = Extract<Plan, { kind: 'hold' }>;

/**
 * The `waitFor` rule: a head sha is deployed only once its build passed. Null when nothing holds it
 * (no wait applies, the sha is the one deployed, or the build passed); otherwise a hold — `building`
 * while checks are pending, `failed` when one failed, the wait timed out, or previewd cannot ask
 * GitHub. Nothing is committed for a held sha, so an existing environment keeps what it runs.
 */
export function holdForBuild(facts: Pick<PlanFacts, 'build' | 'previous'>, service: ServiceConfig, app: AppRegistration, headSha: string, firstReport: boolean): HoldPlan | null {
  if (effectiveWaitFor(service, app) === null) return null;
  // The sha already deployed passed its wait when it was: a resync or a lifecycle change is no new build.
  if (facts.previous?.sha !== undefined && facts.previous.sha.toLowerCase() === headSha.toLowerCase()) return null;
  const build = facts.build;
  const hold = (state: HoldPlan['state'], reason: string, view: HoldPlan['build']): HoldPlan => ({ kind: 'hold', sha: headSha, state, reason, build: view, firstReport });
  // Not asked about this sha (a gather that did not reach GitHub): never deployed unchecked.
  if (build === null || build.sha.toLowerCase() !== headSha.toLowerCase()) return hold('failed', 'previewd could not check the build of this commit; it is not deployed until it can', null);
  if ('unavailable' in build) return hold('failed', build.unavailable, null);
  const { outcome } = build;
  if (outcome.deploy) return null;
  const state = outcome.state ?? 'building';
  const detail = outcome.detail ?? '';
  const reason = state === 'building' ? `waiting for build: ${detail}` : outcome.build?.verdict === 'timed-out' ? `build ${detail}` : `build failed: ${detail}`;
  return hold(state, reason, outcome.build);
}

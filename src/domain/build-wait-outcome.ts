import type { AppRegistration } from './config-types.ts';
import type { BuildVerdict } from './build-verdict.ts';
import { buildWaitDetail, type BuildWaitView } from './render-build-wait.ts';

/**
 * What a verdict means for the plan and the report: whether the sha may be deployed now, and what the
 * PR hears. `state` null on a pass: the plan goes on as without a wait (commit, then `committed`…).
 * `detail` follows the state's commit-status description ("Preview waiting for build: build").
 */
export interface BuildWaitOutcome {
  deploy: boolean;
  state: 'building' | 'failed' | null;
  build: BuildWaitView | null;
  detail: string | null;
}

export function buildWaitOutcome(verdict: BuildVerdict, wait: { sha: string; startedAt: Date; timeout: string }): BuildWaitOutcome {
  if (verdict.verdict === 'pass') return { deploy: true, state: null, build: null, detail: null };
  const build: BuildWaitView = verdict.verdict === 'fail'
    ? { verdict: 'fail', failed: verdict.failed, sha: wait.sha }
    : { verdict: verdict.verdict, pending: verdict.pending, since: wait.startedAt.toISOString(), deadline: verdict.deadline, timeout: wait.timeout, sha: wait.sha };
  return { deploy: false, state: verdict.verdict === 'wait' ? 'building' : 'failed', build, detail: buildWaitDetail(build) };
}

/** The image tag a PR's build pushes for `sha` (the app's `tagFormat`), as the overlay retags to it. */
export function imageTag(app: Pick<AppRegistration, 'tagFormat'>, sha: string, pr: number): string {
  return app.tagFormat.replaceAll('{sha}', sha).replaceAll('{short}', sha.slice(0, 7)).replaceAll('{pr}', String(pr));
}

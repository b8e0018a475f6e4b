import { carriedFields } from './carried-fields.ts';
import { PREVIEW_CONFIG_FILE } from './config-problem.ts';
import { decidePreview, DEFAULT_PREVIEW_LABEL } from './decide-preview.ts';
import { envFolder } from './environment.ts';
import { notAllowedReason } from './repo-allowed.ts';
import { commitMeta, isPreserved, skip, standingReason, standingRecord } from './plan-helpers.ts';
import { holdForBuild } from './plan-build-wait.ts';
import { renderChanges } from './plan-render.ts';
import type { FolderRecord } from './folder-record.ts';
import type { Plan, PlanFacts, PlannedState, Trigger } from './plan-types.ts';
import type { ServiceConfig } from './config-types.ts';
import { touchesPaths } from './touches-paths.ts';

type SyncTrigger = Extract<Trigger, { kind: 'sync' }>;

/**
 * The environment as its pull request asks for it now: every rule of DESIGN.md for PR-driven work, in
 * the order they apply. `forced` (a `/preview redeploy`) overrules a commit whose word would stand.
 */
export function planSync(facts: PlanFacts, service: ServiceConfig, trigger: SyncTrigger, forced = false): Plan {
  const { env, app, current, previous } = facts;
  const pr = trigger.snapshot;
  const exists = current !== null;
  // Outside ALLOWED_REPOS nothing is deployed; an environment made before the list was narrowed may
  // still be destroyed by its PR's close (removing is always safe).
  if (!facts.allowed && !exists) return skip(notAllowedReason(env.owner, env.repo), 'refused', 'skipped');
  const config = facts.config?.ok ? facts.config.value : null;
  const paths = config?.paths?.length ? config.paths : null;
  const decision = decidePreview({
    snapshot: pr, app, policy: service.policy, previewLabel: DEFAULT_PREVIEW_LABEL, labelApproved: facts.labelApproved,
    touchesPaths: paths && facts.changedFiles ? touchesPaths(paths, facts.changedFiles) : null, exists,
  });
  if (!facts.allowed && decision.kind === 'deploy') return skip(notAllowedReason(env.owner, env.repo), 'refused', 'skipped');
  if (decision.kind === 'none') return skip(decision.reason, 'unchanged', 'skipped');
  if (decision.kind === 'destroy' && isPreserved(previous, facts.now)) {
    return skip(`preserved until ${previous?.preservedUntil ?? ''}: kept past the pull request's close`, 'unchanged', 'skipped');
  }
  const standing = forced ? null : standingRecord(facts, trigger);
  if (standing) {
    return skip(standingReason(standing), 'unchanged', standingState(standing), { standing });
  }
  if (decision.kind === 'destroy') return destroy(facts, trigger, decision.reason);
  if (app === null) return skip('the repository is not registered in previewd.yaml', 'refused', 'skipped');
  if (facts.config === null) return skip(`previewd could not read ${PREVIEW_CONFIG_FILE}`, 'refused', 'failed');
  if (!facts.config.ok) return skip(`${PREVIEW_CONFIG_FILE} asks for what the policy does not allow`, 'refused', 'refused', { problems: facts.config.problems });
  if (!facts.config.value.enabled) {
    const reason = `previews are turned off in ${PREVIEW_CONFIG_FILE}`;
    return exists ? destroy(facts, trigger, reason) : skip(reason, 'unchanged', 'skipped');
  }
  // Before the slot: a build still running (or failed) takes no place among the app's previews.
  const held = holdForBuild(facts, service, app, pr.headSha, !exists && trigger.cause === 'pull_request.opened');
  if (held !== null) return held;
  if (!exists) {
    const limit = app.maxPreviews ?? service.defaults.maxPreviews;
    const name = app.name ?? app.repo;
    if (facts.running >= limit) {
      const place = facts.waitingAhead + 1;
      return { kind: 'wait', app: name, limit, place, reason: `waiting for a free slot: ${name} runs its maximum of ${limit} previews; place ${place} in line` };
    }
  }
  const outcome = renderChanges(facts, service, app, facts.config.value, {
    sha: pr.headSha, branch: pr.headRef, author: pr.author, ...carriedFields(previous),
  });
  if (!outcome.ok) return skip(outcome.reason, 'refused', 'refused', { problems: outcome.problems });
  const { rendered, changes } = outcome;
  if (changes.length === 0) {
    return skip('the environment already is what the pull request asks for', 'unchanged', rendered.preview.sleeping ? 'sleeping' : 'committed', { unchanged: true, preview: rendered.preview });
  }
  return {
    kind: 'commit', changes, preview: rendered.preview, state: rendered.preview.sleeping ? 'sleeping' : 'committed',
    meta: commitMeta(facts, trigger, exists ? 'update' : 'create', { sha: pr.headSha, id: rendered.preview.id }),
    leavesLine: !exists, firstReport: !exists && trigger.cause === 'pull_request.opened',
  };
}

// What the PR hears while a commit's word stands: the environment is as that commit left it.
function standingState(record: FolderRecord): PlannedState {
  if (record.action === 'manual' || record.action === 'rollback') return 'rolled-back';
  return record.action === 'destroy' || record.action === 'expire' ? 'destroyed' : 'skipped';
}

/** Removes the folder in one commit; the app's first waiting PR may then take the slot. */
export function destroy(facts: PlanFacts, trigger: Trigger, reason: string, action: 'destroy' | 'expire' = 'destroy'): Plan {
  const sha = facts.previous?.sha ?? (trigger.kind === 'sync' ? trigger.snapshot.headSha : facts.pull?.headSha);
  return {
    kind: 'destroy', reason,
    meta: { ...commitMeta(facts, trigger, action, { sha, reason }), },
    freesSlotOf: facts.app ? (facts.app.name ?? facts.app.repo) : null,
  };
}

/** The folder a plan writes to (for apply's delete). */
export function folderOf(facts: Pick<PlanFacts, 'env'>): string {
  return envFolder(facts.env);
}

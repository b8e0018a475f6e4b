import { formatProblem } from './config-problem.ts';
import { planAction } from './plan-action.ts';
import { skip } from './plan-helpers.ts';
import { planSync } from './plan-sync.ts';
import type { Plan, PlanFacts, Trigger } from './plan-types.ts';

export type { Plan, PlanFacts, PlannedAnswer, PlannedState, RollbackTarget, Trigger } from './plan-types.ts';

/**
 * What one environment should become, decided from its facts and what asked: the executable form of
 * DESIGN.md's rules (registration, allowlist, drafts, forks and labels, paths, enabled, policy, quota
 * and the waiting line, sticky human commits, preserve, TTL and expiry, sleep and wake, rollback,
 * commands). Pure: the reconciler gathers the facts and applies the plan; nothing else decides.
 */
export function plan(facts: PlanFacts, trigger: Trigger): Plan {
  if (!facts.service.ok) {
    // Retrying cannot fix it: reported (in the PR and the log), and nothing changes until it is fixed.
    return skip(`previewd.yaml in the GitOps repository is invalid; no preview changes until it is fixed:\n${facts.service.problems.map(formatProblem).join('\n')}`, 'refused', 'failed', { problems: facts.service.problems });
  }
  const service = facts.service.value;
  return trigger.kind === 'sync' ? planSync(facts, service, trigger) : planAction(facts, service, trigger);
}

import { PREVIEW_CONFIG_FILE } from './config-problem.ts';
import type { ServiceConfig } from './config-types.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { commitMeta, defaultTtlMs, keptUntil, skip } from './plan-helpers.ts';
import { renderChanges } from './plan-render.ts';
import { planRollback } from './plan-rollback.ts';
import { destroy, planSync } from './plan-sync.ts';
import type { Plan, PlanFacts, Trigger } from './plan-types.ts';

type ActionTrigger = Extract<Trigger, { kind: 'action' }>;

const DEFAULT_PRESERVE = '48h';

function notFound(facts: PlanFacts): Plan {
  return skip(`there is no preview environment for ${facts.env.owner}/${facts.env.repo}#${facts.env.pr}`, 'not-found', null);
}

/** One explicit action (a command, an API write, the TTL). Permission is checked before; a command's word wins. */
export function planAction(facts: PlanFacts, service: ServiceConfig, trigger: ActionTrigger): Plan {
  const { action } = trigger;
  switch (action.kind) {
    case 'help':
      return skip('help', 'unchanged', null);
    case 'destroy':
      return facts.current ? destroy(facts, trigger, `destroyed by ${trigger.actor} (${trigger.cause})`) : notFound(facts);
    case 'expire': {
      let until = keptUntil(facts.previous);
      // A folder a person restored or edited by hand (a revert of a destroy) is adopted: its time to
      // live counts from that commit, not from the preview.json it brought back.
      const last = facts.records[0];
      if (last?.action === 'manual') until = Math.max(until, Date.parse(last.time) + defaultTtlMs(facts));
      if (!facts.current || until > facts.now.getTime()) return skip('not expired', 'unchanged', null);
      return destroy(facts, trigger, 'its time to live ran out', 'expire');
    }
    case 'preserve': {
      const wanted = parseDuration(action.duration ?? DEFAULT_PRESERVE);
      const cap = parseDuration(service.policy.maxTtl) ?? Number.POSITIVE_INFINITY;
      if (wanted === null) return skip(`${JSON.stringify(action.duration)} is not a duration: write e.g. 48h, 7d or 30m`, 'refused', null);
      if (wanted > cap) return skip(`the policy allows preserving for at most ${formatDuration(cap)}`, 'refused', null);
      return rerender(facts, service, trigger, { preservedUntil: new Date(facts.now.getTime() + wanted).toISOString() }, 'preserve');
    }
    case 'sleep':
    case 'wake':
      return rerender(facts, service, trigger, { sleeping: action.kind === 'sleep' }, action.kind);
    case 'rollback':
      return planRollback(facts, trigger);
    case 'redeploy':
      if (!facts.pull) return skip('previewd cannot read the pull request from GitHub, so it cannot redeploy it', 'refused', null);
      return planSync(facts, service, { kind: 'sync', snapshot: facts.pull, actor: trigger.actor, cause: trigger.cause, override: true, ...(trigger.delivery ? { delivery: trigger.delivery } : {}) }, true);
  }
}

/**
 * Renders the environment again from its own preview.json with preservation or sleep changed. Fields
 * a hand edit left out come from the pull request as GitHub has it now.
 */
function rerender(facts: PlanFacts, service: ServiceConfig, trigger: ActionTrigger, change: { preservedUntil?: string; sleeping?: boolean }, action: 'preserve' | 'sleep' | 'wake'): Plan {
  const { previous, app, pull } = facts;
  if (!facts.current || !app) return notFound(facts);
  const sha = previous?.sha ?? pull?.headSha;
  const branch = previous?.branch ?? pull?.headRef;
  const author = previous?.author ?? pull?.author;
  if (sha === undefined || branch === undefined || author === undefined) {
    return skip('the environment\'s preview.json lacks its sha, branch or author, and previewd cannot read the pull request from GitHub to fill them in', 'refused', null);
  }
  if (facts.config === null) return skip(`previewd could not read ${PREVIEW_CONFIG_FILE}`, 'refused', null);
  if (!facts.config.ok) return skip(`the pull request's ${PREVIEW_CONFIG_FILE} is refused by the policy: ${facts.config.problems.map((p) => p.message).join('; ')}`, 'refused', null);
  const outcome = renderChanges(facts, service, app, facts.config.value, {
    sha, branch, author, preservedUntil: change.preservedUntil ?? previous?.preservedUntil ?? null, sleeping: change.sleeping ?? previous?.sleeping === true,
  });
  if (!outcome.ok) return skip(`${outcome.reason}: ${outcome.problems.map((p) => p.message).join('; ')}`, 'refused', null);
  if (outcome.changes.length === 0) return skip('the environment already is what was asked: no commit', 'unchanged', null);
  const { preview } = outcome.rendered;
  return {
    kind: 'commit', changes: outcome.changes, preview, state: preview.sleeping ? 'sleeping' : 'committed',
    meta: commitMeta(facts, trigger, action, { sha, id: preview.id, ...(change.preservedUntil ? { target: change.preservedUntil } : {}) }),
    leavesLine: false, firstReport: false,
  };
}

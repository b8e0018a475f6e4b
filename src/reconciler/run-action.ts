import type { ActionOutcome } from '../domain/action-outcome.ts';
import { formatDuration, parseDuration } from '../domain/duration.ts';
import { commitDestroy, commitRendered } from './commit-env.ts';
import { lastRecord, readPreviewConfig, renderEnv, type EnvFacts } from './env-facts.ts';
import type { ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';
import type { ActionItem } from './reconcile-request.ts';
import { syncPreview } from './sync-preview.ts';

const DEFAULT_PRESERVE = '48h';
const DEPLOYS = new Set(['create', 'update', 'rollback']);

function notFound(facts: EnvFacts): ActionOutcome {
  return { status: 'not-found', message: `there is no preview environment for ${facts.env.owner}/${facts.env.repo}#${facts.env.pr}` };
}

/** Re-renders the environment from its own preview.json facts, with preservation or sleep changed. */
async function rerender(deps: ReconcileDeps, facts: EnvFacts, item: ActionItem, change: { preservedUntil?: string; sleeping?: boolean }, action: 'preserve' | 'sleep' | 'wake', log: ReconcileLogger): Promise<ActionOutcome> {
  const { previous, app } = facts;
  if (!facts.current || !previous || !app) return notFound(facts);
  const config = await readPreviewConfig(deps, facts.env, previous.sha, item.installationId);
  if (!config.ok) return { status: 'refused', message: `the pull request's .github/preview.yaml is refused by the policy: ${config.problems.map((p) => p.message).join('; ')}` };
  const rendered = renderEnv(deps, facts, app, config.value, {
    sha: previous.sha, branch: previous.branch, author: previous.author,
    preservedUntil: change.preservedUntil ?? previous.preservedUntil, sleeping: change.sleeping ?? previous.sleeping === true,
  });
  if (!rendered.ok) return { status: 'refused', message: rendered.problems.map((p) => p.message).join('; ') };
  return commitRendered(deps, facts, rendered.value, {
    action, actor: item.actor, sha: previous.sha, ...(change.preservedUntil ? { target: change.preservedUntil } : {}), ...(item.delivery ? { delivery: item.delivery } : {}),
  }, { ...carried(deps, facts), env: facts.env, sha: previous.sha, ...(item.repoUrl ? { repoUrl: item.repoUrl } : {}), ...(item.installationId === undefined ? {} : { installationId: item.installationId }) }, log);
}

// The PR's title and author, carried over from the last status: an action does not change them.
function carried(deps: ReconcileDeps, facts: EnvFacts): { title?: string; author?: string } {
  const known = deps.statuses.get(facts.env);
  return { ...(known?.title === undefined ? {} : { title: known.title }), ...(known?.author === undefined ? {} : { author: known.author }) };
}

/** Carries out one explicit action on an environment. Permission is checked by the caller. */
export async function runAction(deps: ReconcileDeps, facts: EnvFacts, item: ActionItem, log: ReconcileLogger): Promise<ActionOutcome> {
  const { action } = item;
  const base = { ...carried(deps, facts), env: facts.env, ...(facts.previous ? { sha: facts.previous.sha } : {}), ...(item.repoUrl ? { repoUrl: item.repoUrl } : {}) };
  const meta = { actor: item.actor, ...(item.delivery ? { delivery: item.delivery } : {}), ...(facts.previous ? { sha: facts.previous.sha, id: facts.previous.id } : {}) };
  switch (action.kind) {
    case 'help':
      return { status: 'unchanged', message: 'help' };
    case 'destroy':
      if (!facts.current) return notFound(facts);
      return commitDestroy(deps, facts, { ...meta, reason: `destroyed by ${item.actor} (${item.cause})` }, base, log);
    case 'expire': {
      const p = facts.previous;
      const now = deps.now().getTime();
      let until = Math.max(p?.expiresAt ? Date.parse(p.expiresAt) : Number.POSITIVE_INFINITY, p?.preservedUntil ? Date.parse(p.preservedUntil) : 0);
      // A folder a person restored or edited by hand (a revert of a destroy) is adopted: its time to
      // live counts from that commit, not from the preview.json it brought back.
      const last = await lastRecord(deps, facts.env);
      if (last?.action === 'manual') until = Math.max(until, Date.parse(last.time) + (parseDuration(facts.service.defaults.ttl) ?? 0));
      if (!facts.current || until > now) return { status: 'unchanged', message: 'not expired' };
      return commitDestroy(deps, facts, { ...meta, action: 'expire', reason: 'its time to live ran out' }, base, log);
    }
    case 'preserve': {
      const wanted = parseDuration(action.duration ?? DEFAULT_PRESERVE);
      const cap = parseDuration(facts.service.policy.maxTtl) ?? Number.POSITIVE_INFINITY;
      if (wanted === null) return { status: 'refused', message: `${JSON.stringify(action.duration)} is not a duration: write e.g. 48h, 7d or 30m` };
      if (wanted > cap) return { status: 'refused', message: `the policy allows preserving for at most ${formatDuration(cap)}` };
      const until = new Date(deps.now().getTime() + wanted).toISOString();
      return rerender(deps, facts, item, { preservedUntil: until }, 'preserve', log);
    }
    case 'sleep':
    case 'wake':
      return rerender(deps, facts, item, { sleeping: action.kind === 'sleep' }, action.kind, log);
    case 'rollback': {
      let target = action.to;
      if (target === null) {
        const deploys = (await deps.store.history(facts.env, { limit: 20 })).filter((r) => DEPLOYS.has(r.action));
        target = deploys[1]?.commit ?? null;
        if (target === null) return { status: 'refused', message: 'there is no earlier deploy to roll back to: name a commit from the history' };
      }
      const result = await deps.store.revert(facts.env, target, meta);
      if (result.status !== 'committed') return { status: 'unchanged', message: 'the environment already is as it was at that commit' };
      deps.statuses.set({ ...base, state: 'rolled-back', reason: `rolled back by ${item.actor} to ${target.slice(0, 7)}`, commit: result.commit, published: false, at: deps.now().toISOString() });
      deps.publisher.kick();
      return { status: 'committed', commit: result.commit, message: `rollback to ${target.slice(0, 7)}: committed ${result.commit.slice(0, 7)}` };
    }
    case 'redeploy': {
      const snapshot = deps.lifecycle ? await deps.lifecycle.getPullRequest(facts.env, facts.env.pr, item.installationId === undefined ? {} : { installationId: item.installationId }) : null;
      if (!snapshot) return { status: 'refused', message: 'previewd cannot read the pull request from GitHub, so it cannot redeploy it' };
      const before = await deps.store.head();
      await syncPreview(deps, facts, { kind: 'sync', snapshot, actor: item.actor, cause: item.cause, override: true, ...(item.delivery ? { delivery: item.delivery } : {}) }, log);
      const after = await deps.store.head();
      return after !== before && after ? { status: 'committed', commit: after, message: `redeployed ${snapshot.headSha.slice(0, 7)}` } : { status: 'unchanged', message: 'the environment already runs the pull request\'s head' };
    }
  }
}

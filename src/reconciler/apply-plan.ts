import type { ActionOutcome } from '../domain/action-outcome.ts';
import { envFolder } from '../domain/environment.ts';
import { SLOT_FREED } from '../domain/plan-helpers.ts';
import type { Plan, PlanFacts } from '../domain/plan-types.ts';
import { completePreviewJson } from '../domain/read-preview-json.ts';
import type { PreviewStatus } from './preview-status-book.ts';
import type { ApplyHooks, ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';
import { withIds, type SyncItem, type WorkItem } from './reconcile-request.ts';

// The status fields every outcome shares: the PR sha it is about, where its report goes.
function statusBase(deps: Pick<ReconcileDeps, 'statuses'>, facts: PlanFacts, item: WorkItem): Omit<PreviewStatus, 'state' | 'at'> {
  const pull = facts.pull;
  const sha = item.kind === 'sync' ? item.snapshot.headSha : (facts.previous?.sha ?? pull?.headSha);
  const repoUrl = pull?.repoUrl ?? (item.kind === 'action' ? item.repoUrl : undefined);
  const installationId = item.kind === 'sync' ? item.snapshot.installationId : item.installationId;
  // The PR's title and author for the dashboard: from the PR when known, else kept from the last status.
  const known = deps.statuses.get(facts.env);
  const title = pull?.title ?? known?.title;
  const author = pull?.author ?? known?.author;
  return {
    ...(title === undefined ? {} : { title }), ...(author === undefined ? {} : { author }),
    env: facts.env, ...(sha ? { sha } : {}), ...(repoUrl ? { repoUrl } : {}), ...(item.delivery ? { delivery: item.delivery } : {}),
    ...(installationId === undefined ? {} : { installationId }),
  };
}

/** What applying a plan came to; `moved`: the folder changed since the facts were read, nothing was written. */
export type Applied = ActionOutcome | { status: 'moved' };

/**
 * Carries out a plan: the only place that writes (a local commit; the publisher pushes it) and that
 * sets the environment's status. It decides nothing: "did anything change" was the plan's question.
 * `basedOn` is the tip the facts were read at: a commit is made only on the folder the plan saw.
 */
export async function applyPlan(deps: ReconcileDeps, hooks: ApplyHooks, facts: PlanFacts, item: WorkItem, plan: Plan, log: ReconcileLogger, basedOn: string | null): Promise<Applied> {
  const at = deps.now().toISOString();
  const base = statusBase(deps, facts, item);
  switch (plan.kind) {
    case 'commit': {
      const result = await deps.store.commit({ env: facts.env, changes: plan.changes, meta: plan.meta, basedOn });
      if (result.status === 'moved') return { status: 'moved' };
      if (result.status !== 'committed') return { status: 'unchanged', message: 'the environment already is what was asked: no commit' };
      // What the PR waited in line with is done by this commit: its inbox entries settle with it.
      const left = plan.leavesLine ? deps.waiting.leave(facts.env) : undefined;
      deps.statuses.set({
        ...base, ...(plan.meta.sha ? { sha: plan.meta.sha } : {}), state: plan.state, commit: result.commit, published: false, at,
        ...(plan.preview ? { preview: plan.preview } : {}), ...(plan.reason ? { reason: plan.reason } : {}), ...(plan.firstReport ? { firstReport: true } : {}),
      });
      log.info({ commit: result.commit, action: plan.meta.action }, 'preview committed');
      hooks.committed(result.commit, withIds(item, left?.ids));
      deps.publisher.kick();
      const what = plan.meta.action === 'rollback' && plan.meta.target ? `rollback to ${plan.meta.target.slice(0, 7)}` : plan.meta.action;
      return { status: 'committed', commit: result.commit, message: `${what}: committed ${result.commit.slice(0, 7)}` };
    }
    case 'destroy': {
      const result = await deps.store.commit({ env: facts.env, changes: [{ type: 'delete', path: envFolder(facts.env) }], meta: plan.meta, basedOn });
      if (result.status === 'moved') return { status: 'moved' };
      deps.statuses.set({ ...base, state: 'destroyed', reason: plan.reason, ...(result.status === 'committed' ? { commit: result.commit } : {}), at });
      log.info({ reason: plan.reason }, 'preview destroyed');
      if (result.status !== 'committed') return { status: 'unchanged', message: 'there is no environment to remove' };
      hooks.committed(result.commit, item);
      deps.publisher.kick();
      const next = plan.freesSlotOf === null ? undefined : deps.waiting.first(plan.freesSlotOf);
      if (next) {
        deps.waiting.leave(next.env);
        deps.enqueue({ env: next.env, items: [{ ...next.sync, cause: SLOT_FREED }] });
      }
      return { status: 'committed', commit: result.commit, message: `${plan.meta.action}: committed ${result.commit.slice(0, 7)}` };
    }
    case 'wait': {
      const sync: SyncItem | null = item.kind === 'sync' ? item : facts.pull ? withIds({ kind: 'sync', snapshot: facts.pull, actor: item.actor, cause: item.cause, override: true }, item.ids) : null;
      // In line, the item is not settled: its inbox entries stay until it is deployed (or replaced).
      if (sync) deps.waiting.join(plan.app, facts.env, sync);
      else hooks.settled(item);
      deps.statuses.set({ ...base, state: 'waiting', reason: plan.reason, at });
      log.info({ reason: plan.reason, state: 'waiting' }, 'no preview change');
      return { status: 'unchanged', message: plan.reason };
    }
    case 'hold': {
      const sync: SyncItem | null = item.kind === 'sync' ? item : facts.pull ? { kind: 'sync', snapshot: facts.pull, actor: item.actor, cause: item.cause, override: true } : null;
      // Held for this sha, not in the slot line: the line's older item would deploy an older sha.
      const left = deps.waiting.leave(facts.env);
      if (left) hooks.settled(left);
      if (sync) deps.builds.hold(facts.env, sync, deps.now(), facts.config);
      // A registry sends no event for a pushed tag: previewd looks again, backing off, until the timeout.
      if (plan.build?.verdict === 'wait' && plan.build.pending.some((p) => p.kind === 'image')) deps.builds.lookAgain(facts.env);
      setHoldStatus(deps, facts, base, plan, at);
      log.info({ reason: plan.reason, state: plan.state, sha: plan.sha }, 'no preview change: the build of this commit is not done');
      return { status: 'unchanged', message: plan.reason };
    }
    case 'skip': {
      // A PR closed while it waited for a slot leaves the line (its entries settle): never deployed later.
      if (item.kind === 'sync' && item.snapshot.state === 'closed') {
        const left = deps.waiting.leave(facts.env);
        if (left) hooks.settled(left);
      }
      if (!plan.quiet) setSkipStatus(deps, facts, base, plan, at);
      log.info({ reason: plan.reason, state: plan.quiet ? null : plan.state }, 'no preview change');
      return { status: plan.answer, message: plan.reason };
    }
  }
}

function setSkipStatus(deps: ReconcileDeps, facts: PlanFacts, base: Omit<PreviewStatus, 'state' | 'at'>, plan: Extract<Plan, { kind: 'skip' }>, at: string): void {
  if (plan.unchanged) {
    // Already right: the folder's last commit is what the report is about. Said once per sha, so that
    // a redelivery or a resync does not ask for a report that would say the same.
    const known = deps.statuses.get(facts.env);
    if (known && known.sha === base.sha && known.commit === facts.records[0]?.commit) return;
    const last = facts.records[0];
    deps.statuses.set({
      ...base, state: plan.state, published: true, at, ...(plan.preview ? { preview: plan.preview } : {}),
      ...(last ? { commit: last.commit, publishedAt: last.time } : {}),
    });
    return;
  }
  const standing = plan.standing ? { commit: plan.standing.commit, published: true } : {};
  deps.statuses.set({ ...base, state: plan.state, reason: plan.reason, at, ...(plan.problems ? { problems: plan.problems } : {}), ...standing });
}

// Said once per change: a resync or a CI event that finds the wait as it was asks for no report.
function setHoldStatus(deps: ReconcileDeps, facts: PlanFacts, base: Omit<PreviewStatus, 'state' | 'at'>, plan: Extract<Plan, { kind: 'hold' }>, at: string): void {
  const known = deps.statuses.get(facts.env);
  const same = known?.state === plan.state && known.sha === plan.sha && known.reason === plan.reason && JSON.stringify(known.build ?? null) === JSON.stringify(plan.build);
  if (same) return;
  // An environment that exists keeps running its earlier sha meanwhile: the comment shows that one.
  const running = completePreviewJson({ value: facts.previous, problems: facts.previousProblems });
  const last = facts.records[0];
  deps.statuses.set({
    ...base, sha: plan.sha, state: plan.state, reason: plan.reason, at,
    ...(plan.build ? { build: plan.build } : {}), ...(plan.firstReport ? { firstReport: true } : {}),
    ...(running ? { preview: running } : {}), ...(running && last ? { commit: last.commit, published: true, publishedAt: last.time } : {}),
  });
}

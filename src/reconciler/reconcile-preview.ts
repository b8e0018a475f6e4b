import type { ActionOutcome } from '../domain/action-outcome.ts';
import { envLabel } from '../domain/environment.ts';
import { mayRunCommands } from '../domain/may-run-commands.ts';
import { notAllowedReason, repoAllowed } from '../domain/repo-allowed.ts';
import { previewCommandHelp } from '../domain/parse-preview-command.ts';
import type { Plan } from '../domain/plan.ts';
import { applyPlan } from './apply-plan.ts';
import { gatherFacts, planGathered, replayedAsItIsNow } from './gather-facts.ts';
import type { ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';
import type { ActionItem, ReconcileRequest, WorkItem } from './reconcile-request.ts';

export type { ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';

/**
 * Works through one environment's items in the order they arrived: for each, gather the facts from a
 * fresh view, plan, apply. Each item is removed once done, so that when a transient failure sends the
 * request back to the queue, only what is left is retried.
 */
export async function reconcilePreview(deps: ReconcileDeps, req: ReconcileRequest): Promise<void> {
  while (req.items.length > 0) {
    const item = req.items[0];
    if (!item) break;
    const log = deps.log.child({ env: envLabel(req.env), cause: item.cause, ...(item.delivery ? { delivery: item.delivery } : {}), ...(item.kind === 'sync' ? { sha: item.snapshot.headSha } : {}) });
    let ran = false;
    const run = () => {
      ran = true;
      return step(deps, req, item, log);
    };
    if (item.kind === 'sync') await run();
    else {
      // Not `done?.(await …)`: an optional call skips evaluating its argument when there is no `done`.
      const outcome = await command(deps, item, log, run);
      item.done?.(outcome);
    }
    // A command refused before planning (outside ALLOWED_REPOS, no write access) is settled here.
    if (!ran) deps.hooks.settled(item);
    req.items.shift();
  }
}

// How often one item is planned again because its folder changed between reading and committing (a
// fetch brought someone else's commit): each time on the newer tip. More means the folder is being
// fought over; the queue retries the item later.
const MAX_PLANS = 5;

/** The folder kept changing under the plan; transient: the queue retries the item. */
export class FolderKeptMovingError extends Error {
  override name = 'FolderKeptMovingError';
  readonly transient = true;
}

/**
 * Gather → plan → apply, for one item. The facts are read at one tip and the commit is made only if
 * the folder is still as they saw it there; otherwise the plan is made again on the newer tip.
 */
async function step(deps: ReconcileDeps, req: ReconcileRequest, item: WorkItem, log: ReconcileLogger): Promise<ActionOutcome> {
  await deps.fresh();
  const asked = await replayedAsItIsNow(deps, heldOverride(deps, req.env, item));
  for (let attempt = 1; attempt <= MAX_PLANS; attempt++) {
    // The app's slot lock, when gathering took it for a new environment: freed once the plan is applied.
    const slotLocks: Array<() => void> = [];
    try {
      const basedOn = await deps.store.head();
      const facts = await gatherFacts(deps, req.env, asked, slotLocks, basedOn);
      const decided = await planGathered(deps, facts, asked, basedOn);
      releaseBuild(deps, req.env, item, decided);
      const outcome = await applyPlan(deps, deps.hooks, facts, asked, decided, log, basedOn);
      if (outcome.status === 'moved') {
        log.info({ attempt }, 'the environment folder changed while planning; planning again on the new tip');
        continue;
      }
      // A commit settles once published, a wait once out of line; anything else is settled now.
      if (outcome.status !== 'committed' && decided.kind !== 'wait') deps.hooks.settled(item);
      return outcome;
    } finally {
      for (const free of slotLocks) free();
    }
  }
  throw new FolderKeptMovingError(`the folder of ${envLabel(req.env)} changed under ${MAX_PLANS} plans in a row; trying again later`);
}

// A resync of a held sha speaks with the held event's voice: a push held for its build keeps its right
// to deploy over a person's commit once the build passes, whoever plans it again.
function heldOverride(deps: ReconcileDeps, env: ReconcileRequest['env'], item: WorkItem): WorkItem {
  const held = deps.builds.get(env);
  if (item.kind !== 'sync' || item.override || !held?.sync.override || held.sha !== item.snapshot.headSha.toLowerCase()) return item;
  return { ...item, override: true };
}

// The wait of a held sha is over once the PR is planned to anything but a hold, or the environment
// is removed or its held sha committed; a command on the running environment (sleep, preserve) keeps it.
function releaseBuild(deps: ReconcileDeps, env: ReconcileRequest['env'], item: WorkItem, decided: Plan): void {
  if (decided.kind === 'hold') return;
  const held = deps.builds.get(env);
  if (!held) return;
  const committedHeld = decided.kind === 'commit' && decided.meta.sha?.toLowerCase() === held.sha;
  if (item.kind === 'sync' || decided.kind === 'destroy' || committedHeld) deps.builds.release(env);
}

/** Runs an action asked for in a PR comment with its acknowledgements; other actions run as they are. */
async function command(deps: ReconcileDeps, item: ActionItem, log: ReconcileLogger, run: () => Promise<ActionOutcome>): Promise<ActionOutcome> {
  const comment = item.comment;
  const github = deps.lifecycle;
  if (!comment || !github) return run();
  const env = item.env;
  // Outside ALLOWED_REPOS a comment gets no answer at all: previewd does not act, nor speak, there.
  if (!repoAllowed(deps.allowedRepos, env.owner, env.repo)) {
    log.info({ actor: item.actor, command: item.action.kind }, 'command ignored: repository outside ALLOWED_REPOS');
    return { status: 'refused', message: notAllowedReason(env.owner, env.repo) };
  }
  const ctx = item.installationId === undefined ? {} : { installationId: item.installationId };
  let verdict = mayRunCommands(comment.authorAssociation, null);
  if (verdict === 'ask') verdict = mayRunCommands(comment.authorAssociation, deps.forge ? await deps.forge.permission(env, item.actor, ctx) : 'none');
  if (verdict !== 'yes') {
    await github.replyToPullRequest(env, env.pr, `@${item.actor} thanks, but \`/preview\` commands need write access to ${env.owner}/${env.repo}; ask a maintainer to run it. Nothing was changed.`, ctx);
    log.info({ actor: item.actor, command: item.action.kind }, 'command refused: no write access');
    return { status: 'refused', message: `${item.actor} has no write access to ${env.owner}/${env.repo}` };
  }
  await github.addReaction(env, comment.id, 'eyes', ctx);
  const outcome: ActionOutcome = item.invalid === undefined ? await run() : { status: 'refused', message: item.invalid };
  if (item.action.kind === 'help' && item.invalid === undefined) {
    await github.replyToPullRequest(env, env.pr, previewCommandHelp(), ctx);
  } else if (outcome.status === 'committed' || outcome.status === 'unchanged') {
    await github.addReaction(env, comment.id, '+1', ctx);
  } else {
    const what = item.invalid === undefined ? `\`/preview ${item.action.kind}\` did not change anything` : 'That `/preview` command could not be read';
    await github.replyToPullRequest(env, env.pr, `${what}: ${outcome.message}.`, ctx);
    await github.addReaction(env, comment.id, 'confused', ctx);
  }
  log.info({ actor: item.actor, command: item.action.kind, outcome: outcome.status }, 'command done');
  return outcome;
}

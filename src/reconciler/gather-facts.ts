import { PREVIEW_CONFIG_FILE } from '../domain/config-problem.ts';
import type { AppRegistration, ServiceConfig } from '../domain/config-types.ts';
import { DEFAULT_PREVIEW_LABEL, hasLabel } from '../domain/decide-preview.ts';
import { envLabel, type EnvRef } from '../domain/environment.ts';
import { loadPreviewConfig } from '../domain/load-config.ts';
import { hasWriteAccess } from '../domain/may-run-commands.ts';
import { defaultRollbackTarget, isSticky, standsOnlyOnRedelivery } from '../domain/plan-helpers.ts';
import { plan, type Plan, type PlanFacts, type Trigger } from '../domain/plan.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';
import { readPreviewJson } from '../domain/read-preview-json.ts';
import { gatherBuild } from './gather-build.ts';
import { repoAllowed } from '../domain/repo-allowed.ts';
import type { ReconcileDeps } from './reconcile-deps.ts';
import type { WorkItem } from './reconcile-request.ts';

// The folder's last commits the plan looks at: the newest (is it a person's?), the deploy it undid,
// and the previous deploy for a rollback without a commit.
const RECORDS = 20;
// How far back to look for them; an environment untouched for longer is treated as previewd's own.
const LOOKBACK = 2000;

/** The trigger an item asks the plan with. */
export function triggerOf(item: WorkItem): Trigger {
  const common = { actor: item.actor, cause: item.cause, ...(item.delivery ? { delivery: item.delivery } : {}) };
  if (item.kind === 'sync') return { kind: 'sync', snapshot: item.snapshot, override: item.override, ...common };
  return { kind: 'action', action: item.action, ...common, ...(item.repoUrl ? { repoUrl: item.repoUrl } : {}) };
}

function installation(item: WorkItem): { installationId?: number } {
  const id = item.kind === 'sync' ? item.snapshot.installationId : item.installationId;
  return id === undefined ? {} : { installationId: id };
}

// The PR as GitHub has it now, for an action: fills what a hand-edited preview.json lacks, and names
// the app repository for the trailers. Optional for every action but redeploy: GitHub failing is no
// reason to refuse a preserve.
async function pullForAction(deps: ReconcileDeps, env: EnvRef, item: WorkItem): Promise<PullRequestSnapshot | null> {
  if (item.kind !== 'action' || !deps.lifecycle || item.action.kind === 'help' || item.action.kind === 'expire') return null;
  const read = deps.lifecycle.getPullRequest(env, env.pr, installation(item));
  if (item.action.kind === 'redeploy') return read;
  return read.catch((err: unknown) => {
    deps.log.warn({ err }, 'could not read the pull request from GitHub; going on with the environment\'s own preview.json');
    return null;
  });
}

/**
 * A replayed event speaks for the PR as it was when GitHub sent it, maybe minutes before a restart; it
 * is planned with the PR as it is now, so that a PR closed since is not deployed again (the resync at
 * start may have looked before the replay was applied). It keeps its right to override; without
 * GitHub, or when GitHub fails, the event stands as it came.
 */
export async function replayedAsItIsNow(deps: ReconcileDeps, item: WorkItem): Promise<WorkItem> {
  if (item.kind !== 'sync' || item.replayed !== true || deps.lifecycle === null) return item;
  const { snapshot } = item;
  try {
    const now = await deps.lifecycle.getPullRequest(snapshot, snapshot.pr, installation(item));
    return now === null ? item : { ...item, snapshot: { ...installation(item), ...now } };
  } catch (err) {
    deps.log.warn({ env: envLabel(snapshot), err }, 'could not read the pull request of a replayed event; planning with the event as it came');
    return item;
  }
}

// Fork PRs with the label: deployed only when someone with write access added it (null: cannot ask).
async function labelApproved(deps: ReconcileDeps, pr: PullRequestSnapshot, service: ServiceConfig): Promise<boolean | null> {
  if (!pr.fork || service.policy.forks !== 'label' || !hasLabel(pr.labels, DEFAULT_PREVIEW_LABEL) || !deps.forge) return null;
  const ctx = pr.installationId === undefined ? {} : { installationId: pr.installationId };
  const who = await deps.forge.labelAddedBy(pr, pr.pr, DEFAULT_PREVIEW_LABEL, ctx);
  if (who === null) return false;
  return hasWriteAccess(await deps.forge.permission(pr, who, ctx));
}

// Only the app's own repositories' folders are counted, from their trees' entries: a new PR's cost does
// not grow with the environments of other apps.
async function countRunning(deps: ReconcileDeps, service: ServiceConfig, app: AppRegistration): Promise<number> {
  const find = deps.registry.finder(service);
  return deps.store.countEnvironments((owner, repo) => find(owner, repo) === app);
}

// The newest record first (a walk that stops near the tip); more only when the plan will look further:
// the deploy a person's (or a sticky) commit undid, or the previous deploy for a rollback. Asking for
// 20 up front would walk the whole look-back for every folder with fewer commits.
async function folderRecords(deps: ReconcileDeps, env: EnvRef, item: WorkItem, at: string | null): Promise<PlanFacts['records']> {
  const from = at === null ? {} : { from: at };
  const first = await deps.store.history(env, { limit: 1, maxCommits: LOOKBACK, ...from });
  const rollback = item.kind === 'action' && item.action.kind === 'rollback';
  if (!rollback && !(first[0] && isSticky(first[0]))) return first;
  return deps.store.history(env, { limit: RECORDS, maxCommits: LOOKBACK, ...from });
}

// A PR event for a folder that does not exist is planned first without the folder's history: for a
// new PR the walk would go the whole look-back for nothing, 500 times in a burst of 500 new PRs.
function historyDeferred(item: WorkItem, current: PlanFacts['current']): boolean {
  return item.kind === 'sync' && item.override && current === null;
}

/**
 * The plan for the gathered facts. When the folder does not exist and the plan would make it again, a
 * destroy, an expiry or a person's removal in its history may stand in the way (DESIGN.md: redeliveries
 * never overwrite them) — of an event previewd applied before it, or of a push of the sha deployed
 * before it: only then is the history read into the facts and the plan made again. A PR's opening
 * (or an item let out of the waiting line) whose delivery is on no commit — every new PR — is neither:
 * the plan would say the same with it.
 */
export async function planGathered(deps: ReconcileDeps, facts: PlanFacts, item: WorkItem, at: string | null): Promise<Plan> {
  const trigger = triggerOf(item);
  const first = plan(facts, trigger);
  if (!historyDeferred(item, facts.current) || item.kind !== 'sync' || !['commit', 'wait', 'hold'].includes(first.kind)) return first;
  const applied = item.delivery !== undefined && (await deps.store.hasDelivery(item.delivery));
  if (!applied && standsOnlyOnRedelivery(item.cause)) return first;
  // Into the facts themselves: the plan is applied with the facts it was made on.
  facts.records = await folderRecords(deps, facts.env, item, at);
  return plan(facts, trigger);
}

/**
 * Everything the plan needs about one environment, from the GitOps tip `at` (the caller has fetched
 * when the view may be stale, and commits only if the folder is still as it is there), GitHub and the
 * registry. What costs a GitHub call is asked only when it can matter to the plan. For a new environment of an app, the app's slot lock is taken before
 * its environments are counted and pushed onto `slotLocks`: the caller frees it once the plan is applied.
 */
export async function gatherFacts(deps: ReconcileDeps, env: EnvRef, item: WorkItem, slotLocks: Array<() => void>, at: string | null): Promise<PlanFacts> {
  const service = await deps.registry.load();
  const app = service.ok ? deps.registry.finder(service.value)(env.owner, env.repo) : null;
  const current = await deps.store.readEnvironment(env, at ?? undefined);
  const read = readPreviewJson(current?.get('preview.json') ?? null, deps.validators.previewJson);
  const records = historyDeferred(item, current) ? [] : await folderRecords(deps, env, item, at);
  const pull = item.kind === 'sync' ? item.snapshot : await pullForAction(deps, env, item);
  const ctx = installation(item);
  const facts: PlanFacts = {
    env, now: deps.now(), service, app, allowed: repoAllowed(deps.allowedRepos, env.owner, env.repo), current,
    previous: current ? read.value : null, previousProblems: read.problems, records, pull,
    config: null, labelApproved: null, changedFiles: null, running: 0, waitingAhead: 0, rollback: null, build: null,
    templates: deps.templates, checkPreviewJson: deps.validators.previewJson,
  };
  // A rollback restores what the folder held; it needs no registration (an app removed from the
  // registry may still be rolled back, as it may be destroyed).
  if (item.kind === 'action' && item.action.kind === 'rollback') {
    const to = item.action.to ?? defaultRollbackTarget(records);
    facts.rollback = to === null ? null : await deps.store.rollbackTarget(env, to, { before: item.action.before === true });
  }
  if (!service.ok || app === null) return facts;
  const action = item.kind === 'action' ? item.action.kind : 'sync';
  const deploying = (action === 'sync' || action === 'redeploy') && pull !== null && pull.state === 'open';
  // The PR's settings: at its head for a deploy, at the deployed sha for a change of lifecycle.
  const configSha = deploying ? pull.headSha : ['preserve', 'sleep', 'wake'].includes(action) ? (facts.previous?.sha ?? pull?.headSha ?? null) : null;
  if (configSha !== null) {
    // A sha held for its build was read already: a file at a commit never changes.
    const held = deps.builds.get(env);
    if (held?.config && held.sha === configSha.toLowerCase()) facts.config = held.config;
    else {
      const text = deps.forge ? await deps.forge.readFile(env, PREVIEW_CONFIG_FILE, configSha, ctx) : null;
      facts.config = loadPreviewConfig(text, deps.validators);
    }
  }
  if (deploying) {
    facts.labelApproved = await labelApproved(deps, pull, service.value);
    const paths = facts.config?.ok ? facts.config.value.paths : undefined;
    if (paths?.length && deps.forge) facts.changedFiles = await deps.forge.listPullRequestFiles(pull, pull.pr, ctx);
    // Only for a PR the plan may deploy: a draft or a disabled preview costs GitHub no check calls.
    if (facts.config?.ok && facts.config.value.enabled && !(pull.draft && !app.drafts)) {
      facts.build = await gatherBuild(deps, env, pull, service.value, app, facts.previous?.sha, ctx);
    }
    if (current === null) {
      // Held until the caller has applied the plan (a commit counted by the next holder, or a place in line).
      slotLocks.push(await deps.slots.acquire(app.name ?? app.repo));
      facts.running = await countRunning(deps, service.value, app);
      facts.waitingAhead = deps.waiting.ahead(app.name ?? app.repo, env);
    }
  }
  return facts;
}

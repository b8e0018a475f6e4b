import { PREVIEW_CONFIG_FILE } from '../domain/config-problem.ts';
import { DEFAULT_PREVIEW_LABEL, decidePreview } from '../domain/decide-preview.ts';
import { fileSetChanges } from '../domain/file-set-changes.ts';
import { findApp } from '../domain/find-app.ts';
import { notAllowedReason, repoAllowed } from '../domain/repo-allowed.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';
import { touchesPaths } from '../domain/touches-paths.ts';
import { commitDestroy, commitRendered } from './commit-env.ts';
import { lastRecord, readPreviewConfig, renderEnv, type EnvFacts } from './env-facts.ts';
import type { ReconcileDeps, ReconcileLogger } from './reconcile-deps.ts';
import type { SyncItem } from './reconcile-request.ts';

const WRITE_ACCESS = new Set(['admin', 'maintain', 'write']);
// previewd's own word on a folder that a resync must not overrule: a person's commit, a rollback, a
// destroy by command, an expiry. Only a new push (or a command) changes such an environment again.
const STICKY = new Set(['manual', 'rollback', 'destroy', 'expire']);

// Fork PRs with the label: deployed only when someone with write access added it (null: cannot ask).
async function labelApproved(deps: ReconcileDeps, pr: PullRequestSnapshot, forks: string): Promise<boolean | null> {
  const labelled = pr.labels.some((l) => l.toLowerCase() === DEFAULT_PREVIEW_LABEL);
  if (!pr.fork || forks !== 'label' || !labelled || !deps.forge) return null;
  const ctx = pr.installationId === undefined ? {} : { installationId: pr.installationId };
  const who = await deps.forge.labelAddedBy(pr, pr.pr, DEFAULT_PREVIEW_LABEL, ctx);
  if (who === null) return false;
  return WRITE_ACCESS.has(await deps.forge.permission(pr, who, ctx));
}

/**
 * Brings one environment in line with its pull request: decides, reads the PR's own settings at its
 * head, renders, and commits the difference (nothing when there is none). Publishing is the
 * publisher's. Throws transient errors for the queue to retry.
 */
export async function syncPreview(deps: ReconcileDeps, facts: EnvFacts, item: SyncItem, log: ReconcileLogger): Promise<void> {
  const { env, service, app, current, previous } = facts;
  const pr = item.snapshot;
  const at = deps.now().toISOString();
  const base = {
    env, sha: pr.headSha, repoUrl: pr.repoUrl, author: pr.author, ...(pr.title === undefined ? {} : { title: pr.title }), ...(item.delivery ? { delivery: item.delivery } : {}),
    ...(pr.installationId === undefined ? {} : { installationId: pr.installationId }),
  };
  const skip = (reason: string, state: 'skipped' | 'refused' | 'rolled-back' | 'waiting' = 'skipped', extra: object = {}) => {
    deps.statuses.set({ ...base, state, reason, at, ...extra });
    log.info({ reason, state }, 'no preview change');
  };
  // Outside ALLOWED_REPOS nothing is deployed, and nothing is asked of GitHub for it; an environment made
  // before the list was narrowed may still be destroyed by its PR's close (removing is always safe).
  const allowed = repoAllowed(deps.allowedRepos, env.owner, env.repo);
  if (!allowed && current === null) return skip(notAllowedReason(env.owner, env.repo));
  const preserved = previous?.preservedUntil ? Date.parse(previous.preservedUntil) > deps.now().getTime() : false;
  const decision = decidePreview({
    snapshot: pr, app, policy: service.policy, previewLabel: DEFAULT_PREVIEW_LABEL,
    labelApproved: await labelApproved(deps, pr, service.policy.forks), touchesPaths: null, exists: current !== null,
  });
  if (!allowed && decision.kind === 'deploy') return skip(notAllowedReason(env.owner, env.repo));
  if (decision.kind !== 'deploy' && !(decision.kind === 'destroy' && !preserved)) {
    return skip(decision.kind === 'destroy' ? `preserved until ${previous?.preservedUntil ?? ''}: kept past the pull request's close` : decision.reason);
  }
  if (!item.override) {
    const last = await lastRecord(deps, env);
    if (last && STICKY.has(last.action)) {
      const by = last.action === 'manual' ? `rolled back by ${last.author.name} in ${last.commit.slice(0, 7)}` : `${last.action} by ${last.actor} in ${last.commit.slice(0, 7)}`;
      return skip(`${by}; a new push or a /preview command deploys again`, last.action === 'manual' || last.action === 'rollback' ? 'rolled-back' : 'skipped', { commit: last.commit, published: true });
    }
  }
  if (decision.kind === 'destroy') {
    await commitDestroy(deps, facts, { actor: item.actor, sha: pr.headSha, reason: decision.reason, ...(item.delivery ? { delivery: item.delivery } : {}) }, base, log);
    return;
  }
  if (app === null) return skip('the repository is not registered in previewd.yaml');
  const config = await readPreviewConfig(deps, env, pr.headSha, pr.installationId);
  if (!config.ok) return skip(`${PREVIEW_CONFIG_FILE} asks for what the policy does not allow`, 'refused', { problems: config.problems });
  if (!config.value.enabled) {
    if (current) {
      await commitDestroy(deps, facts, { actor: item.actor, sha: pr.headSha, reason: `previews are turned off in ${PREVIEW_CONFIG_FILE}` }, base, log);
      return;
    }
    return skip(`previews are turned off in ${PREVIEW_CONFIG_FILE}`);
  }
  if (config.value.paths?.length && deps.forge && !current) {
    const ctx = pr.installationId === undefined ? {} : { installationId: pr.installationId };
    if (!touchesPaths(config.value.paths, await deps.forge.listPullRequestFiles(pr, pr.pr, ctx))) {
      return skip(`the pull request touches none of the paths in ${PREVIEW_CONFIG_FILE}`);
    }
  }
  if (!current) {
    const limit = app.maxPreviews ?? service.defaults.maxPreviews;
    const name = app.name ?? app.repo;
    const running = (await deps.store.listEnvironments()).filter((e) => findApp(service, e.env.owner, e.env.repo) === app).length;
    if (running >= limit) {
      const place = deps.waiting.join(name, env, item);
      return skip(`waiting for a free slot: ${name} runs its maximum of ${limit} previews; place ${place} in line`, 'waiting');
    }
    deps.waiting.leave(env);
  }
  const rendered = renderEnv(deps, facts, app, config.value, {
    sha: pr.headSha, branch: pr.headRef, author: pr.author, preservedUntil: previous?.preservedUntil ?? null, sleeping: previous?.sleeping === true,
  });
  if (!rendered.ok) return skip(`${PREVIEW_CONFIG_FILE} asks for what the policy does not allow`, 'refused', { problems: rendered.problems });
  if (fileSetChanges(rendered.value.folder, rendered.value.files, current ?? new Map()).length === 0 && deps.statuses.get(env)?.sha === pr.headSha) {
    log.info({}, 'preview already up to date');
    return;
  }
  await commitRendered(deps, facts, rendered.value, {
    action: current ? 'update' : 'create', actor: item.actor, sha: pr.headSha, repoUrl: pr.repoUrl, ...(item.delivery ? { delivery: item.delivery } : {}),
  }, { ...base, firstReport: current === null && item.cause === 'pull_request.opened' }, log);
}

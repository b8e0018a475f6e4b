import { PREVIEW_CONFIG_FILE } from '../domain/config-problem.ts';
import type { ServiceConfig } from '../domain/config-types.ts';
import type { ConfigValidators } from '../domain/config-validators.ts';
import { decidePreview } from '../domain/decide-preview.ts';
import { envFolder, envLabel } from '../domain/environment.ts';
import { fileSetChanges } from '../domain/file-set-changes.ts';
import { findApp } from '../domain/find-app.ts';
import { loadPreviewConfig } from '../domain/load-config.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import type { PullRequestSnapshot } from '../domain/pull-request.ts';
import { renderOverlay, type RenderTemplates } from '../domain/render-overlay.ts';
import { touchesPaths } from '../domain/touches-paths.ts';
import type { Forge } from '../ports/forge.ts';
import type { GitOpsStore } from '../ports/gitops-store.ts';
import type { PreviewStatusBook } from './preview-status-book.ts';
import type { Publisher } from './publisher.ts';
import type { ReconcileRequest } from './reconcile-request.ts';
import type { RegistryReader } from './registry-reader.ts';

export const PREVIEW_LABEL = 'preview';
const WRITE_ACCESS = new Set(['admin', 'maintain', 'write']);

export interface ReconcileLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  child(bindings: object): ReconcileLogger;
}

export interface ReconcileDeps {
  store: GitOpsStore;
  /** null when GitHub reporting is off: no `.github/preview.yaml` is read (defaults apply). */
  forge: Forge | null;
  registry: RegistryReader;
  validators: ConfigValidators;
  templates: RenderTemplates;
  publisher: Pick<Publisher, 'kick'>;
  statuses: PreviewStatusBook;
  now: () => Date;
  log: ReconcileLogger;
}

// Fork PRs with the label: deployed only when someone with write access added it (null: cannot ask).
async function labelApproved(deps: ReconcileDeps, pr: PullRequestSnapshot, service: ServiceConfig): Promise<boolean | null> {
  const labelled = pr.labels.some((l) => l.toLowerCase() === PREVIEW_LABEL);
  if (!pr.fork || service.policy.forks !== 'label' || !labelled) return null;
  if (!deps.forge) return null;
  const ctx = pr.installationId === undefined ? {} : { installationId: pr.installationId };
  const who = await deps.forge.labelAddedBy(pr, pr.pr, PREVIEW_LABEL, ctx);
  if (who === null) return false;
  return WRITE_ACCESS.has(await deps.forge.permission(pr, who, ctx));
}

/**
 * Brings one environment in line with its pull request: decides, reads the PR's own settings at its
 * head, renders, and commits the difference (nothing when there is none). Publishing is the
 * publisher's; this only asks for it. Throws transient errors for the queue to retry.
 */
export async function reconcilePreview(deps: ReconcileDeps, req: ReconcileRequest): Promise<void> {
  const { env, snapshot: pr } = req;
  const log = deps.log.child({ env: envLabel(env), sha: pr.headSha, cause: req.cause, ...(req.delivery ? { delivery: req.delivery } : {}) });
  const at = () => deps.now().toISOString();
  const base = {
    env, sha: pr.headSha, repoUrl: pr.repoUrl, ...(req.delivery ? { delivery: req.delivery } : {}),
    ...(pr.installationId === undefined ? {} : { installationId: pr.installationId }),
  };
  const service = await deps.registry.read();
  const app = findApp(service, env.owner, env.repo);
  const current = await deps.store.readEnvironment(env);
  const decision = decidePreview({
    snapshot: pr, app, policy: service.policy, previewLabel: PREVIEW_LABEL,
    labelApproved: await labelApproved(deps, pr, service), touchesPaths: null, exists: current !== null,
  });
  const destroy = async (reason: string): Promise<void> => {
    const result = await deps.store.commit({
      env, changes: [{ type: 'delete', path: envFolder(env) }],
      meta: { action: 'destroy', actor: req.actor, sha: pr.headSha, reason, ...(req.delivery ? { delivery: req.delivery } : {}) },
    });
    deps.statuses.set({ ...base, state: 'destroyed', reason, ...(result.status === 'committed' ? { commit: result.commit } : {}), at: at() });
    log.info({ reason }, 'preview destroyed');
    deps.publisher.kick();
  };
  if (decision.kind === 'destroy') return destroy(decision.reason);
  if (decision.kind === 'none' || app === null) {
    const reason = decision.kind === 'none' ? decision.reason : 'the repository is not registered in previewd.yaml';
    deps.statuses.set({ ...base, state: 'skipped', reason, at: at() });
    log.info({ reason }, 'no preview change');
    return;
  }
  const ctx = pr.installationId === undefined ? {} : { installationId: pr.installationId };
  const configText = deps.forge ? await deps.forge.readFile(pr, PREVIEW_CONFIG_FILE, pr.headSha, ctx) : null;
  const config = loadPreviewConfig(configText, deps.validators);
  if (!config.ok) {
    deps.statuses.set({ ...base, state: 'refused', reason: `${PREVIEW_CONFIG_FILE} asks for what the policy does not allow`, problems: config.problems, at: at() });
    log.warn({ problems: config.problems }, 'preview config refused: nothing deployed');
    return;
  }
  if (!config.value.enabled) {
    if (current) return destroy(`previews are turned off in ${PREVIEW_CONFIG_FILE}`);
    deps.statuses.set({ ...base, state: 'skipped', reason: `previews are turned off in ${PREVIEW_CONFIG_FILE}`, at: at() });
    return;
  }
  if (config.value.paths?.length && deps.forge && !current) {
    const files = await deps.forge.listPullRequestFiles(pr, pr.pr, ctx);
    if (!touchesPaths(config.value.paths, files)) {
      deps.statuses.set({ ...base, state: 'skipped', reason: `the pull request touches none of the paths in ${PREVIEW_CONFIG_FILE}`, at: at() });
      return;
    }
  }
  const previous = current ? parsePreviewJson(current.get('preview.json') ?? '') : null;
  const render = (now: Date) => renderOverlay({
    pr: { ...env, sha: pr.headSha, branch: pr.headRef, author: pr.author, now, ...(previous ? { createdAt: previous.createdAt, preservedUntil: previous.preservedUntil } : {}) },
    service, app, config: config.value, templates: deps.templates,
  });
  // Rendering at the last deploy's time first: if that reproduces the folder, nothing changed and a
  // redelivered or repeated event makes no commit (preview.json carries times).
  let rendered = previous ? render(new Date(previous.updatedAt)) : null;
  if (rendered === null || !rendered.ok || fileSetChanges(rendered.value.folder, rendered.value.files, current ?? new Map()).length > 0) {
    rendered = render(deps.now());
  }
  if (!rendered.ok) {
    deps.statuses.set({ ...base, state: 'refused', reason: `${PREVIEW_CONFIG_FILE} asks for what the policy does not allow`, problems: rendered.problems, at: at() });
    log.warn({ problems: rendered.problems }, 'preview config refused: nothing deployed');
    return;
  }
  const changes = fileSetChanges(rendered.value.folder, rendered.value.files, current ?? new Map());
  if (changes.length === 0) {
    // Nothing to commit; after a restart the status still has to be known for the PR report.
    if (deps.statuses.get(env)?.sha !== pr.headSha) {
      const [last] = await deps.store.history(env, { limit: 1 });
      deps.statuses.set({ ...base, state: 'committed', preview: rendered.value.preview, published: true, ...(last ? { commit: last.commit, publishedAt: last.time } : {}), at: at() });
    }
    log.info({}, 'preview already up to date');
    return;
  }
  const result = await deps.store.commit({
    env, changes,
    meta: {
      action: current ? 'update' : 'create', id: rendered.value.preview.id, sha: pr.headSha, actor: req.actor,
      repoUrl: pr.repoUrl, ...(req.delivery ? { delivery: req.delivery } : {}),
    },
  });
  if (result.status === 'committed') {
    const firstReport = current === null && req.cause === 'pull_request.opened';
    deps.statuses.set({ ...base, state: 'committed', commit: result.commit, preview: rendered.value.preview, published: false, firstReport, at: at() });
    log.info({ commit: result.commit }, current ? 'preview updated' : 'preview created');
    deps.publisher.kick();
  }
}

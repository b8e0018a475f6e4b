import { createLogger } from '../adapters/logger.ts';
import { loadAssets } from '../assets/load-assets.ts';
import type { ActionOutcome } from '../domain/action-outcome.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { envFolder, type EnvRef } from '../domain/environment.ts';
import type { PreviewCommand } from '../domain/preview-command.ts';
import type { GitOpsStore, PublishedCommit } from '../ports/gitops-store.ts';
import { createReconciler } from '../reconciler/create-reconciler.ts';
import { createRegistryReader } from '../reconciler/registry-reader.ts';
import { createForge } from '../service/create-forge.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import type { CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { CLI_WRITER } from './open-cli-store.ts';

export interface CliActionResult {
  /** The environment acted on. */
  env: EnvRef;
  /** What the plan made of the action (the first time it was planned). */
  outcome: ActionOutcome;
  /** The commits of this environment that reached the branch. */
  published: PublishedCommit[];
}

/** The environment to act on, or how to find it in the GitOps repository (`previewd revert C`). */
export type CliTarget = EnvRef | ((store: GitOpsStore) => Promise<EnvRef>);

/**
 * One explicit action from the command line, through the service's own pipeline: gather, plan, apply,
 * publish, and on a conflict plan again. The CLI is a writer of its own (its own clone or refs).
 */
export async function runCliAction(io: CliIo, target: CliTarget, action: PreviewCommand, actor: string): Promise<CliActionResult> {
  const settings = await loadCliSettings(io);
  const assets = await loadAssets();
  const log = createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, io.stderr);
  const { store } = await openGitOpsStore(settings, { ...CLI_WRITER, log });
  const env = typeof target === 'function' ? await target(store) : target;
  const forge = createForge(settings.github, log);
  const validators = createConfigValidators(assets.schemas);
  const published: PublishedCommit[] = [];
  const reconciler = createReconciler({
    store, forge, lifecycle: forge, registry: createRegistryReader(store, validators), validators, templates: assets.templates,
    now: () => new Date(), log, settleMs: 0, ...(settings.allowedRepos ? { allowedRepos: settings.allowedRepos } : {}),
    onPublished: (result) => void published.push(...result.published.filter((p) => envFolder(p.env) === envFolder(env))),
  });
  let outcome: ActionOutcome = { status: 'refused', message: 'the action was not planned' };
  reconciler.enqueue({ env, items: [{ kind: 'action', env, action, actor, cause: 'cli', done: (o) => (outcome = o) }] });
  await reconciler.close();
  return { env, outcome, published };
}

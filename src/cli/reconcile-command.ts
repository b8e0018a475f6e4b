import { createLogger } from '../adapters/logger.ts';
import { loadAssets } from '../assets/load-assets.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { resyncOnce } from '../jobs/resync-once.ts';
import type { PublishedCommit } from '../ports/gitops-store.ts';
import { createReconciler } from '../reconciler/create-reconciler.ts';
import { createRegistryReader } from '../reconciler/registry-reader.ts';
import { createForge } from '../service/create-forge.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import { EXIT, UsageError, type CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { CLI_WRITER } from './open-cli-store.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** `previewd reconcile --once`. */
export async function runReconcile(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(args, { options: { once: { type: 'boolean' } } });
  if (!values.once) throw new UsageError('--once is required: the service itself runs a round on RESYNC_SCHEDULE');
  const settings = await loadCliSettings(io);
  const assets = await loadAssets();
  const log = createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, io.stderr);
  const { store } = await openGitOpsStore(settings, { ...CLI_WRITER, log });
  const forge = createForge(settings.github, log);
  const validators = createConfigValidators(assets.schemas);
  const registry = createRegistryReader(store, validators);
  const published: PublishedCommit[] = [];
  const reconciler = createReconciler({
    store, forge, lifecycle: forge, registry, validators, templates: assets.templates, now: () => new Date(), log,
    onPublished: (result) => void published.push(...result.published),
  });
  const report = await resyncOnce({ store, fetch: () => store.fetch(), registry, lifecycle: forge, statuses: reconciler.statuses, enqueue: reconciler.enqueue, now: () => new Date(), log });
  await reconciler.close();
  for (const p of published) io.stdout.write(`${p.commit.slice(0, 7)} ${p.subject}\n`);
  if (forge === null) io.stdout.write('GitHub is not configured: only expiry was checked (set GITHUB_TOKEN or a GitHub App for the rest).\n');
  io.stdout.write(`${published.length} commit(s); ${report.repos} repositories checked (${report.unchanged} unchanged), ${report.queued} pull request(s) reconciled, ${report.expired} expired.\n`);
  for (const e of report.errors) io.stderr.write(`skipped ${e.repo}: ${e.message}\n`);
  return report.errors.length > 0 ? EXIT.failed : EXIT.done;
}

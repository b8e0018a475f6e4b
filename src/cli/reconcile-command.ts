import { createLogger } from '../adapters/logger.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { resyncOnce } from '../jobs/resync-once.ts';
import type { PublishedCommit } from '../ports/gitops-store.ts';
import { createReconciler } from '../reconciler/create-reconciler.ts';
import { createRegistryReader } from '../reconciler/registry-reader.ts';
import { createForge } from '../service/create-forge.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { CLI_WRITER } from './open-cli-store.ts';

const USAGE = `Usage: previewd reconcile --once

Runs one full resync round now — open pull requests without their environment get one, environments
of closed pull requests are removed, expired ones expire — and prints every commit it made. It is the
round the service runs on RESYNC_SCHEDULE, made as a writer of its own beside a running service (a
clone of its own for a remote; refs of its own in the local repository), published by compare-and-swap.`;

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'run one resync round now and print what it changed',
  usage: USAGE,
  async run(args, io) {
    if (!args.includes('--once')) throw new UsageError('only --once is supported: the service itself runs a round on RESYNC_SCHEDULE');
    const { settings, assets } = await loadCliSettings(io);
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
    const report = await resyncOnce({ store, refresh: () => store.refresh(), registry, lifecycle: forge, statuses: reconciler.statuses, enqueue: reconciler.enqueue, now: () => new Date(), log });
    await reconciler.close();
    for (const p of published) io.stdout.write(`${p.commit.slice(0, 7)} ${p.subject}\n`);
    if (forge === null) io.stdout.write('GitHub is not configured: only expiry was checked (set GITHUB_TOKEN or a GitHub App for the rest).\n');
    io.stdout.write(`${published.length} commit(s); ${report.repos} repositories checked (${report.unchanged} unchanged), ${report.queued} pull request(s) reconciled, ${report.expired} expired.\n`);
    for (const e of report.errors) io.stderr.write(`skipped ${e.repo}: ${e.message}\n`);
    return report.errors.length > 0 ? 1 : 0;
  },
};

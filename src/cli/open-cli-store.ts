import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import type { CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';

/**
 * The GitOps repository as the service sees it, read-only: the published branch of the local
 * repository, or of the remote fetched into a clone of the CLI's own (never the service's).
 */
/**
 * How a CLI command that writes (rollback, reconcile --once) opens the repository beside a running
 * service: a clone of its own for a remote, refs of its own in the local repository, and no commit an
 * earlier failed run left behind.
 */
export const CLI_WRITER = { clone: 'cli.git', refNamespace: 'previewd-cli', discardUnpublished: true } as const;

export async function openCliStore(io: CliIo): Promise<IsomorphicGitStore> {
  const settings = await loadCliSettings(io);
  const { store } = await openGitOpsStore(settings, { readOnly: true, clone: CLI_WRITER.clone });
  return store;
}

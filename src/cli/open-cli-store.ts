import type { IsomorphicGitStore } from '../adapters/git/isomorphic-git-store.ts';
import { openGitOpsStore } from '../service/open-gitops-store.ts';
import type { CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';

/**
 * The GitOps repository as the service sees it, read-only: the published branch of the local
 * repository, or of the remote fetched into a clone of the CLI's own (never the service's).
 */
export async function openCliStore(io: CliIo): Promise<IsomorphicGitStore> {
  const { settings } = await loadCliSettings(io);
  const { store } = await openGitOpsStore(settings, { readOnly: true, clone: 'cli.git' });
  return store;
}

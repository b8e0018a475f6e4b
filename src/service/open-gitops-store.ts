import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openHealingStore } from '../adapters/git/healing-store.ts';
import type { IsomorphicGitStore, IsomorphicGitStoreOptions, StoreLogger } from '../adapters/git/isomorphic-git-store.ts';
import { initGitopsRepo } from '../adapters/init-gitops-repo.ts';
import type { Settings } from '../domain/load-settings.ts';

/** How to open it: `refNamespace` and `discardUnpublished` as in {@link IsomorphicGitStoreOptions}. */
export type OpenGitOpsStoreOptions = { log?: StoreLogger; clone?: string } & Pick<IsomorphicGitStoreOptions, 'readOnly' | 'refNamespace' | 'discardUnpublished'>;

/**
 * The GitOps store the settings describe. The embedded default (no GITOPS_REPO_URL) is a local
 * repository in DATA_DIR, created from the skeleton on first start. `clone` names the bare clone of a
 * remote: the service and the CLI keep separate ones, so that a command never moves the service's refs.
 */
export async function openGitOpsStore(settings: Settings, options: OpenGitOpsStoreOptions): Promise<{ store: IsomorphicGitStore; created: boolean }> {
  const { gitops } = settings;
  let created = false;
  if (gitops.kind === 'local' && !existsSync(join(gitops.dir, '.git'))) {
    await initGitopsRepo(gitops.dir, { branch: gitops.branch, author: gitops.author });
    created = true;
  }
  const location = gitops.kind === 'local'
    ? { kind: 'local' as const, dir: gitops.dir }
    : {
        kind: 'remote' as const, url: gitops.url, clone: join(settings.dataDir, options.clone ?? 'gitops.git'),
        ...(gitops.username ? { username: gitops.username } : {}), ...(gitops.token ? { token: gitops.token } : {}),
      };
  const store = await openHealingStore({
    location, branch: gitops.branch, author: gitops.author,
    ...(options.log ? { log: options.log } : {}), ...(options.readOnly ? { readOnly: true } : {}),
    ...(options.refNamespace ? { refNamespace: options.refNamespace } : {}), ...(options.discardUnpublished ? { discardUnpublished: true } : {}),
  });
  return { store, created };
}

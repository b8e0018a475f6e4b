import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.ts';
import { StoreStateError } from './errors.ts';
import { createHttpTransport, type HttpRemote } from './http-transport.ts';
import { createLocalTransport } from './local-transport.ts';
import { repoContext, type RepoContext } from './repo-context.ts';
import type { Transport } from './transport.ts';

/** Where the GitOps repository is: a remote previewd keeps a bare clone of, or a local repository. */
export type GitOpsLocation =
  | ({ kind: 'remote'; clone: string } & Omit<HttpRemote, 'branch'>)
  | { kind: 'local'; dir: string };

export interface OpenedRepository {
  ctx: RepoContext;
  transport: Transport;
  /** previewd's own branch: its commits, published or not. */
  localRef: string;
  /** The target tip that previewd's unpublished commits are built on. */
  baseRef: string;
  describe: string;
}

/** The service's refs: `refs/previewd/<branch>` and `refs/previewd/base/<branch>`. */
export const DEFAULT_REF_NAMESPACE = 'previewd';

const NAMESPACE_RE = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Opens (creating when needed) the repository previewd commits in. A remote gets a bare clone without
 * a working tree; a local repository (the embedded default) is used in place, with previewd's
 * commits on a private ref until they are published to the branch. `refNamespace` names those
 * private refs (`refs/<namespace>/…`): a second writer in the same repository (the CLI beside the
 * service) takes one of its own, so that neither moves the other's refs; both publish by
 * compare-and-swap on the branch.
 */
export async function openRepository(location: GitOpsLocation, branch: string, refNamespace: string = DEFAULT_REF_NAMESPACE): Promise<OpenedRepository> {
  if (!NAMESPACE_RE.test(refNamespace)) throw new StoreStateError(`ref namespace ${JSON.stringify(refNamespace)} is not a lower-case name (letters, digits and '-')`);
  const baseRef = `refs/${refNamespace}/base/${branch}`;
  if (location.kind === 'local') {
    const gitdir = join(location.dir, '.git');
    if (!existsSync(join(gitdir, 'HEAD'))) {
      throw new StoreStateError(`${location.dir} is not a git repository: create it with 'previewd init ${location.dir}'`);
    }
    const ctx = repoContext(gitdir);
    return {
      ctx,
      transport: createLocalTransport(ctx, location.dir, branch),
      localRef: `refs/${refNamespace}/${branch}`,
      baseRef,
      describe: location.dir,
    };
  }
  const ctx = repoContext(location.clone);
  const localRef = `refs/heads/${branch}`;
  if (!existsSync(join(location.clone, 'HEAD'))) {
    await git.init({ fs: ctx.fs, gitdir: ctx.gitdir, bare: true, defaultBranch: branch });
    await git.setConfig({ fs: ctx.fs, gitdir: ctx.gitdir, path: 'remote.origin.url', value: location.url });
    await git.setConfig({ fs: ctx.fs, gitdir: ctx.gitdir, path: 'remote.origin.fetch', value: `+refs/heads/${branch}:refs/remotes/origin/${branch}` });
  } else {
    const url = await git.getConfig({ fs: ctx.fs, gitdir: ctx.gitdir, path: 'remote.origin.url' });
    if (url !== location.url) {
      throw new StoreStateError(`${location.clone} is a clone of ${String(url)}, not of ${location.url}: point DATA_DIR elsewhere or remove that folder`);
    }
  }
  return {
    ctx,
    transport: createHttpTransport(ctx, { ...location, branch }, localRef),
    localRef,
    baseRef,
    describe: location.url,
  };
}

import { PREVIEWS_DIR, parseEnvFolder } from '../../domain/environment.ts';
import type { EnvEntry } from '../../ports/gitops-store.ts';
import type { RepoContext } from './repo-context.ts';
import { folderAt, readEntries } from './tree-read.ts';

/** How many `previews/<owner>/<repo>/pr-<n>` folders a root tree holds in the repositories `inRepo` accepts. */
export async function countEnvironments(ctx: RepoContext, root: string | null, inRepo: (owner: string, repo: string) => boolean): Promise<number> {
  const previews = await folderAt(ctx, root, PREVIEWS_DIR);
  let count = 0;
  for (const owner of await readEntries(ctx, previews)) {
    if (owner.type !== 'tree') continue;
    for (const repo of await readEntries(ctx, owner.oid)) {
      if (repo.type !== 'tree' || !inRepo(owner.path, repo.path)) continue;
      for (const pr of await readEntries(ctx, repo.oid)) {
        if (pr.type === 'tree' && parseEnvFolder(`${PREVIEWS_DIR}/${owner.path}/${repo.path}/${pr.path}`)) count++;
      }
    }
  }
  return count;
}

/** Every `previews/<owner>/<repo>/pr-<n>` folder in a root tree; anything else there is ignored. */
export async function listEnvironments(ctx: RepoContext, root: string | null): Promise<EnvEntry[]> {
  const previews = await folderAt(ctx, root, PREVIEWS_DIR);
  const out: EnvEntry[] = [];
  for (const owner of await readEntries(ctx, previews)) {
    if (owner.type !== 'tree') continue;
    for (const repo of await readEntries(ctx, owner.oid)) {
      if (repo.type !== 'tree') continue;
      for (const pr of await readEntries(ctx, repo.oid)) {
        const folder = `${PREVIEWS_DIR}/${owner.path}/${repo.path}/${pr.path}`;
        const env = pr.type === 'tree' ? parseEnvFolder(folder) : null;
        if (env) out.push({ env, folder, tree: pr.oid });
      }
    }
  }
  return out;
}

import { join } from 'node:path';
import { openIsomorphicGitStore, type IsomorphicGitStore, type IsomorphicGitStoreOptions } from '../../src/adapters/git/isomorphic-git-store.ts';
import type { EnvRef } from '../../src/domain/environment.ts';
import type { FileChange } from '../../src/domain/file-change.ts';
import type { ChangeSet } from '../../src/ports/gitops-store.ts';
import type { GitOpsRemote } from './gitops-remote.ts';

export const author = { name: 'previewd', email: 'previewd@localhost' };

/** A store on a fresh clone of the test remote; no waiting between push retries. */
export function openStore(remote: GitOpsRemote, overrides: Partial<IsomorphicGitStoreOptions> & { clone?: string; push?: 'thin' | 'stock'; token?: string; username?: string } = {}): Promise<IsomorphicGitStore> {
  const { clone, push, token, username, ...rest } = overrides;
  return openIsomorphicGitStore({
    location: {
      kind: 'remote', url: remote.url, clone: clone ?? join(remote.tmp, 'clone.git'),
      ...(push ? { push } : {}), ...(token ? { token } : {}), ...(username ? { username } : {}),
    },
    branch: 'main',
    author,
    sleep: async () => undefined,
    ...rest,
  });
}

export function folderOf(env: EnvRef): string {
  return `previews/${env.owner.toLowerCase()}/${env.repo.toLowerCase()}/pr-${env.pr}`;
}

/** The three files of an environment (DESIGN.md), with content that varies with `sha`. */
export function envFiles(env: EnvRef, sha: string): FileChange[] {
  const folder = folderOf(env);
  return [
    { type: 'write', path: `${folder}/kustomization.yaml`, content: `resources:\n  - namespace.yaml\nimages:\n  - name: app\n    newTag: ${sha}\n` },
    { type: 'write', path: `${folder}/namespace.yaml`, content: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: pv-${env.repo}-pr-${env.pr}\n` },
    { type: 'write', path: `${folder}/preview.json`, content: `${JSON.stringify({ id: `${env.repo}-pr-${env.pr}`, sha })}\n` },
  ];
}

export function deploy(env: EnvRef, sha: string, action: 'create' | 'update' = 'update'): ChangeSet {
  return { env, changes: envFiles(env, sha), meta: { action, sha, actor: 'octocat', delivery: `delivery-${sha.slice(0, 8)}`, repoUrl: `https://github.com/${env.owner}/${env.repo}` } };
}

export function destroy(env: EnvRef): ChangeSet {
  return { env, changes: [{ type: 'delete', path: folderOf(env) }], meta: { action: 'destroy', actor: 'octocat' } };
}

export function sha(n: number): string {
  return n.toString(16).padStart(40, 'a');
}

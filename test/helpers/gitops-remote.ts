import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from './git-cli.ts';
import { startGitHttpServer, type GitHttpServer, type GitHttpServerOptions } from './git-http-server.ts';

/** A GitOps remote for one test: a bare repository behind `git http-backend`, and a person's clone of it. */
export interface GitOpsRemote {
  tmp: string;
  server: GitHttpServer;
  url: string;
  /** The bare repository on the "server" side. */
  bare: string;
  /** A person's working clone (git CLI), for racing previewd. */
  human: string;
  /** Commits files in the person's clone and pushes them; returns the new commit id. */
  humanCommit(files: Record<string, string | null>, message: string): Promise<string>;
  /** `git ls-tree`-style read of a file on the server's branch, or null. */
  remoteFile(path: string): Promise<string | null>;
  remoteHead(): Promise<string>;
  /** Runs `git fsck --strict` on the bare repository and throws on any problem. */
  fsck(): Promise<void>;
  close(): Promise<void>;
}

export async function createGitOpsRemote(
  seed: Record<string, string> = { 'README.md': '# GitOps\n', 'previews/.gitkeep': '' },
  options: Omit<GitHttpServerOptions, 'root'> = {},
): Promise<GitOpsRemote> {
  const tmp = await mkdtemp(join(tmpdir(), 'previewd-remote-'));
  const root = join(tmp, 'srv');
  const bare = join(root, 'gitops.git');
  await mkdir(bare, { recursive: true });
  await git(bare, ['init', '--quiet', '--bare', '--initial-branch=main']);
  const server = await startGitHttpServer({ ...options, root });
  const url = server.url('gitops.git');
  const authed = options.auth ? url.replace('http://', `http://${options.auth.username}:${options.auth.password}@`) : url;
  const human = join(tmp, 'human');
  await git(tmp, ['clone', '--quiet', authed, human]);
  await git(human, ['checkout', '--quiet', '-B', 'main']);

  async function humanCommit(files: Record<string, string | null>, message: string): Promise<string> {
    await git(human, ['pull', '--quiet', '--rebase', 'origin', 'main']).catch(() => undefined);
    for (const [path, content] of Object.entries(files)) {
      const full = join(human, path);
      if (content === null) {
        await rm(full, { recursive: true, force: true });
      } else {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    await git(human, ['add', '-A']);
    await git(human, ['commit', '--quiet', '-m', message]);
    await git(human, ['push', '--quiet', 'origin', 'HEAD:main']);
    return git(human, ['rev-parse', 'HEAD']);
  }
  await humanCommit(seed, 'Initial GitOps repository');

  return {
    tmp, server, url, bare, human, humanCommit,
    async remoteFile(path) {
      return git(bare, ['show', `main:${path}`]).catch(() => null);
    },
    remoteHead: () => git(bare, ['rev-parse', 'main']),
    async fsck() {
      await git(bare, ['fsck', '--strict', '--no-dangling', '--no-progress']);
    },
    async close() {
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

import { spawn } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import type { EnvRef } from '../src/domain/environment.ts';
import { gitEnv } from '../test/helpers/git-cli.ts';
import { envFiles } from '../test/helpers/store-fixture.ts';

/**
 * `count` environments spread the way a platform sees them: many repositories with a handful of open
 * PRs each (10 per repository, 50 repositories per owner).
 */
export function spreadEnvironments(count: number): EnvRef[] {
  return Array.from({ length: count }, (_, i) => ({
    owner: `org${Math.floor(i / 500)}`,
    repo: `service${Math.floor(i / 10) % 50}`,
    pr: (i % 10) + 1,
  }));
}

/** Every environment in a single repository: the widest tree previewd can meet. */
export function oneRepository(count: number): EnvRef[] {
  return Array.from({ length: count }, (_, i) => ({ owner: 'org0', repo: 'monorepo', pr: i + 1 }));
}

/** Creates a bare repository whose `main` holds the given environments (3 files each), with git fast-import. */
export async function createBareGitOpsRepo(path: string, envs: readonly EnvRef[]): Promise<void> {
  const files: Array<[string, string]> = [['README.md', '# GitOps\n'], ['previewd.yaml', 'domain: preview.example.com\n']];
  for (const env of envs) for (const f of envFiles(env, '0'.repeat(40))) if (f.type === 'write') files.push([f.path, String(f.content)]);
  await createBareRepoWith(path, files, `Seed ${envs.length} environments`);
}

/** Creates a bare repository whose `main` holds exactly these files, in one commit, with git fast-import. */
export async function createBareRepoWith(path: string, files: ReadonlyArray<readonly [string, string]>, subject: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await run(path, ['init', '--quiet', '--bare', '--initial-branch=main']);
  const chunks: Buffer[] = [];
  const message = Buffer.from(`${subject}\n`);
  chunks.push(Buffer.from(`commit refs/heads/main\ncommitter Bench <bench@localhost> 1700000000 +0000\ndata ${message.length}\n`), message);
  for (const [p, content] of files) {
    const data = Buffer.from(content);
    chunks.push(Buffer.from(`M 100644 inline ${p}\ndata ${data.length}\n`), data, Buffer.from('\n'));
  }
  await run(path, ['fast-import', '--quiet'], Buffer.concat(chunks));
  await run(path, ['gc', '--quiet']);
}

export async function copyRepo(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

export function run(cwd: string, args: string[], input?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} failed (${String(code)}): ${stderr}`))));
    child.stdin.end(input);
  });
}


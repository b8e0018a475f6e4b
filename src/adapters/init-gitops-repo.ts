import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * The skeleton shipped with the package. Resolved from this module, not the cwd, so that an installed
 * previewd finds it wherever it is run: src/adapters/ and dist/adapters/ both sit two levels below the
 * package root.
 */
export const skeletonDir: string = fileURLToPath(new URL('../../gitops-repo-skeleton/', import.meta.url));

export interface GitIdentity {
  name: string;
  email: string;
}

export interface InitGitopsRepoOptions {
  /** Defaults to the package's own `gitops-repo-skeleton/`. */
  skeleton?: string;
  /** Defaults to `main`. */
  branch?: string;
  /** Wins over `GIT_AUTHOR_*` in `env`; both fall back to `previewd <previewd@localhost>`. */
  author?: GitIdentity;
  /** The environment git runs with (PATH, HOME, GIT_AUTHOR_*, GIT_COMMITTER_*). Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  message?: string;
}

export interface InitGitopsRepoResult {
  dir: string;
  branch: string;
  commit: string;
}

/** DIR exists and holds something: init never writes over a user's files. */
export class DirectoryNotEmptyError extends Error {
  override name = 'DirectoryNotEmptyError';
  constructor(readonly dir: string, options?: ErrorOptions) {
    super(`${dir} exists and is not an empty directory; choose a new or empty one`, options);
  }
}

/** A git command failed; the message carries git's own stderr. */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  constructor(readonly args: readonly string[], stderr: string, options?: ErrorOptions) {
    super(`git ${args.join(' ')} failed${stderr.trim() ? `: ${stderr.trim()}` : ''}`, options);
  }
}

const defaultAuthor: GitIdentity = { name: 'previewd', email: 'previewd@localhost' };

// Variables that would point git at some other repository (e.g. when run from inside a git hook).
const repositoryVariables = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_COMMON_DIR'];

function resolveIdentity(env: NodeJS.ProcessEnv, author: GitIdentity | undefined): { author: GitIdentity; committer: GitIdentity } {
  const resolvedAuthor = author ?? {
    name: env.GIT_AUTHOR_NAME || defaultAuthor.name,
    email: env.GIT_AUTHOR_EMAIL || defaultAuthor.email,
  };
  const committer = {
    name: env.GIT_COMMITTER_NAME || resolvedAuthor.name,
    email: env.GIT_COMMITTER_EMAIL || resolvedAuthor.email,
  };
  return { author: resolvedAuthor, committer };
}

/** Whether `dir` is absent or an empty directory; anything else cannot take a new repository. */
async function checkTarget(dir: string): Promise<'absent' | 'empty'> {
  let info;
  try {
    info = await stat(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  if (!info.isDirectory()) throw new DirectoryNotEmptyError(dir);
  const entries = await readdir(dir);
  if (entries.length > 0) throw new DirectoryNotEmptyError(dir);
  return 'empty';
}

/**
 * Creates a new GitOps repository in `dir` from the skeleton: copies it and makes one commit on `branch`.
 * Uses the git CLI with argument arrays (no shell). On failure it removes what it wrote, so a retry finds
 * the directory as it was.
 */
export async function initGitopsRepo(dir: string, options: InitGitopsRepoOptions = {}): Promise<InitGitopsRepoResult> {
  const target = path.resolve(dir);
  const skeleton = options.skeleton ?? skeletonDir;
  const branch = options.branch ?? 'main';
  const baseEnv = options.env ?? process.env;
  const { author, committer } = resolveIdentity(baseEnv, options.author);
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  for (const name of repositoryVariables) delete env[name];
  Object.assign(env, {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
  });

  async function git(args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync('git', args, { cwd: target, env, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (err) {
      const stderr = (err as { stderr?: unknown }).stderr;
      throw new GitCommandError(args, typeof stderr === 'string' ? stderr : '', { cause: err });
    }
  }

  const before = await checkTarget(target);
  try {
    await mkdir(target, { recursive: true });
    // dereference: the skeleton's schema/ is a symlink into previewd's own schema/, and the new
    // repository must carry real files (a link would point outside it, or nowhere, once cloned).
    await cp(skeleton, target, { recursive: true, dereference: true, errorOnExist: true, force: false });
    await git(['init', '--quiet', `--initial-branch=${branch}`]);
    // --force: the user's global excludes must not silently leave a skeleton file out.
    await git(['add', '--all', '--force']);
    // A user's global signing or hook settings must not break or alter the initial commit.
    await git([
      '-c', 'commit.gpgsign=false',
      'commit', '--quiet', '--no-verify',
      '--message', options.message ?? 'Initial GitOps repository from the previewd skeleton',
    ]);
    const commit = (await git(['rev-parse', 'HEAD'])).trim();
    return { dir: target, branch, commit };
  } catch (err) {
    if (before === 'absent') {
      await rm(target, { recursive: true, force: true });
    } else {
      for (const entry of await readdir(target)) await rm(path.join(target, entry), { recursive: true, force: true });
    }
    throw err;
  }
}

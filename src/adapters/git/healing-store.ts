import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { GitOpsStoreError, StoreStateError } from './errors.ts';
import { openIsomorphicGitStore, type IsomorphicGitStore, type IsomorphicGitStoreOptions } from './isomorphic-git-store.ts';
import { DEFAULT_REF_NAMESPACE } from './open-repository.ts';
import { repoContext } from './repo-context.ts';
import { cloneProblem } from './verify-clone.ts';

/** The clone was found damaged while in use; it is being set aside and cloned again. Transient. */
export class CloneCorruptError extends GitOpsStoreError {
  override name = 'CloneCorruptError';
  override readonly transient = true;
}

/** The local GitOps repository (no remote) is damaged: previewd cannot clone it again. Terminal. */
export class LocalRepositoryCorruptError extends GitOpsStoreError {
  override name = 'LocalRepositoryCorruptError';
}

const CORRUPT_CODES = new Set(['NotFoundError', 'ObjectTypeError', 'InternalError', 'DecompressionError', 'ParseError', 'Z_DATA_ERROR', 'Z_BUF_ERROR']);

/** Whether an error from reading the clone means that the clone itself is damaged. */
export function isCorruption(err: unknown): boolean {
  if (err instanceof StoreStateError) return /does not descend/.test(err.message);
  if (err instanceof GitOpsStoreError) return false;
  const e = err as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && CORRUPT_CODES.has(e.code)) return true;
  return typeof e?.message === 'string' && /incorrect header check|unexpected end of file|invalid (stored block|distance|code)|Could not find [0-9a-f]{7,}/i.test(e.message);
}

function localAdvice(dir: string, problem: string): string {
  return `the local GitOps repository ${dir} is damaged (${problem}). previewd keeps it in place, as it is the only copy: run 'git fsck --full' in it to see what is wrong, restore it from a copy; or move it away and start previewd again, which creates a fresh one from the skeleton and rebuilds the environments from the journaled events and the next resync`;
}

type Logger = NonNullable<IsomorphicGitStoreOptions['log']>;

/**
 * A store whose clone is a cache that heals. At start the clone is checked whole (objects, packs,
 * refs); a damaged one is set aside (renamed, kept for a person to look at) and cloned again from the
 * remote. A read that fails later on damage does the same, and the failing call throws a transient
 * CloneCorruptError, so that it is retried on the fresh clone. Commits previewd had not published are
 * not carried over: they come back when the inbox replays the events they came from, which stay in it
 * until published. A local repository (no remote) has no second copy: its damage stops previewd with a
 * message saying how to repair it.
 */
export async function openHealingStore(options: IsomorphicGitStoreOptions): Promise<IsomorphicGitStore> {
  const { location } = options;
  const log: Logger | undefined = options.log;
  const ns = options.refNamespace ?? DEFAULT_REF_NAMESPACE;
  const gitdir = location.kind === 'remote' ? location.clone : join(location.dir, '.git');
  const refs = [`refs/heads/${options.branch}`, `refs/remotes/origin/${options.branch}`, `refs/${ns}/${options.branch}`, `refs/${ns}/base/${options.branch}`];

  async function setAside(problem: string): Promise<void> {
    if (location.kind === 'local') throw new LocalRepositoryCorruptError(localAdvice(location.dir, problem));
    const aside = `${location.clone}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(location.clone, aside);
    log?.warn({ problem, aside }, 'the GitOps clone is damaged: set aside and cloned again from the remote');
  }

  async function open(): Promise<IsomorphicGitStore> {
    if (existsSync(join(gitdir, 'HEAD'))) {
      const problem = await cloneProblem(repoContext(gitdir), refs);
      if (problem !== null) await setAside(problem);
    }
    try {
      return await openIsomorphicGitStore(options);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      await setAside(err instanceof Error ? err.message : String(err));
      return openIsomorphicGitStore(options);
    }
  }

  let current = await open();
  let healing: Promise<void> | null = null;

  function heal(err: unknown): void {
    healing ??= (async () => {
      await setAside(err instanceof Error ? err.message : String(err));
      current = await open();
    })().catch((healErr: unknown) => log?.warn({ err: healErr }, 'could not clone the GitOps repository again; the next failing read tries again'))
      .finally(() => {
        healing = null;
      });
  }

  function guarded<K extends keyof IsomorphicGitStore>(name: K): IsomorphicGitStore[K] {
    const call = async (...args: unknown[]): Promise<unknown> => {
      if (healing) await healing;
      try {
        return await (current[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        if (!isCorruption(err)) throw err;
        if (location.kind === 'local') throw new LocalRepositoryCorruptError(localAdvice(location.dir, err instanceof Error ? err.message : String(err)), { cause: err });
        heal(err);
        throw new CloneCorruptError(`the GitOps clone is damaged (${err instanceof Error ? err.message : String(err)}): cloning it again; this is retried`, { cause: err });
      }
    };
    return call as IsomorphicGitStore[K];
  }

  return {
    get gitdir() {
      return current.gitdir;
    },
    commit: guarded('commit'),
    // Unknown targets are the caller's mistake (RevertTargetError), not damage: not guarded.
    revert: (...args) => current.revert(...args),
    publish: guarded('publish'),
    refresh: guarded('refresh'),
    fetch: guarded('fetch'),
    // Like revert: an unknown target is the caller's mistake, not damage.
    rollbackTarget: (...args) => current.rollbackTarget(...args),
    commitEnvironments: (...args) => current.commitEnvironments(...args),
    listEnvironments: guarded('listEnvironments'),
    countEnvironments: guarded('countEnvironments'),
    readEnvironment: guarded('readEnvironment'),
    readFile: guarded('readFile'),
    history: guarded('history'),
    hasDelivery: guarded('hasDelivery'),
    stepsBetween: guarded('stepsBetween'),
    contains: guarded('contains'),
    head: guarded('head'),
    pendingCount: guarded('pendingCount'),
  };
}

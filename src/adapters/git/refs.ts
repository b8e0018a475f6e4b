import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';

/** A ref's commit id, or null when the ref does not exist. */
export async function readRef(ctx: RepoContext, ref: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs: ctx.fs, gitdir: ctx.gitdir, ref });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return null;
    throw err;
  }
}

/**
 * Writes a loose ref atomically (temp file + rename), so that a crash never leaves a ref half-written.
 * isomorphic-git's writeRef writes in place.
 */
export async function writeRef(ctx: RepoContext, ref: string, oid: string): Promise<void> {
  const path = join(ctx.gitdir, ref);
  await fsp.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.previewd-${process.pid}.tmp`;
  await fsp.writeFile(tmp, `${oid}\n`);
  await fsp.rename(tmp, path);
}

/**
 * Compare-and-swap of a ref with git's own lock-file protocol (`<ref>.lock` created exclusively), so
 * that it is safe against a git CLI writing the same repository. Returns false when the ref is not at
 * `expected` or another writer holds the lock.
 */
export async function swapRef(ctx: RepoContext, ref: string, expected: string | null, next: string): Promise<boolean> {
  const path = join(ctx.gitdir, ref);
  const lock = `${path}.lock`;
  await fsp.mkdir(dirname(path), { recursive: true });
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  let renamed = false;
  try {
    if ((await readRef(ctx, ref)) !== expected) return false;
    await handle.writeFile(`${next}\n`);
    await handle.sync();
    await handle.close();
    await fsp.rename(lock, path);
    renamed = true;
    return true;
  } finally {
    if (!renamed) {
      await handle.close().catch(() => undefined);
      await fsp.rm(lock, { force: true });
    }
  }
}

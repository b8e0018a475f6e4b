import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small tmpfs (a disk that fills), mounted for one test; needs root. Always `close()` it. */
export interface SmallTmpfs {
  dir: string;
  /** Fills what is left with a file (ENOSPC from here on). */
  fill(): Promise<void>;
  /** Removes the filler. */
  free(): Promise<void>;
  /** Remounts read-only (EROFS) or read-write. */
  readOnly(on: boolean): Promise<void>;
  close(): Promise<void>;
}

/** Whether this process may mount (root): the disk-fault tests need it. */
export function canMount(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export async function mountSmallTmpfs(size: string): Promise<SmallTmpfs> {
  const dir = await mkdtemp(join(tmpdir(), 'previewd-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  const filler = join(dir, 'filler');
  return {
    dir,
    async fill() {
      // dd stops at ENOSPC with the volume full; its non-zero exit is the point.
      await run('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k']).catch(() => undefined);
    },
    free: () => rm(filler, { force: true }),
    async readOnly(on) {
      await run('mount', ['-o', `remount,${on ? 'ro' : 'rw'}`, dir]);
    },
    async close() {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `bytes` to a file (helper for tests that need a file of a size). */
export async function writeBytes(path: string, bytes: number): Promise<void> {
  await writeFile(path, Buffer.alloc(bytes));
}

import { constants } from 'node:fs';
import { access, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/** DATA_DIR cannot be used: not a folder, not writable, or not creatable. */
export class DataDirUnusableError extends Error {
  override name = 'DataDirUnusableError';
}

/** Another live process holds DATA_DIR's lock. */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(readonly lockFile: string, readonly holder: LockHolder) {
    super(`DATA_DIR is in use by another previewd: pid ${holder.pid} on ${holder.host}, since ${holder.since} (${lockFile}). ` +
      'Two processes must never share a DATA_DIR: stop that one, or give this one another DATA_DIR');
  }
}

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** The holder's start time in clock ticks since boot (Linux), so that a reused pid is not taken for it. */
  startTicks?: number | null;
}

export interface DataDirLock {
  file: string;
  release(): Promise<void>;
}

export const LOCK_FILE = 'previewd.lock';

/**
 * Makes sure `dir` is a writable folder, creating what is missing one level at a time. (Node's
 * recursive mkdir loops for ever under /proc: `DATA_DIR=/proc/nope` must fail, not spin.)
 */
export async function ensureDataDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let existing = dir;
  for (;;) {
    try {
      if (!(await stat(existing)).isDirectory()) throw new DataDirUnusableError(`DATA_DIR ${dir}: ${existing} is not a folder`);
      break;
    } catch (err) {
      if (err instanceof DataDirUnusableError) throw err;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(dir, existing, err);
      missing.unshift(existing);
      if (dirname(existing) === existing) throw unusable(dir, existing, err);
      existing = dirname(existing);
    }
  }
  try {
    await access(existing, constants.W_OK);
  } catch (err) {
    throw unusable(dir, existing, err);
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, folder, err);
    }
  }
}

function unusable(dir: string, at: string, err: unknown): DataDirUnusableError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new DataDirUnusableError(`DATA_DIR ${dir} cannot be used (${code} at ${at}): set DATA_DIR to a folder previewd may create and write`, { cause: err });
}

/**
 * Takes DATA_DIR's lock: a file created exclusively, holding the pid, host and start. A lock whose
 * holder is gone (no such pid on this host, or a pid reused by another process) is stale and taken over.
 */
export async function lockDataDir(dir: string, self: { pid: number } = process): Promise<DataDirLock> {
  const file = join(dir, LOCK_FILE);
  const mine: LockHolder = { pid: self.pid, host: hostname(), since: new Date().toISOString(), startTicks: await startTicks(self.pid) };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(mine)}\n`, { flag: 'wx' });
      return { file, release: () => releaseLock(file, mine) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw unusable(dir, file, err);
    }
    const holder = await readHolder(file);
    if (holder !== null && (attempt > 0 || (await alive(holder, mine)))) throw new DataDirLockedError(file, holder);
    // Stale (or unreadable: a crash while writing it). Only one taker wins the exclusive create after.
    await unlink(file).catch(() => undefined);
  }
}

async function releaseLock(file: string, mine: LockHolder): Promise<void> {
  const holder = await readHolder(file);
  if (holder !== null && holder.pid === mine.pid && holder.since === mine.since) await unlink(file).catch(() => undefined);
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? { since: '?', ...value } as LockHolder : null;
  } catch {
    return null;
  }
}

async function alive(holder: LockHolder, mine: LockHolder): Promise<boolean> {
  // Another host's process cannot be checked from here: a shared volume's lock is respected.
  if (holder.host !== mine.host) return true;
  // The same pid as ours is a previous run of this process's slot (a container restarts as pid 1).
  if (holder.pid === mine.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const ticks = await startTicks(holder.pid);
  return holder.startTicks == null || ticks === null || ticks === holder.startTicks;
}

// Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses).
async function startTicks(pid: number): Promise<number | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

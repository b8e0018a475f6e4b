import { createHash, randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { translateStorageError } from '../storage-error.ts';

const LOOSE_OBJECT_RE = /[/\\]objects[/\\]([0-9a-f]{2})[/\\]([0-9a-f]{38})$/;

/** A loose object is whole when it inflates and its content hashes to its name. */
export function wholeObject(bytes: Buffer, oid: string): boolean {
  try {
    return createHash('sha1').update(inflateSync(bytes)).digest('hex') === oid;
  } catch {
    return false;
  }
}

function notFound(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, stat '${path}'`), { code: 'ENOENT', errno: -2, syscall: 'stat', path });
}

// Written beside the target and renamed over it: a reader (or the next start, after a crash or a full
// disk) sees the whole file or none, never the empty or partial file a failed write leaves.
async function atomicWrite(path: string, data: string | Uint8Array, options?: fs.WriteFileOptions): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fsp.writeFile(tmp, data, options);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}

/**
 * The file system isomorphic-git is given for the clone. Three guarantees it lacks on its own: every
 * file is written atomically; an existing loose object is trusted only if it is whole (isomorphic-git
 * skips writing an object whose file exists, so the empty file a full disk left would be used for good)
 * — a broken one is set aside and written again; and the volume's errors (full, read-only, failing)
 * come out as a transient StorageError, at this edge.
 */
export function guardedFs(): typeof fs {
  const guard = <A extends unknown[], R>(doing: string, f: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    try {
      return await f(...args);
    } catch (err) {
      throw translateStorageError(err, `${doing} ${String(args[0])} in the GitOps clone`);
    }
  };
  async function stat(path: string, options?: fs.StatOptions): Promise<fs.Stats | fs.BigIntStats> {
    const found = await fsp.stat(path, options);
    const m = LOOSE_OBJECT_RE.exec(path);
    if (m && !wholeObject(await fsp.readFile(path), `${m[1]}${m[2]}`)) {
      await fsp.rename(path, `${path}.broken-${Date.now()}`);
      throw notFound(path);
    }
    return found;
  }
  const promises = {
    ...fsp,
    readFile: guard('reading', fsp.readFile),
    writeFile: guard('writing', atomicWrite),
    mkdir: guard('making', fsp.mkdir),
    rmdir: guard('removing', fsp.rmdir),
    unlink: guard('removing', fsp.unlink),
    stat: guard('reading', stat),
    lstat: guard('reading', fsp.lstat),
    readdir: guard('listing', fsp.readdir),
    readlink: guard('reading', fsp.readlink),
    symlink: guard('writing', fsp.symlink),
  };
  return { ...fs, promises } as unknown as typeof fs;
}

import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.ts';
import { wholeObject } from './guarded-fs.ts';
import { readRef } from './refs.ts';
import type { RepoContext } from './repo-context.ts';

async function list(dir: string): Promise<string[]> {
  return fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
}

/**
 * What is wrong with a clone, or null when it is whole: every loose object inflates and hashes to its
 * name, every pack ends with the checksum of its content and has its index, and each of `refs` that
 * exists points at a commit the clone can read. Reads everything once (a start's cost: the clone is
 * previewd's cache, and one broken object would otherwise fail reads for good).
 */
export async function cloneProblem(ctx: RepoContext, refs: readonly string[]): Promise<string | null> {
  const objects = join(ctx.gitdir, 'objects');
  for (const dir of await list(objects)) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue;
    for (const file of await list(join(objects, dir))) {
      if (!/^[0-9a-f]{38}$/.test(file)) continue;
      if (!wholeObject(await fsp.readFile(join(objects, dir, file)), `${dir}${file}`)) return `the loose object ${dir}${file} is empty or damaged`;
    }
  }
  const packs = join(objects, 'pack');
  const files = await list(packs);
  for (const name of files.filter((f) => f.endsWith('.pack'))) {
    const data = await fsp.readFile(join(packs, name));
    const whole = data.length >= 32 && createHash('sha1').update(data.subarray(0, data.length - 20)).digest().equals(data.subarray(data.length - 20));
    if (!whole) return `the pack ${name} is truncated or damaged`;
    if (!files.includes(name.replace(/\.pack$/, '.idx'))) return `the pack ${name} has no index`;
  }
  for (const ref of refs) {
    const oid = await readRef(ctx, ref);
    if (oid === null) continue;
    try {
      await git.readCommit({ fs: ctx.fs, gitdir: ctx.gitdir, cache: {}, oid });
    } catch {
      return `${ref} points at ${oid}, a commit the clone does not have`;
    }
  }
  return null;
}

import { mkdir, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, writeFileSynced } from '../durable-files.ts';
import { packIndex } from './pack-index.ts';
import { writePackFile } from './pack-writer.ts';
import type { RepoContext } from './repo-context.ts';

const FANOUT = /^[0-9a-f]{2}$/;
const REST = /^[0-9a-f]{38}$/;

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

async function looseObjects(objects: string): Promise<string[]> {
  const oids: string[] = [];
  for (const dir of await readdir(objects)) {
    if (!FANOUT.test(dir)) continue;
    for (const file of await readdir(join(objects, dir))) if (REST.test(file)) oids.push(dir + file);
  }
  return oids;
}

/**
 * Moves the clone's loose objects into one pack, as `git repack -d` would for them: previewd writes
 * every object of its commits loose, and a clone that never packs grows a file per object (97k files
 * after ten minutes of 20 events/s). Returns how many objects were packed.
 *
 * Safe beside readers: the pack and its index are written under `objects/pack-staging/` and moved
 * into `objects/pack/` pack first, index last — a reader finds a pack only through its index, so it
 * sees the whole pack or none. Loose files are removed only after both are synced and installed; a reader that misses one looks
 * in the packs next and finds the object there. A crash part way leaves duplicates, never a loss.
 * Commits may go on meanwhile: objects never change, and only the loose files listed at the start are
 * removed, each once its copy is in an installed pack. Callers run one packing at a time.
 */
export async function packLooseObjects(ctx: RepoContext): Promise<number> {
  const objects = join(ctx.gitdir, 'objects');
  const oids = await looseObjects(objects);
  if (oids.length === 0) return 0;
  const staging = join(objects, 'pack-staging');
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // Named once its checksum is known: written under a temporary name first.
  const { checksum, entries } = await writePackFile(ctx, oids, join(staging, 'incoming.pack'));
  const name = `pack-${checksum.toString('hex')}`;
  await rename(join(staging, 'incoming.pack'), join(staging, `${name}.pack`));
  await writeFileSynced(join(staging, `${name}.idx`), packIndex(entries, checksum));
  await mkdir(join(objects, 'pack'), { recursive: true });
  await rename(join(staging, `${name}.pack`), join(objects, 'pack', `${name}.pack`));
  await rename(join(staging, `${name}.idx`), join(objects, 'pack', `${name}.idx`));
  await rmdir(staging);
  // The pack must be on disk, and found there, before the only other copies of its objects go.
  await syncDir(join(objects, 'pack'));
  // The fan-out folders stay, empty or not (256 at most): a commit writing an object meanwhile may have
  // just made its folder, and removing it then would fail that write.
  for (const oid of oids) await unlink(join(objects, oid.slice(0, 2), oid.slice(2))).catch(ignoreMissing);
  return oids.length;
}

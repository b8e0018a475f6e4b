import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { git } from './git.ts';
import { deflateObject } from './object-writer.ts';
import type { RepoContext } from './repo-context.ts';

const TYPE_CODE = { commit: 1, tree: 2, blob: 3, tag: 4 } as const;
type ObjectType = keyof typeof TYPE_CODE;

/** An object's type and content: from its loose file when there is one (what previewd just wrote), else via isomorphic-git. */
async function readRaw(ctx: RepoContext, oid: string): Promise<{ type: ObjectType; content: Buffer }> {
  try {
    const inflated = inflateSync(await readFile(join(ctx.gitdir, 'objects', oid.slice(0, 2), oid.slice(2))));
    const nul = inflated.indexOf(0);
    const type = inflated.subarray(0, inflated.indexOf(0x20)).toString('ascii') as ObjectType;
    return { type, content: inflated.subarray(nul + 1) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { type, object } = await git.readObject({ fs: ctx.fs, gitdir: ctx.gitdir, cache: ctx.cache, oid, format: 'content' });
  return { type: type as ObjectType, content: Buffer.from(object as Uint8Array) };
}

// Pack entry header: type in bits 4-6 of the first byte, size in 4 bits then 7 bits per byte, little end first.
function entryHeader(type: ObjectType, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (TYPE_CODE[type] << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

/** Where an object's entry is in a pack written here: what its index needs. */
export interface PackEntry {
  oid: string;
  offset: number;
  /** CRC-32 of the entry's bytes (header and deflated content), as git's index keeps it. */
  crc: number;
}

function packHeader(count: number): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'ascii');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(count, 8);
  return header;
}

/** An object's pack entry: its header and its deflated content. */
async function packEntry(ctx: RepoContext, oid: string): Promise<[Buffer, Buffer]> {
  const { type, content } = await readRaw(ctx, oid);
  return [entryHeader(type, content.length), await deflateObject(content)];
}

/**
 * A version 2 pack of whole (undeltified) objects, deflated with node:zlib. What previewd pushes is a
 * handful of small objects; deltas would save little and cost a search.
 */
export async function writePack(ctx: RepoContext, oids: readonly string[]): Promise<Buffer> {
  const parts: Buffer[] = [packHeader(oids.length)];
  for (const oid of oids) parts.push(...(await packEntry(ctx, oid)));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/**
 * {@link writePack} into a file, synced, one object at a time, saying where each entry is (for
 * packIndex): packing the clone's loose objects after a 2,000-PR burst (wide trees, ~100 MB of
 * objects) held the whole pack in memory, twice, and raised the service's peak RSS by ~170 MB.
 */
export async function writePackFile(ctx: RepoContext, oids: readonly string[], path: string): Promise<{ checksum: Buffer; entries: PackEntry[] }> {
  const handle = await open(path, 'w');
  try {
    const hash = createHash('sha1');
    const entries: PackEntry[] = [];
    const header = packHeader(oids.length);
    hash.update(header);
    await handle.write(header);
    let offset = header.length;
    for (const oid of oids) {
      const [head, deflated] = await packEntry(ctx, oid);
      entries.push({ oid, offset, crc: crc32(deflated, crc32(head)) });
      hash.update(head).update(deflated);
      await handle.writev([head, deflated]);
      offset += head.length + deflated.length;
    }
    const checksum = hash.digest();
    await handle.write(checksum);
    await handle.sync();
    return { checksum, entries };
  } finally {
    await handle.close();
  }
}

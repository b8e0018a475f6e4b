import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { constants, deflate, deflateSync } from 'node:zlib';
import type { TreeEntry } from 'isomorphic-git';
import { git } from './git.ts';
import type { RepoContext } from './repo-context.ts';

/** The id git gives `content` as an object of `type`. */
export function objectId(type: 'blob' | 'tree' | 'commit', content: Uint8Array): string {
  return createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
}

const deflateAsync = promisify(deflate);
// Git's own default for loose objects (core.looseCompression): speed over size.
const LEVEL = { level: constants.Z_BEST_SPEED };
// Above this, deflate on the thread pool rather than block the event loop (a wide tree is ~200 KB).
const ASYNC_ABOVE = 64 * 1024;

/** zlib deflate at git's loose-object level; large inputs off the event loop. */
export async function deflateObject(data: Buffer): Promise<Buffer> {
  return data.length > ASYNC_ABOVE ? deflateAsync(data, LEVEL) : deflateSync(data, LEVEL);
}

/**
 * Writes a loose object. isomorphic-git deflates through web streams on Node, which costs about a
 * millisecond per object; node:zlib does the same in a tenth of that, and isomorphic-git still
 * writes the file (`format: 'deflated'`).
 */
export async function writeObject(ctx: RepoContext, type: 'blob' | 'tree', content: Uint8Array): Promise<string> {
  const header = Buffer.from(`${type} ${content.length}\0`);
  const oid = objectId(type, content);
  const object = await deflateObject(Buffer.concat([header, content]));
  await git.writeObject({ fs: ctx.fs, gitdir: ctx.gitdir, type, object, format: 'deflated', oid });
  return oid;
}

// Git orders tree entries by the bytes of their names, comparing a folder's name as if it ended in
// '/'. The key is the UTF-8 bytes as a latin1 string, so that plain string comparison is byte order.
function sortKey(entry: TreeEntry): string {
  const name = entry.type === 'tree' ? `${entry.path}/` : entry.path;
  return Buffer.from(name, 'utf8').toString('latin1');
}

/** Entries in git's tree order. */
export function sortEntries(entries: readonly TreeEntry[]): TreeEntry[] {
  const keyed = entries.map((entry) => ({ key: sortKey(entry), entry }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.entry);
}

/** A tree object's bytes: `<mode> <name>\0<20-byte id>` per entry; `entries` must be in git's order. */
export function serializeTree(entries: readonly TreeEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    // Git writes folder modes without a leading zero; fsck --strict rejects '040000'.
    const mode = Number.parseInt(entry.mode, 8).toString(8);
    parts.push(Buffer.from(`${mode} ${entry.path}\0`), Buffer.from(entry.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

/**
 * Hashes a tree (entries in git's order) and starts writing it; returns the id at once and the
 * write to await. The tree is remembered parsed: the push that follows reads it again.
 */
export function startTreeWrite(ctx: RepoContext, entries: TreeEntry[]): { oid: string; written: Promise<string> } {
  const content = serializeTree(entries);
  const oid = objectId('tree', content);
  ctx.trees.set(oid, entries);
  return { oid, written: writeObject(ctx, 'tree', content) };
}

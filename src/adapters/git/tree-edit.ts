import type { TreeEntry } from 'isomorphic-git';
import { objectId, sortEntries, startTreeWrite, writeObject } from './object-writer.ts';
import type { RepoContext } from './repo-context.ts';
import { readEntries } from './tree-read.ts';

/** An edit of the tree: a file's content, a whole subtree by id (a rollback), or a removal. */
export type TreeEdit =
  | { type: 'write'; path: string; content: string | Uint8Array }
  | { type: 'graft'; path: string; tree: string }
  | { type: 'delete'; path: string };

type Node =
  | { kind: 'dir'; inherit: boolean; children: Map<string, Node> }
  | { kind: 'blob'; content: Uint8Array }
  | { kind: 'graft'; tree: string }
  | { kind: 'delete' };

function place(root: Node & { kind: 'dir' }, edit: TreeEdit): void {
  const segments = edit.path.split('/');
  let node = root;
  for (const [i, name] of segments.entries()) {
    if (i === segments.length - 1) {
      if (edit.type === 'write') {
        const content = typeof edit.content === 'string' ? Buffer.from(edit.content, 'utf8') : edit.content;
        node.children.set(name, { kind: 'blob', content });
      } else if (edit.type === 'graft') {
        node.children.set(name, { kind: 'graft', tree: edit.tree });
      } else {
        node.children.set(name, { kind: 'delete' });
      }
      return;
    }
    const child = node.children.get(name);
    if (child?.kind === 'dir') {
      node = child;
      continue;
    }
    // A folder not edited yet keeps what the base tree has there; one written over a removal or a
    // file starts empty; one under a graft starts from the grafted tree.
    const next: Node & { kind: 'dir' } = { kind: 'dir', inherit: child === undefined, children: new Map() };
    if (child?.kind === 'graft') {
      node.children.set(name, next);
      next.inherit = true;
      next.children.set('\0graft', child);
    } else {
      node.children.set(name, next);
    }
    node = next;
  }
}

function sameEntries(a: TreeEntry[], b: TreeEntry[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(b.map((e) => [e.path, e]));
  return a.every((e) => {
    const o = byName.get(e.path);
    return o !== undefined && o.oid === e.oid && o.type === e.type && Number.parseInt(o.mode, 8) === Number.parseInt(e.mode, 8);
  });
}

// Object ids are hashes known before the bytes reach the disk, so writes are started and awaited
// together at the end instead of one after another.
async function materialize(ctx: RepoContext, node: Node & { kind: 'dir' }, base: string | null, writes: Array<Promise<string>>): Promise<string | null> {
  const graft = node.children.get('\0graft');
  const start = graft?.kind === 'graft' ? graft.tree : base;
  const original = await readEntries(ctx, start);
  const entries = new Map(original.map((e) => [e.path, e]));
  for (const [name, child] of node.children) {
    if (name === '\0graft') continue;
    const existing = entries.get(name);
    if (child.kind === 'delete') {
      entries.delete(name);
    } else if (child.kind === 'graft') {
      entries.set(name, { mode: '040000', path: name, oid: child.tree, type: 'tree' });
    } else if (child.kind === 'blob') {
      // Hash first: rewriting an identical file must neither write an object nor change the tree.
      const oid = objectId('blob', child.content);
      if (existing?.type !== 'blob' || existing.oid !== oid) writes.push(writeObject(ctx, 'blob', child.content));
      entries.set(name, { mode: '100644', path: name, oid, type: 'blob' });
    } else {
      const sub = child.inherit && existing?.type === 'tree' ? existing.oid : null;
      const tree = await materialize(ctx, child, sub, writes);
      if (tree === null) entries.delete(name);
      else entries.set(name, { mode: '040000', path: name, oid: tree, type: 'tree' });
    }
  }
  // Git has no empty folders: an emptied one disappears from its parent.
  if (entries.size === 0) return null;
  const result = [...entries.values()];
  if (start !== null && sameEntries(result, original)) return start;
  // A Map keeps the order of the tree it was read from; only a new name needs sorting.
  const added = result.length > original.length || result.some((e, i) => original[i]?.path !== e.path || original[i]?.type !== e.type);
  const { oid, written } = startTreeWrite(ctx, added ? sortEntries(result) : result);
  writes.push(written);
  return oid;
}

/**
 * Applies edits to a root tree and returns the new root tree id (null: the tree became empty). Reads
 * and writes only the trees on the edited paths, so the cost follows the change, not the repository.
 * An edit that changes nothing returns `root` itself.
 */
export async function editTree(ctx: RepoContext, root: string | null, edits: readonly TreeEdit[]): Promise<string | null> {
  const top: Node & { kind: 'dir' } = { kind: 'dir', inherit: true, children: new Map() };
  for (const edit of edits) place(top, edit);
  const writes: Array<Promise<string>> = [];
  const tree = await materialize(ctx, top, root, writes);
  await Promise.all(writes);
  return tree;
}

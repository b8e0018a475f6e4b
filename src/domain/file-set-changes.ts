import type { FileChange, FileSet } from './file-change.ts';

/**
 * What turns an environment folder's current files into the desired ones: a write for each new or
 * changed file, a delete for each file no longer wanted; nothing for identical files, so an
 * unchanged preview yields [] and makes no commit. Paths come back repository-relative and sorted.
 */
export function fileSetChanges(folder: string, desired: FileSet, current: FileSet): FileChange[] {
  const changes: FileChange[] = [];
  for (const [name, content] of desired) {
    if (current.get(name) !== content) changes.push({ type: 'write', path: `${folder}/${name}`, content });
  }
  for (const name of current.keys()) {
    if (!desired.has(name)) changes.push({ type: 'delete', path: `${folder}/${name}` });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

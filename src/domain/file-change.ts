/**
 * A change to the GitOps tree, as data. Paths are repository-relative with '/' separators.
 * `delete` of a folder path removes everything below it.
 */
export type FileChange =
  | { type: 'write'; path: string; content: string | Uint8Array }
  | { type: 'delete'; path: string };

/** The files of one environment folder: path relative to the folder → content. */
export type FileSet = ReadonlyMap<string, string>;

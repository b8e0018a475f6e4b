import { ForgeError } from '../../ports/forge.ts';

/** The part of a "get repository content" answer that `fileText` reads. */
export type ContentAnswer =
  | readonly unknown[]
  | { type?: string; encoding?: string; content?: string; size?: number };

/**
 * The UTF-8 text of a file from the contents API. A directory, a symlink or submodule, a file over the
 * API's 1 MB limit (served with `encoding: none` and no content) and non-UTF-8 bytes are errors that a
 * retry cannot fix, so they are not transient.
 */
export function fileText(answer: ContentAnswer, where: string): string {
  if (Array.isArray(answer)) {
    throw new ForgeError(`${where} is a directory, not a file: point the path at a file.`, false);
  }
  const file = answer as Exclude<ContentAnswer, readonly unknown[]>;
  if (file.type !== 'file') {
    throw new ForgeError(`${where} is a ${file.type ?? 'thing of unknown type'}, not a regular file: use a regular file.`, false);
  }
  if (file.encoding === 'none' || (file.content === '' && (file.size ?? 0) > 0)) {
    throw new ForgeError(`${where} is ${file.size ?? 'over 1 MB of'} bytes: GitHub's contents API serves files up to 1 MB. Make the file smaller.`, false);
  }
  if (file.encoding !== 'base64' || typeof file.content !== 'string') {
    throw new ForgeError(`${where}: GitHub sent the file in an unexpected encoding (${file.encoding ?? 'none given'}).`, false);
  }
  try {
    // fatal: bytes that are not UTF-8 are refused instead of quietly becoming U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(file.content, 'base64'));
  } catch (error) {
    throw new ForgeError(`${where} is not UTF-8 text: save it as UTF-8.`, false, undefined, { cause: error });
  }
}

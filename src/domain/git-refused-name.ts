// Names git refuses as a path component, by git's own rules (verify_path, and fsck's is_hfs_dotgit,
// is_ntfs_dotgit and the .gitmodules/.gitattributes/.gitignore/.mailmap variants): `git fsck --strict`
// and a server with receive.fsckObjects reject a tree holding one, and core.protectNTFS/protectHFS (on
// by default) refuse to check it out, so one such folder would stop every clone of the GitOps repository.

// Code points HFS+ ignores when it compares names (git's next_hfs_char): `.g\u200cit` is `.git` there.
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/gu;

// The dot-files that fsck requires to be files (gitmodulesBlob, gitattributesBlob), with the 8.3
// short-name prefix NTFS may give each (git's is_ntfs_dot_generic): a folder under any alias of them
// is an fsck error. (.gitignore and .mailmap are refused only as symbolic links, which previewd never
// writes.)
const DOTFILES: ReadonlyArray<readonly [string, string]> = [['gitmodules', 'gi7eba'], ['gitattributes', 'gi7d29']];

// NTFS ignores trailing spaces and dots, and `name:stream` is the file `name` (an alternate data stream).
function ntfsBase(name: string): string {
  const colon = name.indexOf(':');
  return (colon < 0 ? name : name.slice(0, colon)).replace(/[ .]+$/, '');
}

function isNtfsAlias(name: string, dotfile: string, shortPrefix: string): boolean {
  const base = ntfsBase(name).toLowerCase();
  if (base === `.${dotfile}`) return true;
  // 8.3 short names: the first six letters and ~1 … ~4; or, eight characters in all, a start of the
  // hashed prefix, '~', and digits not starting with 0 (as git's is_ntfs_dot_generic reads them).
  if (base.length === 8 && base.startsWith(dotfile.slice(0, 6)) && /^~[1-4]$/.test(base.slice(6))) return true;
  const tilde = base.indexOf('~');
  return base.length === 8 && tilde >= 1 && tilde <= 6 && shortPrefix.startsWith(base.slice(0, tilde)) && /^~[1-9][0-9]*$/.test(base.slice(tilde));
}

/**
 * Why git would refuse `name` as one component of a path in a tree, or null when it takes it. Covers
 * `.`, `..`, empty, `/`, NUL and `\` (a separator on Windows), `.git` in any case and with trailing
 * dots or spaces, its NTFS (`git~1`, `.git::$INDEX_ALLOCATION`) and HFS+ (ignorable code points) aliases,
 * and the same aliases of `.gitmodules` and `.gitattributes` (which must be files).
 */
export function gitRefusedName(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return 'is empty, "." or ".."';
  if (/[/\\\0]/.test(name)) return 'holds "/", "\\" or NUL';
  const hfs = name.replace(HFS_IGNORED, '').toLowerCase();
  const ntfs = ntfsBase(name).toLowerCase();
  if (hfs === '.git' || ntfs === '.git' || ntfs === 'git~1') return 'is git\'s own folder, .git, as Windows or macOS would read it';
  for (const [dotfile, prefix] of DOTFILES) {
    if (hfs === `.${dotfile}` || isNtfsAlias(name, dotfile, prefix)) return `is git's .${dotfile}, as Windows or macOS would read it`;
  }
  return null;
}

import picomatch from 'picomatch';

/**
 * Whether ALLOWED_REPOS lets previewd act for `owner/repo`: no list (unset) allows whatever the
 * registry has; otherwise one glob must match, case-insensitively like GitHub's names and like
 * previewd.yaml's own globs (findApp), so the two lists read the same way.
 */
export function repoAllowed(allowed: readonly string[] | undefined, owner: string, repo: string): boolean {
  if (allowed === undefined) return true;
  const fullName = `${owner}/${repo}`;
  return allowed.some((glob) => picomatch.isMatch(fullName, glob, { nocase: true, dot: true }));
}

/** Why previewd does nothing for a repository outside ALLOWED_REPOS (status reason and log). */
export function notAllowedReason(owner: string, repo: string): string {
  return `${owner}/${repo} is outside ALLOWED_REPOS: previewd makes no preview for it (a platform administrator can add it)`;
}

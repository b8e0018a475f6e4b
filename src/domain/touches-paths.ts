import picomatch from 'picomatch';

/**
 * Whether a PR that changes `changedFiles` gets a preview under `.github/preview.yaml`'s `paths`:
 * always when there are no paths (null), else when any changed file matches any glob.
 */
export function touchesPaths(paths: readonly string[] | null, changedFiles: readonly string[]): boolean {
  if (paths === null) return true;
  // dot: true so that `**` covers dotfiles such as .github/workflows/ci.yml, as authors expect.
  const matches = picomatch([...paths], { dot: true });
  return changedFiles.some((file) => matches(file));
}

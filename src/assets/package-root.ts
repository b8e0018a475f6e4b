import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * The project's root: two levels above this file, both as source (src/assets/) and compiled
 * (dist/assets/), so that schemas, templates and the skeleton are found whatever the cwd.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** The GitOps skeleton shipped with the project. */
export function skeletonDir(root: string = packageRoot()): string {
  return `${root}gitops-repo-skeleton`;
}

/** A file the project ships could not be read. */
export class AssetLoadError extends Error {
  override name = 'AssetLoadError';
}

/** `path` under `root`, read as text; a missing one means the installation is not whole. */
export async function readAsset(root: string, path: string): Promise<string> {
  try {
    return await readFile(`${root}${path}`, 'utf8');
  } catch (err) {
    throw new AssetLoadError(`cannot read ${path} under ${root}: is the project installed whole?`, { cause: err });
  }
}

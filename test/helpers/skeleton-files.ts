import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { skeletonDir } from '../../src/assets/package-root.ts';

/** Every file of the GitOps skeleton as path → content, following links (what `previewd init` commits). */
export function skeletonFiles(): Record<string, string> {
  const root = skeletonDir();
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

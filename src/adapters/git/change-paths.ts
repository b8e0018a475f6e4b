import { envFolder, type EnvRef } from '../../domain/environment.ts';
import type { FileChange } from '../../domain/file-change.ts';
import { OutsideFolderError } from './errors.ts';
import type { TreeEdit } from './tree-edit.ts';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

function safe(path: string): boolean {
  if (path === '' || path.startsWith('/') || UNSAFE.test(path)) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git');
}

/**
 * Checks that every change stays inside the environment's folder and turns them into tree edits.
 * Deleting the folder itself is allowed (a destroy); writing it as a file is not.
 */
export function editsForEnv(env: EnvRef, changes: readonly FileChange[]): TreeEdit[] {
  const folder = envFolder(env);
  return changes.map((change) => {
    const inside = change.path.startsWith(`${folder}/`) || (change.type === 'delete' && change.path === folder);
    if (!safe(change.path) || !inside) {
      throw new OutsideFolderError(
        `refusing to change ${JSON.stringify(change.path)}: a change for ${env.owner}/${env.repo}#${env.pr} may only touch files under ${folder}/`,
      );
    }
    return change;
  });
}

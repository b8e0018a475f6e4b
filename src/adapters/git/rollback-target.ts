import type { EnvRef } from '../../domain/environment.ts';
import type { RollbackTarget } from '../../domain/plan-types.ts';
import { RevertTargetError } from './errors.ts';
import type { RepoContext } from './repo-context.ts';
import { rollbackEdit } from './rollback-edit.ts';
import { readFolderFiles } from './tree-read.ts';

/** A rollback target as data for the plan: the checks of `rollbackEdit`, and the folder's files at it. */
export async function rollbackTarget(ctx: RepoContext, env: EnvRef, target: string, tip: string | null, branch: string, before = false): Promise<RollbackTarget> {
  try {
    const { oid, edit, sha, reverts } = await rollbackEdit(ctx, env, target, tip, branch, before);
    const files = edit.type === 'graft' ? await readFolderFiles(ctx, edit.tree) : null;
    return { found: true, commit: oid, files, sha: sha ?? null, ...(reverts ? { reverts } : {}) };
  } catch (err) {
    if (err instanceof RevertTargetError) return { found: false, reason: err.message };
    throw err;
  }
}

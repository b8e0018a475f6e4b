import type { RepoPermission } from './repo-permission.ts';

// GitHub's `author_association` values that already say "has a say in this repository". Compared
// exactly: GitHub sends them upper-case, and anything else is not GitHub's word for it.
const TRUSTED_ASSOCIATIONS: readonly string[] = ['OWNER', 'MEMBER', 'COLLABORATOR'];
const WRITERS: readonly RepoPermission[] = ['admin', 'maintain', 'write'];

/** Whether a repository permission lets its holder change the repository (and so run commands, or approve a fork). */
export function hasWriteAccess(permission: RepoPermission): boolean {
  return WRITERS.includes(permission);
}

/**
 * May the author of a `/preview` comment run it? `yes` from their `author_association` alone (OWNER,
 * MEMBER, COLLABORATOR); otherwise `ask` while their repository permission is unknown (null: look it up
 * and call again), then `yes` only for admin, maintain or write. Pure.
 */
export function mayRunCommands(authorAssociation: string, permission: RepoPermission | null): 'yes' | 'no' | 'ask' {
  if (TRUSTED_ASSOCIATIONS.includes(authorAssociation)) return 'yes';
  if (permission === null) return 'ask';
  return hasWriteAccess(permission) ? 'yes' : 'no';
}

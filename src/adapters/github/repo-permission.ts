import { REPO_PERMISSIONS } from '../../domain/repo-permission.ts';
import type { RepoPermission } from '../../ports/forge.ts';

function isRole(value: unknown): value is RepoPermission {
  return typeof value === 'string' && (REPO_PERMISSIONS as readonly string[]).includes(value);
}

/**
 * Reads GitHub's "permission level" answer. `role_name` names the exact role (`maintain`, `triage`
 * included) but may be a custom role; `permission` is the legacy base (admin/write/read/none) that a
 * custom role maps to, so it is the fallback. Anything unrecognised is `none`: access is never guessed up.
 */
export function toRepoPermission(roleName: unknown, permission: unknown): RepoPermission {
  if (isRole(roleName)) return roleName;
  if (isRole(permission)) return permission;
  return 'none';
}

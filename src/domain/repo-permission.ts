/** The permissions GitHub names for a user on a repository, highest first. */
export const REPO_PERMISSIONS = ['admin', 'maintain', 'write', 'triage', 'read', 'none'] as const;

/** A user's permission on a repository, as GitHub names it. */
export type RepoPermission = (typeof REPO_PERMISSIONS)[number];

/** A user's permission on a repository, as GitHub names it. */
export type RepoPermission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

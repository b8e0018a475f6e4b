/** Base class of every error the GitOps store throws; `transient` errors are worth retrying. */
export class GitOpsStoreError extends Error {
  override name = 'GitOpsStoreError';
  readonly transient: boolean = false;
}

/** A change set names a path outside its environment's folder. Terminal: the caller has a bug. */
export class OutsideFolderError extends GitOpsStoreError {
  override name = 'OutsideFolderError';
}

/** A rollback target that cannot be used: unknown, not in the branch's history, or not touching the folder. */
export class RevertTargetError extends GitOpsStoreError {
  override name = 'RevertTargetError';
}

/** The remote could not be reached or answered 5xx. Local commits are kept; publishing again later works. */
export class RemoteUnavailableError extends GitOpsStoreError {
  override name = 'RemoteUnavailableError';
  override readonly transient = true;
}

/** The remote refused the credentials (401/403). Fix GITOPS_USERNAME / GITOPS_TOKEN. */
export class RemoteAuthError extends GitOpsStoreError {
  override name = 'RemoteAuthError';
}

/** The remote refused the push for a reason other than having moved (a hook, branch protection). */
export class RemoteRejectedError extends GitOpsStoreError {
  override name = 'RemoteRejectedError';
}

/** The remote kept moving: every attempt to publish met a newer tip. Nothing is lost; try again later. */
export class PublishContentionError extends GitOpsStoreError {
  override name = 'PublishContentionError';
  override readonly transient = true;
}

/** The local clone is not in a state previewd can explain (a ref points nowhere it should). */
export class StoreStateError extends GitOpsStoreError {
  override name = 'StoreStateError';
}

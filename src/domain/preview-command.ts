/** A `/preview …` command from a pull-request comment, as data. */
export type PreviewCommand =
  | { kind: 'help' }
  /** Keep the environment past its TTL (and the PR's close) for `duration` (null: the default, 48h). */
  | { kind: 'preserve'; duration: string | null }
  | { kind: 'destroy' }
  /** Commit the environment again from the PR's head, even over a hand-made commit. */
  | { kind: 'redeploy' }
  /**
   * Restore the folder as it was at a GitOps commit (null: the previous deploy); with `before`, as it
   * was just before that commit (`previewd revert`: undoes what the commit did to the folder).
   */
  | { kind: 'rollback'; to: string | null; before?: boolean }
  | { kind: 'sleep' }
  | { kind: 'wake' };

export type PreviewCommandKind = PreviewCommand['kind'];

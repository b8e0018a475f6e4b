/** A `/preview …` command from a pull-request comment, as data. */
export type PreviewCommand =
  | { kind: 'help' }
  /** Keep the environment past its TTL (and the PR's close) for `duration` (null: the default, 48h). */
  | { kind: 'preserve'; duration: string | null }
  | { kind: 'destroy' }
  /** Commit the environment again from the PR's head, even over a hand-made commit. */
  | { kind: 'redeploy' }
  /** Restore the folder as it was at a GitOps commit (null: the previous deploy). */
  | { kind: 'rollback'; to: string | null }
  | { kind: 'sleep' }
  | { kind: 'wake' };

export type PreviewCommandKind = PreviewCommand['kind'];

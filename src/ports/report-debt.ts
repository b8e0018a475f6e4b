import type { EnvRef } from '../domain/environment.ts';

/** A pull request that is owed a report (its comment, Deployment or commit status is behind its state). */
export interface OwedReport extends EnvRef {
  /** The GitHub App installation to report through, when known. */
  installationId?: number;
  /** When it first became owed (ISO 8601): how long the oldest has waited. */
  since: string;
}

/**
 * What previewd owes pull requests, kept in DATA_DIR so that a restart (after SHUTDOWN_TIMEOUT ran
 * out, a kill, a crash) still reports. It holds which PRs are owed, never what to say: the report is
 * derived again from the environment's state when it is sent. One entry per PR; owing again while
 * owed keeps the first `since`.
 */
export interface ReportDebt {
  /** The PR is owed a report. Cheap: written to disk shortly after, coalesced with other changes. */
  owe(env: EnvRef, installationId?: number): void;
  /** GitHub accepted the PR's report (or it was decided that there is nothing to send). */
  paid(env: EnvRef): void;
  /** What is owed now, oldest first (at start: what a previous run left). */
  owed(): OwedReport[];
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
}

/** No record: what the reports owe lives in memory only (the CLI, tests that do not restart). */
export function noReportDebt(): ReportDebt {
  return { owe() {}, paid() {}, owed: () => [], flush: () => Promise.resolve() };
}

/** The GitOps repository's registry of apps and the policy (trusted). */
export const SERVICE_CONFIG_FILE = 'previewd.yaml';
/** An app repository's own settings, read at the pull request's head (untrusted). */
export const PREVIEW_CONFIG_FILE = '.github/preview.yaml';

/**
 * One thing wrong with a configuration file, as data: the service puts these in the PR comment and the
 * CLI prints them. `path` is a JSON pointer into the file ('' for the whole file), `accepted` says what
 * would have been accepted instead.
 */
export interface ConfigProblem {
  file: string;
  path: string;
  message: string;
  accepted: string;
}

/** What loading or checking a configuration yields: the value, or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** `file /path: message (accepted: …)`, one line, for logs and the command line. */
export function formatProblem(problem: ConfigProblem): string {
  const where = problem.path === '' ? problem.file : `${problem.file} ${problem.path}`;
  return `${where}: ${problem.message} (accepted: ${problem.accepted})`;
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** A failure that retrying cannot fix (an invalid previewd.yaml, a refused push): reported, not retried. */
export class TerminalError extends Error {
  override name = 'TerminalError';
}

/** Whether a failure is worth retrying: adapters mark theirs with `transient`. */
export function isTransient(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { transient?: unknown }).transient === true;
}

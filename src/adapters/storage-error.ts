/** What each storage errno means for an operator, and what to do about it. */
const STORAGE_CODES: Record<string, string> = {
  ENOSPC: 'the disk is full: free space on the volume',
  EDQUOT: 'the disk quota is exhausted: raise it or free space',
  EROFS: 'the volume is read-only: remount it read-write',
  EIO: 'the disk reported an I/O error: check the volume',
  EMFILE: 'previewd has too many files open: raise its open-files limit',
  ENFILE: 'the system has too many files open',
  EAGAIN: 'the volume is busy',
  EBUSY: 'the volume is busy',
};

/**
 * DATA_DIR could not be written or read for a reason of the volume, not of previewd's data: transient.
 * Retried with backoff and reported by /readyz; never a reason to drop accepted work.
 */
export class StorageError extends Error {
  override name = 'StorageError';
  readonly transient = true;
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The errno of a Node fs error, if it is one of the volume's (full, read-only, failing, out of handles). */
export function storageCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in STORAGE_CODES ? code : null;
}

/** A StorageError for a volume's failure (translated here, at the adapter edge); any other error as it is. */
export function translateStorageError(err: unknown, doing: string): unknown {
  if (err instanceof StorageError) return err;
  const code = storageCode(err);
  if (code === null) return err;
  return new StorageError(`DATA_DIR storage failed while ${doing} (${code}): ${STORAGE_CODES[code] ?? ''}; previewd retries`, code, { cause: err });
}

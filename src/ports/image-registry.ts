/**
 * What a `waitFor: { image: true }` wait asks of an app's container registry (the OCI distribution
 * API). Implementations translate their HTTP errors into `ImageRegistryError` and never put
 * credentials into a message or a log line.
 */
export interface ImageRegistry {
  /**
   * Whether the manifest of `image:tag` (`ghcr.io/acme/shop`, `3f2a…`) is in its registry. A missing
   * tag, a 5xx or a network failure is asked again with backoff until `timeoutMs` has passed (0, the
   * default: one answer), then false — or, when the last try failed, a transient ImageRegistryError.
   * Credentials refused, a pull not allowed, or a malformed image name are not retried.
   */
  manifestExists(image: string, tag: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<boolean>;
}

/** A registry call failed; `transient` failures (5xx, 429, network, timeouts) are worth retrying. */
export class ImageRegistryError extends Error {
  override name = 'ImageRegistryError';
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

import { backoffDelay, type BackoffPolicy } from '../../domain/backoff.ts';
import { imageLocation, InvalidImageError, isImageTag, type ImageLocation } from '../../domain/image-ref.ts';
import type { RegistryCredentials } from '../../domain/registry-credentials.ts';
import { ImageRegistryError, type ImageRegistry } from '../../ports/image-registry.ts';
import { basicHeader, fetchBearerToken, parseChallenge } from './registry-auth.ts';

export interface OciRegistryOptions {
  /** By registry host (REGISTRY_CREDENTIALS); a host without an entry is asked anonymously. */
  credentials: RegistryCredentials;
  log: { debug(obj: object, msg: string): void };
  fetch?: typeof fetch;
  /** Between looks at a missing tag: exponential with jitter, at least `baseMs / 2`. */
  backoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

// A tag may point at an image index (multi-arch) or a single manifest, in OCI or Docker media types.
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

type Look = { kind: 'found' } | { kind: 'missing' } | { kind: 'failed'; error: ImageRegistryError };

/**
 * `HEAD /v2/<name>/manifests/<tag>` of the OCI distribution API, answering the registry's 401
 * challenge with basic credentials or the bearer token flow (tokens kept per host and scope until
 * they expire). Logs name the image and the HTTP status, never a credential or a token.
 */
export function createOciRegistry(options: OciRegistryOptions): ImageRegistry {
  const fetchFn = options.fetch ?? fetch;
  const backoff = options.backoff ?? { baseMs: 500, maxMs: 5000 };
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  // What a host last asked for: basic credentials, or a bearer token for a scope.
  const auth = new Map<string, { header: string; expiresAt: number }>();

  async function look(location: ImageLocation, tag: string): Promise<Look> {
    const url = `${location.baseUrl}/v2/${location.name}/manifests/${encodeURIComponent(tag)}`;
    const key = `${location.host} ${location.name}`;
    const credential = options.credentials.get(location.host);
    for (let round = 0; round < 2; round += 1) {
      const held = auth.get(key);
      const header = held !== undefined && held.expiresAt > now() ? held.header : undefined;
      let res: Response;
      try {
        res = await fetchFn(url, { method: 'HEAD', headers: { accept: ACCEPT, ...(header ? { authorization: header } : {}) }, signal: AbortSignal.timeout(requestTimeoutMs) });
      } catch (err) {
        return { kind: 'failed', error: new ImageRegistryError(`looking up ${location.host}/${location.name}:${tag} failed: the registry did not answer (${err instanceof Error ? err.name : 'error'}). previewd retries.`, true, undefined, { cause: err }) };
      }
      options.log.debug({ registry: location.host, image: location.name, tag, status: res.status }, 'registry manifest lookup');
      if (res.status === 200) return { kind: 'found' };
      if (res.status === 404) return { kind: 'missing' };
      if (res.status === 401 && round === 0) {
        const challenge = parseChallenge(res.headers.get('www-authenticate'));
        if (challenge?.scheme === 'basic') {
          if (credential === undefined) return failed(location, `needs credentials: add ${location.host} to REGISTRY_CREDENTIALS`, false, 401);
          auth.set(key, { header: basicHeader(credential), expiresAt: Infinity });
          continue;
        }
        if (challenge?.scheme === 'bearer') {
          try {
            const { token, expiresAt } = await fetchBearerToken(location, challenge, credential, fetchFn, requestTimeoutMs, now());
            auth.set(key, { header: `Bearer ${token}`, expiresAt });
          } catch (err) {
            if (err instanceof ImageRegistryError) return { kind: 'failed', error: err };
            throw err;
          }
          continue;
        }
        return failed(location, 'answered 401 without a Basic or Bearer challenge', false, 401);
      }
      auth.delete(key);
      if (res.status === 401 || res.status === 403) {
        const which = credential === undefined ? 'anonymous pulls are not allowed: add it to REGISTRY_CREDENTIALS' : 'the credentials in REGISTRY_CREDENTIALS may not pull it';
        return failed(location, `refused (HTTP ${res.status}): ${which}`, false, res.status);
      }
      if (res.status === 429 || res.status >= 500) return failed(location, `answered HTTP ${res.status}. previewd retries.`, true, res.status);
      return failed(location, `answered HTTP ${res.status}`, false, res.status);
    }
    return failed(location, 'refused the credentials it asked for: check REGISTRY_CREDENTIALS', false, 401);
  }

  return {
    async manifestExists(image, tag, { timeoutMs = 0, signal } = {}) {
      let location: ImageLocation;
      try {
        location = imageLocation(image);
      } catch (err) {
        if (err instanceof InvalidImageError) throw new ImageRegistryError(err.message, false, undefined, { cause: err });
        throw err;
      }
      if (!isImageTag(tag)) throw new ImageRegistryError(`${JSON.stringify(tag)} is not an image tag`, false);
      const deadline = now() + timeoutMs;
      for (let attempt = 0; ; attempt += 1) {
        const result = await look(location, tag);
        if (result.kind === 'found') return true;
        if (result.kind === 'failed' && !result.error.transient) throw result.error;
        const left = deadline - now();
        if (left <= 0 || signal?.aborted) {
          if (result.kind === 'failed') throw result.error;
          return false;
        }
        const wait = Math.max(backoff.baseMs / 2, backoffDelay(backoff, attempt, random));
        await sleep(Math.min(wait, left), signal);
      }
    },
  };
}

function failed(location: ImageLocation, what: string, transient: boolean, status: number): Look {
  return { kind: 'failed', error: new ImageRegistryError(`the registry ${location.host} ${what} (image ${location.name})`, transient, status) };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

import type { ImageLocation } from '../../domain/image-ref.ts';
import { ImageRegistryError } from '../../ports/image-registry.ts';

export interface Credential {
  username: string;
  password: string;
}

/** A `WWW-Authenticate` challenge: `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

export function parseChallenge(header: string | null): Challenge | null {
  if (header === null) return null;
  const match = /^\s*(basic|bearer)\b(.*)$/i.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  for (const m of (match[2] ?? '').matchAll(/([A-Za-z_]+)="([^"]*)"/g)) params[(m[1] ?? '').toLowerCase()] = m[2] ?? '';
  return { scheme: (match[1] ?? '').toLowerCase() === 'basic' ? 'basic' : 'bearer', params };
}

export function basicHeader(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
}

/**
 * The bearer token flow of the distribution spec: GET the challenge's realm with its service and
 * scope (with basic credentials when previewd has them, anonymously otherwise), answered by
 * `{ token }` or `{ access_token }` and an optional `expires_in` (default 60 s). Credentials go only
 * to an https realm (or a loopback one, like the registry itself).
 */
export async function fetchBearerToken(
  location: ImageLocation, challenge: Challenge, credential: Credential | undefined, fetchFn: typeof fetch, timeoutMs: number, now: number,
): Promise<{ token: string; expiresAt: number }> {
  const realm = challenge.params.realm;
  let url: URL;
  try {
    url = new URL(realm ?? '');
  } catch {
    throw new ImageRegistryError(`the registry ${location.host} asked for a token from a realm that is not a URL`, false);
  }
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ImageRegistryError(`the registry ${location.host} asked for a token over plain HTTP from ${url.host}; previewd sends no credentials there`, false);
  }
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  url.searchParams.set('scope', challenge.params.scope ?? `repository:${location.name}:pull`);
  let res: Response;
  try {
    res = await fetchFn(url, { headers: credential ? { authorization: basicHeader(credential) } : {}, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ImageRegistryError(`asking ${url.host} for a registry token failed: ${err instanceof Error ? err.name : 'error'}. previewd retries.`, true, undefined, { cause: err });
  }
  if (res.status === 401 || res.status === 403) {
    throw new ImageRegistryError(`${url.host} refused the credentials for ${location.host} (HTTP ${res.status}): check REGISTRY_CREDENTIALS`, false, res.status);
  }
  if (res.status >= 500 || res.status === 429) throw new ImageRegistryError(`${url.host} answered HTTP ${res.status} for a registry token. previewd retries.`, true, res.status);
  if (res.status !== 200) throw new ImageRegistryError(`${url.host} answered HTTP ${res.status} for a registry token`, false, res.status);
  const body = (await res.json().catch(() => null)) as { token?: unknown; access_token?: unknown; expires_in?: unknown } | null;
  const token = typeof body?.token === 'string' ? body.token : typeof body?.access_token === 'string' ? body.access_token : null;
  if (token === null || token === '') throw new ImageRegistryError(`${url.host} answered a token request without a token`, false);
  const seconds = typeof body?.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
  // Renewed 10 s early, so that a token never expires between the lookup and the request.
  return { token, expiresAt: now + Math.max(1, seconds - 10) * 1000 };
}

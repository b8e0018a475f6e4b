/** Where an image lives in the OCI distribution API: the registry's base URL and the repository name. */
export interface ImageLocation {
  /** The registry host as credentials name it (`ghcr.io`, `127.0.0.1:5000`, `docker.io`). */
  host: string;
  /** `https://ghcr.io` (`http://` only for a loopback registry, as Docker allows). */
  baseUrl: string;
  /** The repository inside the registry: `acme/shop`, `library/nginx`. */
  name: string;
}

const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export class InvalidImageError extends Error {
  override name = 'InvalidImageError';
}

/**
 * Splits an image reference without tag (`ghcr.io/acme/shop`, `nginx`, `localhost:5000/x`) as Docker
 * does: the first component is a registry when it has a `.` or a `:` or is `localhost`; otherwise the
 * image is on Docker Hub (`registry-1.docker.io`, official images under `library/`).
 */
export function imageLocation(image: string): ImageLocation {
  const parts = image.split('/');
  const first = parts[0] ?? '';
  const isHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const host = isHost ? first : 'docker.io';
  const path = isHost ? parts.slice(1) : parts;
  if (path.length === 0 || !path.every((c) => COMPONENT_RE.test(c))) {
    throw new InvalidImageError(`${JSON.stringify(image)} is not an image name (lower-case components separated by /, an optional registry host first)`);
  }
  if (!/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(host)) throw new InvalidImageError(`${JSON.stringify(host)} is not a registry host`);
  const name = host === 'docker.io' && path.length === 1 ? `library/${path[0]}` : path.join('/');
  const hostname = host.replace(/:[0-9]+$/, '');
  // Docker talks plain HTTP to a loopback registry without being told; anything else is TLS.
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  const baseUrl = host === 'docker.io' ? 'https://registry-1.docker.io' : `${loopback ? 'http' : 'https'}://${host}`;
  return { host, baseUrl, name };
}

/** Whether a tag is one a registry accepts (the distribution spec's `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). */
export function isImageTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

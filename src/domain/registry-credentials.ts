/** A registry's user name and password (or token), by registry host. */
export type RegistryCredentials = ReadonlyMap<string, { username: string; password: string }>;

/**
 * Reads REGISTRY_CREDENTIALS: the JSON of a Docker config (what a `.dockerconfigjson` pull secret
 * holds): `{"auths": {"ghcr.io": {"username": "…", "password": "…"}}}`, or `auth` as base64 of
 * `user:password`. Hosts may be written as URLs (`https://index.docker.io/v1/`, as `docker login`
 * does for Docker Hub). Problems never quote the value: it is a secret.
 */
export function parseRegistryCredentials(text: string): { ok: true; credentials: RegistryCredentials } | { ok: false; problem: string } {
  const fail = (why: string) => ({ ok: false as const, problem: `REGISTRY_CREDENTIALS: ${why} (the value is not shown: it is a secret). Accepted: the JSON of a Docker config, {"auths":{"ghcr.io":{"username":"…","password":"…"}}}` });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('not JSON');
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) return fail('no "auths" object');
  const credentials = new Map<string, { username: string; password: string }>();
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    const host = registryHost(key);
    if (host === null) return fail(`${JSON.stringify(key.slice(0, 100))} is not a registry host`);
    const e = (entry ?? {}) as { username?: unknown; password?: unknown; auth?: unknown };
    if (typeof e.username === 'string' && typeof e.password === 'string' && e.username !== '') {
      credentials.set(host, { username: e.username, password: e.password });
      continue;
    }
    if (typeof e.auth === 'string') {
      const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        credentials.set(host, { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
        continue;
      }
    }
    return fail(`the entry for ${host} has neither username and password nor an auth of base64 user:password`);
  }
  return { ok: true, credentials };
}

// `ghcr.io`, `127.0.0.1:5000`, or a URL of one; Docker Hub's historical names are `docker.io`.
function registryHost(key: string): string | null {
  let host = key;
  if (/^https?:\/\//.test(key)) {
    try {
      host = new URL(key).host;
    } catch {
      return null;
    }
  }
  host = host.toLowerCase();
  if (!/^[a-z0-9.-]+(:[0-9]{1,5})?$/.test(host)) return null;
  return ['index.docker.io', 'registry-1.docker.io'].includes(host) ? 'docker.io' : host;
}

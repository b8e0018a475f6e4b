import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SEED_COOKIE = 'previewd_csrf';
const SESSION_COOKIE = 'previewd_session';
const SESSION_MS = 12 * 3_600_000;
const SEED_RE = /^[A-Za-z0-9_-]{43}$/;

/** What a request carries: its CSRF seed (new when it had none), whether it is signed in, cookies to set. */
export interface RequestAuth {
  seed: string;
  signedIn: boolean;
  setCookies: string[];
}

/**
 * The dashboard's sign-in and CSRF protection, with no server-side state. A visitor gets a random seed in
 * an HttpOnly, SameSite=Strict cookie; every form carries HMAC(key, seed) and a POST without it (or
 * with another visitor's) is refused. Signing in with ADMIN_TOKEN sets a session cookie
 * `<expiry>.<HMAC(key, expiry, seed)>`, bound to the seed. The key is random per process: a restart
 * signs everyone out, and nothing derived from ADMIN_TOKEN ever leaves the process.
 */
export interface DashboardAuth {
  /** False without ADMIN_TOKEN: the page is read-only and every write is refused. */
  readonly enabled: boolean;
  inspect(cookieHeader: string | undefined, now: Date, secure: boolean): RequestAuth;
  /** The hidden field every form carries. */
  formToken(seed: string): string;
  checkForm(seed: string, given: unknown): boolean;
  /** The session cookie for a right token; null for a wrong one (or when sign-in is off). */
  signIn(token: unknown, seed: string, now: Date, secure: boolean): string | null;
  signOut(secure: boolean): string;
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

function cookie(name: string, value: string, maxAgeS: number | null, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict${maxAgeS === null ? '' : `; Max-Age=${maxAgeS}`}${secure ? '; Secure' : ''}`;
}

function equal(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export function createDashboardAuth(adminToken: string | null): DashboardAuth {
  const key = randomBytes(32);
  const mac = (...parts: string[]): string => createHmac('sha256', key).update(parts.join('\n')).digest('base64url');
  return {
    enabled: adminToken !== null,
    inspect(header, now, secure) {
      const cookies = parseCookies(header);
      const given = cookies.get(SEED_COOKIE) ?? '';
      const fresh = !SEED_RE.test(given);
      const seed = fresh ? randomBytes(32).toString('base64url') : given;
      const session = cookies.get(SESSION_COOKIE) ?? '';
      const dot = session.indexOf('.');
      const expiry = Number(session.slice(0, dot));
      const signedIn = adminToken !== null && !fresh && dot > 0 && expiry > now.getTime() && equal(session.slice(dot + 1), mac('session', String(expiry), seed));
      return { seed, signedIn, setCookies: fresh ? [cookie(SEED_COOKIE, seed, null, secure)] : [] };
    },
    formToken: (seed) => mac('form', seed),
    checkForm: (seed, given) => typeof given === 'string' && equal(given, mac('form', seed)),
    signIn(token, seed, now, secure) {
      if (adminToken === null || typeof token !== 'string' || !equal(token, adminToken)) return null;
      const expiry = now.getTime() + SESSION_MS;
      return cookie(SESSION_COOKIE, `${expiry}.${mac('session', String(expiry), seed)}`, SESSION_MS / 1000, secure);
    },
    signOut: (secure) => cookie(SESSION_COOKIE, '', 0, secure),
  };
}

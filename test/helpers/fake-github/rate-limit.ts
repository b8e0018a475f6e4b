import type { FakeIdentity } from './answers.ts';

/** The fake's primary rate limit: one window per identity, and every point ever spent. */
export interface RateLimitBook {
  /** Points spent since the fake started, over every identity (what a benchmark reports). */
  spent: number;
  windows: Map<string, { used: number; resetAt: number }>;
}

const WINDOW_MS = 60 * 60 * 1000;

export function createRateLimitBook(): RateLimitBook {
  return { spent: 0, windows: new Map() };
}

function bucketOf(identity: FakeIdentity | undefined): { key: string; limit: number } {
  if (identity === undefined || identity.kind === 'anonymous') return { key: 'anonymous', limit: 60 };
  if (identity.kind === 'token') return { key: `token ${identity.token}`, limit: 5000 };
  if (identity.kind === 'installation') return { key: `installation ${identity.installationId}`, limit: 5000 };
  return { key: `app ${identity.appId}`, limit: 5000 };
}

/**
 * Books one answered request and returns the `x-ratelimit-*` headers for it. A request that
 * authenticated costs a point, except a 304: GitHub does not count a conditional request that it
 * answers 304 when it was made with a correct Authorization header. Unauthenticated or refused
 * requests cost nothing here (GitHub counts those against the caller's IP).
 */
export function bookRequest(book: RateLimitBook, identity: FakeIdentity | undefined, status: number, now: Date): Record<string, string> {
  const { key, limit } = bucketOf(identity);
  let window = book.windows.get(key);
  if (!window || now.getTime() >= window.resetAt) {
    window = { used: 0, resetAt: now.getTime() + WINDOW_MS };
    book.windows.set(key, window);
  }
  if (identity !== undefined && identity.kind !== 'anonymous' && status !== 304) {
    window.used += 1;
    book.spent += 1;
  }
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
    'x-ratelimit-used': String(window.used),
    'x-ratelimit-reset': String(Math.floor(window.resetAt / 1000)),
    'x-ratelimit-resource': 'core',
  };
}

import { errorBody } from './answers.ts';

/** A scripted failure: the answer to send instead of the real one, `times` times (default 1). */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
  /** Destroy the connection instead of answering (a network error on the client's side). */
  reset?: boolean;
  /** Never answer (until the client gives up or the fake closes): a timeout on the client's side. */
  hang?: boolean;
  /**
   * Carry the request out as GitHub would, then never answer: GitHub acted (a comment exists), the
   * client saw a timeout (a proxy that dropped the answer, a client killed before it read it).
   */
  loseAnswer?: boolean;
}

/** The request is carried out and its answer lost, `times` times. */
export function lostAnswer(times = 1): Fault {
  return { status: 0, loseAnswer: true, times };
}

/** A fault waiting for matching requests. */
export interface PendingFault {
  method: string;
  pattern: string | RegExp;
  fault: Fault;
  remaining: number;
}

/**
 * Whether a request matches: `pattern` is an OpenAPI template (`/repos/{owner}/{repo}/contents/{path}`)
 * when it has braces, else an exact path; a RegExp is tested against the raw path, and against the raw
 * path with its query (`?per_page=100&page=2`, to fail one page of a list).
 */
export function faultMatches(pending: PendingFault, method: string, template: string | undefined, rawPath: string, rawPathAndQuery: string = rawPath): boolean {
  if (pending.method !== '*' && pending.method.toUpperCase() !== method.toUpperCase()) return false;
  if (pending.pattern instanceof RegExp) return pending.pattern.test(rawPath) || pending.pattern.test(rawPathAndQuery);
  return pending.pattern.includes('{') ? pending.pattern === template : pending.pattern === decodeURIComponent(rawPath);
}

/** A 5xx as GitHub's edge sends it. */
export function serverError(status = 500, times = 1): Fault {
  const message = status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : 'Internal Server Error';
  return { status, body: errorBody(status, message), times };
}

/** A secondary rate limit (403, or 429) with `retry-after`, worded as GitHub words it. */
export function secondaryRateLimit(retryAfterSeconds = 1, status: 403 | 429 = 403, times = 1): Fault {
  return {
    status,
    times,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-remaining': '4000' },
    body: errorBody(status, 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.'),
  };
}

/** The primary rate limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
export function primaryRateLimit(resetInSeconds = 1, now: Date = new Date(), times = 1): Fault {
  const reset = Math.ceil(now.getTime() / 1000) + resetInSeconds;
  return {
    status: 403,
    times,
    headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
    body: errorBody(403, 'API rate limit exceeded for installation ID 1.'),
  };
}

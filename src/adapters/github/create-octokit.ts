import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { Metrics } from '../../ports/metrics.ts';
import { pacedGroup } from './paced-group.ts';

// GitHub's own retry and rate-limit rules (retry-after, x-ratelimit-reset), not hand-written backoff.
const PreviewdOctokit = Octokit.plugin(retry, throttling);

/** The Octokit that previewd uses: REST methods, pagination, retry and throttling. */
export type GitHubClient = InstanceType<typeof PreviewdOctokit>;

/** How previewd authenticates: a token (`GITHUB_TOKEN`) or a GitHub App (`GITHUB_APP_ID` + key). */
export type GitHubAuth =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: number | string; privateKey: string };

/** The pino-like logger the adapter writes to (static message, data in the object). */
export interface GitHubLog {
  warn(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

/** What to do when GitHub says "slow down" (primary or secondary rate limit). */
export interface RateLimitPolicy {
  /** Retries after a rate-limit answer before the call fails as a transient ForgeError. Default 3. */
  maxRetries?: number;
  /**
   * The longest wait accepted in-process, in seconds. Default 120. A primary limit that resets in an
   * hour is better left to the caller's backoff than held as a pending promise.
   */
  maxWaitSeconds?: number;
  /** false turns throttling off (tests of other behaviour). Default true. */
  enabled?: boolean;
  /**
   * The least gap between the starts of two writes (POST, PATCH, PUT, DELETE) of one client. Unset:
   * GitHub's recommendation as the throttling plugin applies it, process-wide: 1 s between writes and 3 s
   * between writes that notify people (a new comment). 0 lets writes go without waiting (tests).
   */
  writeIntervalMs?: number;
}

/** Everything the GitHub adapter needs; settings are read by the caller, never from the environment here. */
export interface GitHubClientOptions {
  /** REST API root: `GITHUB_API_URL`, e.g. `https://api.github.com`. */
  baseUrl: string;
  auth: GitHubAuth;
  log: GitHubLog;
  /** Retries of 5xx answers and network errors. Default 3. */
  retries?: number;
  /** Octokit waits `(n + 1)² × retryBaseDelayMs` before retry n. Default 1000. */
  retryBaseDelayMs?: number;
  throttle?: RateLimitPolicy;
  /** `fetch` to use (tests inject one) and a per-request timeout (default 30 s). */
  request?: { fetch?: typeof fetch; timeoutMs?: number };
  userAgent?: string;
  /** Counts every HTTP request to GitHub (retries too) and keeps the rate limit left. */
  metrics?: Pick<Metrics, 'githubRequest' | 'githubRateLimit'>;
}

// Rate limits are the throttling plugin's business, which honours retry-after; the retry plugin would
// retry a 429 on its own fixed schedule, so it is told to leave 429 alone. A 409 (a Deployment refused
// for failing status checks or a merge conflict) does not change seconds later either.
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];

function withTimeout(base: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return base(input, { ...init, signal });
  };
}

// Counted at the fetch, below the retry and throttling plugins: each attempt costs rate limit and is
// one request for GitHub, while a hook on the Octokit would only see the last attempt of a retried call.
function counted(base: typeof fetch, metrics: GitHubClientOptions['metrics']): typeof fetch {
  if (!metrics) return base;
  return async (input, init) => {
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      metrics.githubRequest(method, 'error');
      throw error;
    }
    metrics.githubRequest(method, response.status);
    const remaining = response.headers.get('x-ratelimit-remaining');
    if (remaining !== null && remaining.trim() !== '') metrics.githubRateLimit(Number(remaining));
    return response;
  };
}

function octokitLog(log: GitHubLog) {
  // Octokit logs printf-style (message first). Its debug line carries the request options, the
  // authorization header included, so it is never passed on; request-log's per-request lines
  // (info on success, error on failure) are debug detail, since the ForgeError says what failed.
  const messages = (detail: unknown[]) => detail.filter((d): d is Error => d instanceof Error).map((e) => e.message);
  return {
    debug: () => undefined,
    info: (message: string) => log.debug?.({}, String(message)),
    warn: (message: string, ...detail: unknown[]) => log.warn({ detail: messages(detail) }, String(message)),
    error: (message: string) => log.debug?.({}, String(message)),
  };
}

interface LimitOptions {
  method: string;
  url: string;
}

function rateLimitHandler(log: GitHubLog, policy: RateLimitPolicy, kind: 'primary' | 'secondary') {
  const maxRetries = policy.maxRetries ?? 3;
  const maxWaitSeconds = policy.maxWaitSeconds ?? 120;
  return (retryAfter: number, options: LimitOptions, _octokit: unknown, retryCount: number): boolean => {
    const retrying = retryCount < maxRetries && retryAfter <= maxWaitSeconds;
    log.warn({ retryAfter, method: options.method, url: options.url, kind, retryCount, retrying }, 'GitHub rate limit hit');
    return retrying;
  };
}

/**
 * One Octokit. With a GitHub App, `installationId` makes it act as that installation (auth-app fetches
 * and refreshes the installation token); without one it can only call the App's own JWT routes.
 */
export function createOctokit(options: GitHubClientOptions, installationId?: number): GitHubClient {
  const policy = options.throttle ?? {};
  const baseFetch = options.request?.fetch ?? globalThis.fetch;
  const common = {
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'previewd',
    log: octokitLog(options.log),
    request: { fetch: counted(withTimeout(baseFetch, options.request?.timeoutMs ?? 30_000), options.metrics) },
    retry: {
      retries: options.retries ?? 3,
      retryAfterBaseValue: options.retryBaseDelayMs ?? 1000,
      doNotRetry: DO_NOT_RETRY,
    },
    throttle: {
      enabled: policy.enabled ?? true,
      onRateLimit: rateLimitHandler(options.log, policy, 'primary'),
      onSecondaryRateLimit: rateLimitHandler(options.log, policy, 'secondary'),
      // The plugin's own groups pace writes for the whole process; given an interval, this client gets its own.
      ...(policy.writeIntervalMs === undefined ? {} : { write: pacedGroup(policy.writeIntervalMs), notifications: pacedGroup(policy.writeIntervalMs) }),
    },
  };
  if (options.auth.kind === 'token') return new PreviewdOctokit({ ...common, auth: options.auth.token });
  return new PreviewdOctokit({
    ...common,
    authStrategy: createAppAuth,
    auth: { appId: options.auth.appId, privateKey: options.auth.privateKey, ...(installationId === undefined ? {} : { installationId }) },
  });
}

import { ForgeError } from '../../ports/forge.ts';
import type { GitHubAuth } from './create-octokit.ts';

/** What the failed call was doing, and what must never be repeated in a message. */
export interface ErrorContext {
  /** For the message, e.g. `reading .github/preview.yaml of acme/shop at 1a2b3c4`. */
  action: string;
  auth: GitHubAuth['kind'];
  /** The token or the private key: scrubbed from every message, whatever a library put in it. */
  secrets: readonly string[];
  /** The permission the call needs, for a 403's hint, e.g. `write access to Deployments`; reads by default. */
  access?: string;
}

// Octokit's RequestError, read by shape: its class lives in a transitive package.
interface HttpErrorShape {
  status: number;
  message: string;
  request?: { url?: string };
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

function isHttpError(error: unknown): error is HttpErrorShape {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

// A 422 says only "Validation Failed" in `message`; what failed is in `errors[].message` (or `code`).
function validationDetail(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const details = errors
    .map((e: unknown) => (e && typeof e === 'object' ? (e as { message?: unknown; code?: unknown; field?: unknown }) : {}))
    .map((e) => (typeof e.message === 'string' ? e.message : typeof e.code === 'string' ? [e.field, e.code].filter((x) => typeof x === 'string').join(' ') : ''))
    .filter((text) => text !== '');
  return details.length ? `: ${details.join('; ')}` : '';
}

function gitHubMessage(error: HttpErrorShape): string {
  const data = error.response?.data;
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    return `${(data as { message: string }).message}${validationDetail((data as { errors?: unknown }).errors)}`;
  }
  return error.message.replace(/ - https:\/\/docs\.github\.com\S*$/, '');
}

function isRateLimited(error: HttpErrorShape): boolean {
  const headers = error.response?.headers ?? {};
  if (error.status === 429) return true;
  if (error.status !== 403) return false;
  return headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(gitHubMessage(error));
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // A PEM key is also scrubbed line by line, in case a library quotes only part of it.
    const pieces = [secret, ...secret.split(/\r?\n|\\n/).filter((line) => line.length >= 16 && !line.startsWith('-----'))];
    for (const piece of pieces) if (piece) out = out.split(piece).join('[REDACTED]');
  }
  return out;
}

function credentialsHint(auth: GitHubAuth['kind']): string {
  return auth === 'token'
    ? 'Check GITHUB_TOKEN: it may be wrong, expired or revoked.'
    : 'Check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY (the App\'s PEM private key), and that this machine\'s clock is right.';
}

function accessHint(auth: GitHubAuth['kind'], access = 'read access to Contents, Pull requests and Issues'): string {
  return auth === 'token'
    ? `Give GITHUB_TOKEN ${access} on the repository.`
    : `Install the GitHub App on the repository with ${access}.`;
}

function describeHttp(error: HttpErrorShape, context: ErrorContext): { text: string; transient: boolean } {
  const what = `${context.action} failed: GitHub answered ${error.status} (${gitHubMessage(error)}).`;
  const url = error.request?.url ?? '';
  if (error.status >= 500 || error.status === 0) {
    const reached = error.response ? what : `${context.action} failed: GitHub could not be reached (${error.message}).`;
    return { text: `${reached} This is usually temporary; previewd retries.`, transient: true };
  }
  if (isRateLimited(error)) {
    const retryAfter = error.response?.headers?.['retry-after'];
    const when = retryAfter ? ` GitHub asks to wait ${retryAfter} s.` : '';
    return { text: `${what} The GitHub API rate limit was hit; previewd retries later.${when}`, transient: true };
  }
  if (error.status === 401) return { text: `${what} ${credentialsHint(context.auth)}`, transient: false };
  if (error.status === 404 && /\/app\/installations\/[^/]+\/access_tokens/.test(url)) {
    return { text: `${what} The GitHub App installation does not exist or does not belong to GITHUB_APP_ID.`, transient: false };
  }
  if (error.status === 404 && /\/(?:orgs|users)\/[^/]+\/installation$/.test(url)) {
    return { text: `${what} The GitHub App (GITHUB_APP_ID) is not installed on this account: install it there.`, transient: false };
  }
  if (error.status === 404 && /\/installation$/.test(url)) {
    return { text: `${what} The GitHub App (GITHUB_APP_ID) is not installed on this repository: install it there.`, transient: false };
  }
  if (error.status === 403) return { text: `${what} ${accessHint(context.auth, context.access)}`, transient: false };
  if (error.status === 404) {
    return { text: `${what} Check the repository's name, and that the credentials can see it (GitHub answers 404 for a private repository it hides).`, transient: false };
  }
  return { text: what, transient: false };
}

/**
 * Turns whatever Octokit (or auth-app) threw into a `ForgeError` that says what failed and how to fix it.
 * 5xx, 429, a rate-limited 403, timeouts and network errors are transient; any other answer is not.
 */
export function translateError(error: unknown, context: ErrorContext): ForgeError {
  if (error instanceof ForgeError) return error;
  let described: { text: string; transient: boolean; status?: number };
  if (isHttpError(error)) {
    // A network failure also arrives as a RequestError (status 500) but without a response: no HTTP status.
    described = { ...describeHttp(error, context), ...(error.response ? { status: error.status } : {}) };
  } else if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    described = { text: `${context.action} failed: GitHub did not answer in time. previewd retries.`, transient: true };
  } else if (context.auth === 'app' && error instanceof Error && /private key|keyData|pkcs|DataError/i.test(`${error.name} ${error.message}`)) {
    described = { text: `${context.action} failed: the GitHub App JWT could not be signed. Check GITHUB_APP_PRIVATE_KEY: it must be the App's RSA private key in PEM.`, transient: false };
  } else {
    const message = error instanceof Error ? error.message : String(error);
    described = { text: `${context.action} failed: ${message}`, transient: false };
  }
  return new ForgeError(redact(described.text, context.secrets), described.transient, described.status, { cause: error });
}

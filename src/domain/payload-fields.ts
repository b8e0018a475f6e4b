/**
 * Readers for untrusted JSON from GitHub (webhook payloads, REST answers): each checks one field's type
 * and throws a `PayloadError` naming the field's path, so that a parser can turn any surprise into a
 * reason instead of a crash.
 */

/** A field of a payload is missing or not what GitHub sends; the message names its path. */
export class PayloadError extends Error {
  override name = 'PayloadError';
}

// GitHub logins, plus the `[bot]` suffix of GitHub Apps (dependabot[bot]). A login reaches commit
// trailers (Preview-Actor), so nothing else — no newline, no colon — may pass.
const LOGIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;

/** A GitHub login at `user.login`. */
export function login(user: Record<string, unknown>, path: string): string {
  const value = text(user, 'login', path);
  if (!LOGIN_RE.test(value)) throw new PayloadError(`${path}: ${show(value)} is not a GitHub login (letters, digits and hyphens, at most 39)`);
  return value;
}

/** An http(s) URL without credentials (it reaches commit trailers). */
export function webUrl(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PayloadError(`${path}: ${show(value)} is not a URL`);
  }
  // http for GitHub Enterprise Server without TLS; credentials in a URL that reaches commits are never right.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '' || value.length > 2048) {
    throw new PayloadError(`${path}: ${show(value)} is not an http(s) repository URL`);
  }
  return value;
}

/** A positive safe integer (ids, numbers). */
export function wholeNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new PayloadError(`${path}: expected a whole number from 1, found ${kind(value)}`);
  }
  return value;
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new PayloadError(`${path}: expected true or false, found ${kind(value)}`);
  return value;
}

/** `parent[key]` as text. */
export function text(parent: Record<string, unknown>, key: string, path: string): string {
  const value = parent[key];
  if (typeof value !== 'string') throw new PayloadError(`${path}: expected text, found ${kind(value)}`);
  return value;
}

export function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PayloadError(`${path}: expected an object, found ${kind(value)}`);
  return value as Record<string, unknown>;
}

/** An object, or undefined when the field is absent (null is still refused). */
export function optionalRecord(value: unknown, path: string): Record<string, unknown> | undefined {
  return value === undefined ? undefined : record(value, path);
}

/** How a wrong value is named in a reason: its type, or a short quote of it. */
export function kind(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `text ${show(value)}`;
  return `${typeof value} ${String(value)}`;
}

/** A quoted, escaped and bounded rendering of untrusted text, safe to put in a log line. */
export function show(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

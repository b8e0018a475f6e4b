import assert from 'node:assert/strict';
import { createOctokitForge, type OctokitForge, type OctokitForgeOptions } from '../../src/adapters/github/octokit-forge.ts';
import { ForgeError } from '../../src/ports/forge.ts';
import type { FakeGitHub } from './fake-github.ts';

/** A distinct 40-hex head sha for PR `n` (and a later push of it: `version`). */
export function pullSha(n: number, version = 0): string {
  return `${n.toString(16)}${version.toString(16)}`.padStart(40, 'a').slice(-40);
}

/** The ForgeError a call rejects with (fails the test when it resolves or throws something else). */
export async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(() => assert.fail('expected a ForgeError'), (e: unknown) => e);
  assert.ok(error instanceof ForgeError, `expected a ForgeError, got ${String(error)}`);
  return error;
}

/** What `fn` cost at the fake GitHub: its requests as `METHOD operationId status`, and the rate-limit points spent. */
export async function costOf<T>(github: FakeGitHub, fn: () => Promise<T>): Promise<{ result: T; requests: string[]; points: number }> {
  const mark = github.requests.length;
  const points = github.rateLimitUsed();
  const result = await fn();
  return { result, requests: github.requests.slice(mark).map((r) => `${r.method} ${r.operationId ?? r.path} ${r.status}`), points: github.rateLimitUsed() - points };
}

/** The Octokit forge on the fake with a token: fast retries, writes unpaced, a silent log. */
export function tokenForge(github: FakeGitHub, token: string, overrides: Partial<OctokitForgeOptions> = {}): OctokitForge {
  return createOctokitForge({ baseUrl: github.url, auth: { kind: 'token', token }, log: { warn: () => undefined }, retryBaseDelayMs: 5, throttle: { writeIntervalMs: 0 }, ...overrides });
}

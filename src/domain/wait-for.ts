import picomatch from 'picomatch';
import type { AppRegistration, ServiceConfig, WaitFor } from './config-types.ts';
import { parseDuration } from './duration.ts';

/** previewd's own commit status context: never something a wait counts (it would wait for itself). */
export const PREVIEWD_STATUS_CONTEXT = 'previewd';

/** A `waitFor` ready to match: globs compiled once, the timeout in milliseconds. */
export interface CompiledWaitFor {
  checks: ReadonlyArray<{ glob: string; matches: (name: string) => boolean }>;
  timeoutMs: number;
  image: boolean;
}

// picomatch treats `/` as a path separator, so `ci*` would not match `ci / image`. Check names are not
// paths: `/` becomes an ordinary character on both sides, and `*` matches any text.
const SLASH = '\uE000';

/**
 * The `waitFor` that applies to an app: its own, else `defaults.waitFor`; null when it waits for
 * nothing (no `waitFor`, or one with no checks and no image — how an app opts out of the defaults').
 */
export function effectiveWaitFor(service: Pick<ServiceConfig, 'defaults'>, app: Pick<AppRegistration, 'waitFor'>): WaitFor | null {
  const wait = app.waitFor ?? service.defaults.waitFor;
  if (wait === undefined || (wait.checks.length === 0 && !wait.image)) return null;
  return wait;
}

/**
 * Compiles a (schema-valid) `waitFor`. Matching is case-sensitive like GitHub's required checks; `!`
 * is an ordinary character (a wait lists what must pass, never what must not); braces and `*`, `?`,
 * `[…]` are globs; `.` at the start of a name needs no special pattern.
 */
export function compileWaitFor(wait: WaitFor): CompiledWaitFor {
  const checks = wait.checks.map((glob) => {
    const test = picomatch(glob.replaceAll('/', SLASH), { dot: true, nonegate: true });
    return { glob, matches: (name: string) => test(name.replaceAll('/', SLASH)) };
  });
  return { checks, timeoutMs: parseDuration(wait.timeout) ?? 0, image: wait.image };
}

/**
 * Why a `waitFor.checks` glob cannot work, or null when it can. picomatch turns a malformed range or
 * an unclosed brace (`a[b-a]`, `x{a,b`) into a pattern that matches nothing: a wait on it would
 * never end, so it is refused up front.
 */
export function globProblem(glob: string): string | null {
  let re: RegExp;
  try {
    re = picomatch.makeRe(glob.replaceAll('/', SLASH), { dot: true, nonegate: true });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return re.source === '$^' ? 'it can never match a name (check its brackets and braces)' : null;
}

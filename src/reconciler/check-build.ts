import { buildVerdict, type BuildVerdict, type ImageFact } from '../domain/build-verdict.ts';
import { buildWaitOutcome, imageTag, type BuildWaitOutcome } from '../domain/build-wait-outcome.ts';
import type { AppRegistration, WaitFor } from '../domain/config-types.ts';
import { compileWaitFor, type CompiledWaitFor } from '../domain/wait-for.ts';
import type { ForgeChecks, ForgeContext, RepoRef } from '../ports/forge.ts';
import type { ImageRegistry } from '../ports/image-registry.ts';

export interface CheckBuildDeps {
  /** Needed only by waits that list checks (null: GitHub is off). */
  checks: ForgeChecks | null;
  /** Needed only by apps with `waitFor.image`. */
  registry: ImageRegistry | null;
}

export interface CheckBuildInput {
  repo: RepoRef;
  pr: number;
  /** The head sha waited for. */
  sha: string;
  app: Pick<AppRegistration, 'images' | 'tagFormat'>;
  wait: WaitFor;
  /** `compileWaitFor(wait)`, when the caller keeps it compiled. */
  compiled?: CompiledWaitFor;
  /** When previewd first saw this sha waiting. */
  startedAt: Date;
  now: Date;
  ctx?: ForgeContext;
}

/** A `waitFor: { image: true }` app, but the service was started without a registry adapter. */
export class NoImageRegistryError extends Error {
  override name = 'NoImageRegistryError';
}

/** A wait that lists checks, but the service was started without GitHub. */
export class NoForgeChecksError extends Error {
  override name = 'NoForgeChecksError';
}

/**
 * The gather step of a `waitFor` wait, for one head sha: its check runs and commit statuses
 * (conditional: unchanged costs two 304s), then — only once the checks passed and the app asks —
 * one look per image in its registry; and the verdict and what it means. `changed` is false when
 * GitHub's answers were the remembered ones (the plan's verdict can only have moved with the clock).
 * Errors are the ports' (ForgeError, ImageRegistryError): transient ones are the queue's to retry.
 */
export async function checkBuild(deps: CheckBuildDeps, input: CheckBuildInput): Promise<{ verdict: BuildVerdict; outcome: BuildWaitOutcome; changed: boolean }> {
  const wait = input.compiled ?? compileWaitFor(input.wait);
  const checks = deps.checks;
  if (wait.checks.length > 0 && checks === null) throw new NoForgeChecksError('waitFor lists checks, but previewd runs without GitHub access to read them');
  const [runs, statuses] = wait.checks.length === 0 || checks === null
    ? [{ runs: [], changed: false }, { statuses: [], changed: false }]
    : await Promise.all([checks.listCheckRuns(input.repo, input.sha, input.ctx), checks.listCommitStatuses(input.repo, input.sha, input.ctx)]);
  const facts = { checkRuns: runs.runs, statuses: statuses.statuses, startedAt: input.startedAt, now: input.now };
  let verdict = buildVerdict(wait, facts);
  if (verdict.verdict === 'wait' && verdict.needsImages) {
    const registry = deps.registry;
    if (registry === null) throw new NoImageRegistryError('waitFor.image is set, but previewd runs without an image registry client');
    const tag = imageTag(input.app, input.sha, input.pr);
    const images: ImageFact[] = await Promise.all(input.app.images.map(async (image) => ({ ref: `${image}:${tag}`, exists: await registry.manifestExists(image, tag) })));
    verdict = buildVerdict(wait, { ...facts, images });
  }
  const outcome = buildWaitOutcome(verdict, { sha: input.sha, startedAt: input.startedAt, timeout: input.wait.timeout });
  return { verdict, outcome, changed: runs.changed || statuses.changed };
}

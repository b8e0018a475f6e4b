import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOpenApiRouter, type OpenApiDocument, type OpenApiRouter, type ResolvedOperation } from './openapi-router.ts';
import { createOperationValidators, type OperationValidator } from './openapi-validator.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** GitHub's own OpenAPI description of api.github.com, from the npm package @octokit/openapi (pinned in package.json). */
export const githubSpecPath = path.resolve(repoRoot, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');

/** The parsed description with its router and lazily compiled validators; share one between fakes. */
export interface GitHubSpec {
  document: OpenApiDocument;
  router: OpenApiRouter;
  validatorFor(operation: ResolvedOperation): OperationValidator;
}

/** Reads and indexes the description (13 MB: about a quarter of a second). */
export function loadGitHubSpec(file: string = githubSpecPath): GitHubSpec {
  const document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
  return { document, router: createOpenApiRouter(document), validatorFor: createOperationValidators(document) };
}

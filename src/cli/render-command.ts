import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadAssets } from '../assets/load-assets.ts';
import { skeletonDir } from '../assets/package-root.ts';
import { formatProblem, PREVIEW_CONFIG_FILE, SERVICE_CONFIG_FILE, type ConfigProblem } from '../domain/config-problem.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { envFolder } from '../domain/environment.ts';
import { carriedFields } from '../domain/carried-fields.ts';
import { findApp } from '../domain/find-app.ts';
import { checkPreviewConfig } from '../domain/check-preview-config.ts';
import { loadServiceConfig } from '../domain/load-config.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import { renderOverlay } from '../domain/render-overlay.ts';
import { envOfRepoPr, fullSha, isoTime, prNumber, repoName } from './argument-checks.ts';
import { UsageError, type CliIo } from './command.ts';
import { parseCommandLine, type OptionSpec } from './parse-command-line.ts';

const OPTIONS = {
  repo: { type: 'string', check: repoName },
  pr: { type: 'string', check: prNumber },
  sha: { type: 'string', check: fullSha },
  config: { type: 'string' },
  gitops: { type: 'string' },
  out: { type: 'string' },
  branch: { type: 'string' },
  author: { type: 'string' },
  now: { type: 'string', check: isoTime },
} as const satisfies Record<string, OptionSpec>;

/** `previewd render --repo O/R --pr N --sha S …`. */
export async function runRender(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandLine(args, { options: OPTIONS });
  const ref = envOfRepoPr(required(values.repo, '--repo'), required(values.pr, '--pr'));
  const { owner, repo } = ref;
  const sha = required(values.sha, '--sha');
  const now = values.now === undefined ? new Date() : new Date(values.now);
  const folder = envFolder(ref);

  const gitops = values.gitops === undefined ? skeletonDir() : resolve(io.cwd, values.gitops);
  const assets = await loadAssets();
  const validators = createConfigValidators(assets.schemas);
  const service = loadServiceConfig(await readText(resolve(gitops, SERVICE_CONFIG_FILE)), validators);
  if (!service.ok) return refuse(io, service.problems);
  const app = findApp(service.value, owner, repo);
  if (app === null) {
    return refuse(io, [{ file: SERVICE_CONFIG_FILE, path: '/apps', message: `no app matches ${owner}/${repo}`, accepted: `an entry whose repo glob matches it (${service.value.apps.map((a) => a.repo).join(', ')})` }]);
  }
  const configText = values.config === undefined ? null : await readText(resolve(io.cwd, values.config));
  const config = checkPreviewConfig(configText, service.value, app, validators);
  if (!config.ok) return refuse(io, config.problems);
  if (!config.value.enabled) io.stderr.write(`previewd render: note: ${PREVIEW_CONFIG_FILE} says enabled: false, so the service would not deploy this pull request.\n`);

  // An environment that already exists keeps what the service's render keeps (creation, preserve, sleep).
  const existing = parsePreviewJson((await readText(resolve(gitops, folder, 'preview.json')).catch(() => null)) ?? '');
  const result = renderOverlay({
    pr: { ...ref, sha, branch: values.branch ?? 'main', author: values.author ?? 'previewd', now, ...carriedFields(existing) },
    service: service.value,
    app,
    config: config.value,
    templates: assets.templates,
  });
  if (!result.ok) return refuse(io, result.problems);

  for (const [name, content] of result.value.files) {
    const path = `${result.value.folder}/${name}`;
    if (values.out === undefined) {
      io.stdout.write(`==> ${path} <==\n${content}${content.endsWith('\n') ? '' : '\n'}`);
    } else {
      const target = resolve(io.cwd, values.out, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
      io.stdout.write(`wrote ${target}\n`);
    }
  }
  return 0;
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
}

function refuse(io: CliIo, problems: readonly ConfigProblem[]): number {
  io.stderr.write(`previewd render: refused, ${problems.length} problem(s):\n${problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`);
  return 1;
}

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAssets, skeletonDir } from '../assets/load-assets.ts';
import { formatProblem, PREVIEW_CONFIG_FILE, SERVICE_CONFIG_FILE, type ConfigProblem } from '../domain/config-problem.ts';
import { createConfigValidators } from '../domain/config-validators.ts';
import { envFolder } from '../domain/environment.ts';
import { findApp } from '../domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../domain/load-config.ts';
import { parsePreviewJson } from '../domain/preview-json.ts';
import { renderOverlay } from '../domain/render-overlay.ts';
import { UsageError, type CliIo, type Command } from './command.ts';

const USAGE = `Usage: previewd render --repo O/R --pr N --sha S [--config FILE] [--gitops DIR] [--out DIR]
                      [--branch B] [--author A] [--now ISO-TIME]

Prints the files that pull request N of O/R would get, with the same validation as the service.
  --config FILE   the app repository's .github/preview.yaml (default: none, all defaults)
  --gitops DIR    the GitOps repository whose previewd.yaml registers the app
                  (default: the gitops-repo-skeleton shipped with previewd)
  --out DIR       write the files to DIR/previews/<owner>/<repo>/pr-<n>/ instead of printing them;
                  with --out equal to --gitops, 'kubectl kustomize' builds the result in place
Problems are printed with the file, the path inside it and what is accepted; the exit code is then 1.`;

const OPTIONS = {
  repo: { type: 'string' },
  pr: { type: 'string' },
  sha: { type: 'string' },
  config: { type: 'string' },
  gitops: { type: 'string' },
  out: { type: 'string' },
  branch: { type: 'string', default: 'main' },
  author: { type: 'string', default: 'previewd' },
  now: { type: 'string' },
} as const;

export const renderCommand: Command = {
  name: 'render',
  summary: 'print or write the files a pull request would get',
  usage: USAGE,
  run: runRender,
};

async function runRender(args: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const [owner, repo, ...extra] = required(values.repo, '--repo').split('/');
  if (owner === undefined || repo === undefined || owner === '' || repo === '' || extra.length > 0) throw new UsageError('--repo must be owner/name, e.g. demo/app');
  const prText = required(values.pr, '--pr');
  if (!/^[1-9][0-9]{0,9}$/.test(prText)) throw new UsageError(`--pr must be a pull request number, not ${JSON.stringify(prText)}`);
  const sha = required(values.sha, '--sha');
  if (!/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(sha)) throw new UsageError('--sha must be a full commit sha (40 hex digits)');
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO time, not ${JSON.stringify(values.now)}`);
  const ref = { owner, repo, pr: Number(prText) };
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
  const config = loadPreviewConfig(configText, validators);
  if (!config.ok) return refuse(io, config.problems);
  if (!config.value.enabled) io.stderr.write(`previewd render: note: ${PREVIEW_CONFIG_FILE} says enabled: false, so the service would not deploy this pull request.\n`);

  // An environment that already exists keeps its creation time and any preserve.
  const existing = parsePreviewJson((await readText(resolve(gitops, folder, 'preview.json')).catch(() => null)) ?? '');
  const result = renderOverlay({
    pr: { ...ref, sha, branch: values.branch, author: values.author, now, createdAt: existing?.createdAt, preservedUntil: existing?.preservedUntil ?? null },
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

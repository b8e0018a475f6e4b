import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { renderOverlay, type PrFacts } from '../../src/domain/render-overlay.ts';
import { crdProblems, loadCrds } from '../helpers/argo-crds.ts';
import { goTemplateRenderer, templateActions, type GoTemplateRenderer } from '../helpers/go-template.ts';
import type { K8sObject } from '../helpers/kustomize-build.ts';
import { kubeBinaries, skipReason } from '../helpers/real-kube/kube-binaries.ts';

/*
 * The ApplicationSet in argocd/ against what `render` really writes: every overlay below is rendered by
 * renderOverlay from the skeleton's previewd.yaml, and its preview.json is fed to the ApplicationSet's
 * template the way Argo CD's git files generator does, rendered by Go's own text/template with sprig and
 * the ApplicationSet's goTemplateOptions (test/helpers/go-template/render.go). A field renamed in preview.json, a template
 * reference to a field that is not there (or is not a string), or a path pattern that misses or
 * over-reaches fails here, not in a cluster.
 */

const run = promisify(execFile);
// Go and sprig come from scripts/kube-apiserver.sh's cache (.ci/run builds it); only their absence skips.
const found = await kubeBinaries();
const skip = found.ok ? false : skipReason(found.reason);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const skeleton = path.join(repoRoot, 'gitops-repo-skeleton');
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const NOW = new Date('2025-01-02T03:04:05Z');
const INJECTED = '{{ .id }}';

type Facts = Omit<PrFacts, 'sha' | 'now'>;

/** Pull requests GitHub could send, most of them hostile. */
const cases: Array<{ name: string; facts: Facts }> = [
  { name: 'plain', facts: { owner: 'demo', repo: 'app', pr: 1, branch: 'main', author: 'octocat' } },
  { name: 'largest PR number', facts: { owner: 'demo', repo: 'app', pr: 2147483647, branch: 'release/2.0', author: 'dependabot[bot]' } },
  { name: 'quotes', facts: { owner: 'demo', repo: 'app', pr: 2, branch: `fix/"double" 'single' \`back\``, author: `o'brien"` } },
  { name: 'newlines', facts: { owner: 'demo', repo: 'app', pr: 3, branch: 'line1\nline2\r\n\tend\n', author: 'new\nline' } },
  { name: 'template injection', facts: { owner: 'demo', repo: 'app', pr: 4, branch: INJECTED, author: '{{ .namespace }}' } },
  { name: 'template syntax', facts: { owner: 'demo', repo: 'app', pr: 5, branch: '{{ .nope }}{{- template "x" -}}}}{{', author: '{{' } },
  { name: 'unicode', facts: { owner: 'demo', repo: 'app', pr: 6, branch: 'féature/日本語-🚀\u200b\u202e', author: 'zoë 🦊' } },
  { name: 'YAML syntax', facts: { owner: 'demo', repo: 'app', pr: 7, branch: 'key: {a: b}, [c]', author: '&anchor *alias !!tag' } },
  { name: 'YAML document', facts: { owner: 'demo', repo: 'app', pr: 8, branch: '---\n- &anchor x\n# comment\n...', author: '? key\n: value' } },
  { name: 'path syntax', facts: { owner: 'demo', repo: 'app', pr: 9, branch: '../../etc/passwd', author: '/' } },
  { name: '39-character owner', facts: { owner: `X${'y-'.repeat(19)}`, repo: 'App', pr: 10, branch: 'a', author: 'b' } },
  { name: '100-character repo', facts: { owner: 'Acme', repo: 'My_App.v2-'.repeat(10), pr: 11, branch: 'a', author: 'b' } },
  { name: 'dot repo', facts: { owner: 'acme', repo: '.github', pr: 12, branch: 'a', author: 'b' } },
  { name: 'slug twin 1', facts: { owner: 'acme', repo: 'My_App', pr: 13, branch: 'a', author: 'b' } },
  { name: 'slug twin 2', facts: { owner: 'acme', repo: 'my-app', pr: 13, branch: 'a', author: 'b' } },
];

interface Rendered {
  name: string;
  facts: Facts;
  folder: string;
  files: ReadonlyMap<string, string>;
  preview: Record<string, unknown>;
  params: Record<string, unknown>;
  app: K8sObject & { spec: { source: { path: string }; destination: { namespace: string } } };
}

interface AppSet {
  metadata: { namespace: string };
  spec: { template: Record<string, unknown>; goTemplateOptions: string[]; generators: { git: { files: { path: string }[] } }[] };
}

/**
 * The parameters Argo CD's git files generator gives the template with `goTemplate: true`: the file's
 * own fields, then `path` (which replaces any `path` field of the file). As in
 * applicationset/generators/git.go; the normalized names use utils.SanitizeName.
 */
function generatorParams(file: string, fields: Record<string, unknown>): Record<string, unknown> {
  const dir = path.posix.dirname(file);
  const basename = path.posix.basename(dir);
  const filename = path.posix.basename(file);
  return {
    ...fields,
    path: {
      path: dir,
      basename,
      filename,
      basenameNormalized: sanitizeName(basename),
      filenameNormalized: sanitizeName(filename),
      segments: dir.split('/'),
    },
  };
}

/** Argo CD's utils.SanitizeName. */
function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const NAME_PART_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A label or annotation key: an optional DNS subdomain prefix and a name of at most 63. */
function isQualifiedName(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = key.slice(slash + 1);
  if (prefix !== undefined && !(prefix.length <= 253 && DNS_SUBDOMAIN_RE.test(prefix))) return false;
  return name.length <= 63 && NAME_PART_RE.test(name);
}

/** Relative paths of every file under dir; symlinks followed, as `previewd init` copies them. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full)).isDirectory())) files.push(...(await walk(full, rel)));
    else files.push(rel);
  }
  return files;
}

/** The environment without git variables that would point git at another repository or config. */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
}

let appSet: AppSet;
let go: GoTemplateRenderer;
let pattern: string;
let rendered: Rendered[];
let work: string;
let crds: Awaited<ReturnType<typeof loadCrds>>;
let validators: ReturnType<typeof createConfigValidators>;

before(async () => {
  if (!found.ok) return;
  go = await goTemplateRenderer(found.binaries);
  work = await mkdtemp(path.join(os.tmpdir(), 'previewd-appset-render-'));
  crds = await loadCrds();
  appSet = parse(await readFile(path.join(repoRoot, 'argocd', 'applicationset.yaml'), 'utf8')) as AppSet;
  const files = appSet.spec.generators.flatMap((g) => g.git.files);
  assert.equal(files.length, 1, 'one files pattern in the generator');
  pattern = files[0]!.path;

  const assets = await loadAssets();
  validators = createConfigValidators(assets.schemas);
  const service = loadServiceConfig(await readFile(path.join(skeleton, 'previewd.yaml'), 'utf8'), validators);
  assert.ok(service.ok, JSON.stringify(!service.ok && service.problems));
  const config = loadPreviewConfig(null, validators);
  assert.ok(config.ok);
  // renderOverlay takes the registration as given; the skeleton's only app (demo/*) stands in for the
  // app of every owner here, since findApp's glob is not what this test is about.
  const registration = service.value.apps[0]!;

  const overlays = cases.map(({ name, facts }) => {
    const result = renderOverlay({ pr: { ...facts, sha: SHA, now: NOW }, service: service.value, app: registration, config: config.value, templates: assets.templates });
    assert.ok(result.ok, `${name}: ${JSON.stringify(!result.ok && result.problems)}`);
    const { folder, files } = result.value;
    const preview = JSON.parse(files.get('preview.json') ?? assert.fail(`${name}: no preview.json`)) as Record<string, unknown>;
    return { name, facts, folder, files, preview, params: generatorParams(`${folder}/preview.json`, preview) };
  });
  const apps = await go.render(appSet.spec.template, overlays.map((o) => o.params), appSet.spec.goTemplateOptions);
  rendered = overlays.map((o, i) => {
    const result = apps[i] ?? assert.fail('a result per overlay');
    assert.ok(result.ok, `${o.name}: Go refused the template: ${!result.ok && result.error}`);
    return { ...o, app: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...result.app } as Rendered['app'] };
  });
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The value a template action reads: `.a.b` (strict) or `get . "a"` (optional). */
function actionValue(params: Record<string, unknown>, action: string): { strict: boolean; value: unknown } {
  const optional = /^get \. "(\w+)"$/.exec(action)?.[1];
  if (optional !== undefined) return { strict: false, value: params[optional] };
  assert.match(action, /^(\.\w+)+$/, `{{ ${action} }} is a field or a get`);
  let value: unknown = params;
  for (const key of action.slice(1).split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return { strict: true, value };
}

test('every rendered preview.json gives the template each parameter it uses, as a string', { skip }, () => {
  const actions = templateActions(appSet.spec.template);
  assert.ok(actions.length >= 5, 'the template uses parameters');
  for (const r of rendered) {
    assert.deepEqual(validators.previewJson('preview.json', r.preview), [], `${r.name}: preview.json validates`);
    // The generator's own `path` would silently replace a preview.json field of that name.
    assert.ok(!('path' in r.preview), `${r.name}: preview.json has no "path" field`);
    for (const action of actions) {
      // A number or null would print as 2.147483647e+09 or <no value>.
      const { value } = actionValue(r.params, action);
      assert.equal(typeof value, 'string', `${r.name}: {{ ${action} }} is a string, not ${JSON.stringify(value)}`);
    }
  }
});

test('a preview.json without an optional field still makes its Application; without id, namespace or path Go refuses it', { skip }, async () => {
  const sample = rendered[0] ?? assert.fail('a rendered overlay');
  const without = (field: string): Record<string, unknown> => {
    const { [field]: _gone, ...rest } = sample.preview;
    return generatorParams(`${sample.folder}/preview.json`, rest);
  };
  const optional = ['url', 'repo', 'branch', 'sha'];
  const results = await go.render(appSet.spec.template, [...optional.map(without), without('id'), without('namespace')], appSet.spec.goTemplateOptions);
  optional.forEach((field, i) => {
    const result = results[i];
    assert.ok(result?.ok, `without ${field}: ${result && !result.ok ? result.error : ''}`);
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...result.app } as Rendered['app'];
    assert.equal(app.metadata.name, sample.preview.id, `without ${field}: the Application is still made`);
    assert.deepEqual(crdProblems(crds, app), [], `without ${field}: it validates`);
  });
  const [noId, noNamespace] = results.slice(optional.length);
  assert.ok(noId && !noId.ok && /map has no entry for key "id"/.test(noId.error), `without id: ${JSON.stringify(noId)}`);
  assert.ok(noNamespace && !noNamespace.ok && /map has no entry for key "namespace"/.test(noNamespace.error), `without namespace: ${JSON.stringify(noNamespace)}`);
});

test('the Application made from each rendered overlay is valid and points at what render wrote', { skip }, () => {
  const ids = new Set<string>();
  for (const { name, folder, files, preview, app } of rendered) {
    assert.deepEqual(crdProblems(crds, app), [], `${name}: the Application validates against the CRD`);
    const { metadata } = app;
    assert.equal(metadata.name, preview.id, `${name}: named by id`);
    // Argo CD writes the Application's name into a label (app.kubernetes.io/instance), hence 63, not 253.
    assert.ok(metadata.name.length <= 63 && DNS_SUBDOMAIN_RE.test(metadata.name), `${name}: ${metadata.name} is a DNS-1123 subdomain of at most 63`);
    ids.add(metadata.name);
    assert.equal(metadata.labels?.['previewd.io/id'], preview.id, `${name}: the watcher's id label`);
    assert.equal(metadata.labels?.['app.kubernetes.io/managed-by'], 'previewd', `${name}: the watcher's managed-by label`);
    for (const [key, value] of Object.entries(metadata.labels ?? {})) {
      assert.ok(isQualifiedName(key), `${name}: label key ${key}`);
      assert.ok(value.length <= 63 && LABEL_VALUE_RE.test(value), `${name}: label ${key}=${JSON.stringify(value)} is a valid label value`);
    }
    for (const key of Object.keys(metadata.annotations ?? {})) assert.ok(isQualifiedName(key), `${name}: annotation key ${key}`);
    assert.equal(metadata.annotations?.['link.argocd.argoproj.io/preview'], preview.url, `${name}: link annotation`);

    // The destination is the namespace the overlay creates and deploys into, whichever file says it.
    const namespaceDoc = parse(files.get('namespace.yaml') ?? '') as { metadata: { name: string } };
    const kustomization = parse(files.get('kustomization.yaml') ?? '') as { namespace: string };
    assert.equal(app.spec.destination.namespace, preview.namespace, `${name}: destination namespace`);
    assert.equal(app.spec.destination.namespace, namespaceDoc.metadata.name, `${name}: destination is namespace.yaml's Namespace`);
    assert.equal(app.spec.destination.namespace, kustomization.namespace, `${name}: destination is the overlay's namespace`);
    assert.equal(app.spec.source.path, folder, `${name}: source path is the folder render wrote`);
  }
  assert.equal(ids.size, rendered.length, 'every PR gets its own Application, slug twins included');
});

test('a hostile branch reaches the Application literally, never evaluated', { skip }, () => {
  for (const { name, facts, app } of rendered) {
    assert.equal(app.metadata.annotations?.['previewd.io/branch'], facts.branch, `${name}: branch annotation is the branch as GitHub sent it`);
    // Nothing but the branch annotation may hold template text after rendering: no action was left
    // unrendered, and no parameter's text was rendered again.
    const { 'previewd.io/branch': _branch, ...annotations } = app.metadata.annotations ?? {};
    const rest = JSON.stringify({ ...app, metadata: { ...app.metadata, annotations } });
    assert.ok(!rest.includes('{{'), `${name}: no template text outside the branch annotation: ${rest}`);
  }
  const injected = rendered.find((r) => r.facts.branch === INJECTED) ?? assert.fail('the injection case');
  assert.equal(injected.app.metadata.annotations?.['previewd.io/branch'], INJECTED);
  assert.notEqual(injected.app.metadata.annotations?.['previewd.io/branch'], injected.preview.id, 'the branch was not evaluated as {{ .id }}');
});

test('the generator path pattern matches the preview.json of each rendered overlay and nothing else', { skip }, async () => {
  // Argo CD matches with git's pathspec globs (default) or doublestar (new globbing); both let `*` match a
  // name that begins with '.', such as a repository called .github, and picomatch does so only with dot.
  const isMatch = picomatch(pattern, { dot: true });
  const all = rendered.flatMap((r) => [...r.files.keys()].map((file) => `${r.folder}/${file}`));
  assert.equal(new Set(all).size, all.length, 'no two overlays share a file');
  for (const r of rendered) {
    const matched = [...r.files.keys()].map((file) => `${r.folder}/${file}`).filter((p) => isMatch(p));
    assert.deepEqual(matched, [`${r.folder}/preview.json`], `${r.name}: exactly its preview.json matches ${pattern}`);
  }
  assert.deepEqual(all.filter((p) => isMatch(p)).sort(), rendered.map((r) => `${r.folder}/preview.json`).sort());

  const skeletonFiles = await walk(skeleton);
  assert.ok(skeletonFiles.includes('previewd.yaml') && skeletonFiles.includes('apps/demo/base/kustomization.yaml'), 'the walk saw the skeleton');
  assert.deepEqual(skeletonFiles.filter((p) => !p.startsWith('previews/') && isMatch(p)), [], `nothing of the skeleton outside previews/ matches ${pattern}`);
});

test('git ls-files, as Argo CD runs it for the files generator, lists exactly the rendered preview.json files', { skip }, async () => {
  const gitops = path.join(work, 'gitops');
  await cp(skeleton, gitops, { recursive: true, dereference: true });
  for (const r of rendered) {
    await mkdir(path.join(gitops, r.folder), { recursive: true });
    for (const [file, content] of r.files) await writeFile(path.join(gitops, r.folder, file), content);
  }
  const env = gitEnv();
  await run('git', ['init', '--quiet'], { cwd: gitops, env });
  await run('git', ['add', '--all', '--force'], { cwd: gitops, env });
  // The repo server's default: `git ls-files --full-name -z -- <pattern>`, with git's pathspec globbing.
  const { stdout } = await run('git', ['ls-files', '--full-name', '-z', '--', pattern], { cwd: gitops, env });
  const listed = stdout.split('\0').filter(Boolean).sort();
  assert.deepEqual(listed, rendered.map((r) => `${r.folder}/preview.json`).sort());
});

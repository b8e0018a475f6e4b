// Every overlay the tests render (defaults, each add-on, all add-ons, hostile names and values), built by
// the real `kubectl kustomize` and sent to a real kube-apiserver v1.20.2 with `kubectl apply
// --dry-run=server`: the server's own validation and admission (defaulting, quota and name rules) judge
// them, not a schema copied into the tests. Its Namespace is created for real first, since a dry-run of a
// namespaced object is refused while its Namespace does not exist.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { skeletonDir } from '../../src/assets/package-root.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { ADDONS } from '../../src/domain/config-types.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { renderOverlay } from '../../src/domain/render-overlay.ts';
import { kustomizeBuild, type K8sObject } from '../helpers/kustomize-build.ts';
import { startRealKube, type RealKube } from '../helpers/real-kube.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
/**
 * StatefulSet.spec.persistentVolumeClaimRetentionPolicy is Kubernetes 1.23+ (the README's minimum); the
 * server here is 1.20, whose OpenAPI does not know it. The test strips only that field, after checking it
 * is the one thing the server refuses, so everything else in the overlay is judged by 1.20.
 */
const NEWER_THAN_1_20 = 'persistentVolumeClaimRetentionPolicy';

const started = await startRealKube();
const skip = started.ok ? false : started.skip;
const kube = started.ok ? started.kube : (undefined as unknown as RealKube);
const assets = await loadAssets();
const validators = createConfigValidators(assets.schemas);
let gitops = '';

before(async () => {
  gitops = await mkdtemp(join(tmpdir(), 'previewd-real-overlays-'));
  await cp(skeletonDir(), gitops, { recursive: true });
});
after(async () => {
  await rm(gitops, { recursive: true, force: true });
  if (started.ok) await kube.close();
});

interface Case { name: string; repo: string; pr: number; branch: string; author: string; config: string }
const env = { GREETING: 'hello: {world}', QUOTED: '"as written"', MULTI: 'a\nb: c', EMPTY: '', EQ: 'a=b', TEMPLATE: '{{ .id }}', SHELL: '$(rm -rf /)' };
const cases: Case[] = [
  { name: 'defaults', repo: 'app', pr: 1, branch: 'main', author: 'octocat', config: '' },
  ...ADDONS.map((addon, i) => ({ name: addon, repo: 'app', pr: 10 + i, branch: 'feature', author: 'octocat', config: `addons: [${addon}]\n` })),
  { name: 'all add-ons', repo: 'app', pr: 20, branch: 'feature', author: 'octocat', config: `addons: [${ADDONS.join(', ')}]\nreplicas: 2\nenv: ${JSON.stringify(env)}\n` },
  { name: 'hostile names', repo: 'My_App.v2-'.repeat(10), pr: 2147483647, branch: '---\n- &a x\n{{ .id }} "q" \'s\' ../../etc', author: 'dependabot[bot]', config: `env: ${JSON.stringify(env)}\n` },
  { name: 'dot repo', repo: '.github', pr: 30, branch: 'féature/日本語-🚀\u202e', author: 'zoë', config: 'addons: [postgres, redis]\n' },
];

async function render(c: Case): Promise<{ dir: string; objects: K8sObject[] }> {
  const service = loadServiceConfig(await readFile(join(gitops, 'previewd.yaml'), 'utf8'), validators);
  assert.ok(service.ok, JSON.stringify(!service.ok && service.problems));
  const app = findApp(service.value, 'demo', c.repo);
  assert.ok(app, `previewd.yaml's demo/* covers demo/${c.repo}`);
  const preview = loadPreviewConfig(c.config, validators);
  assert.ok(preview.ok, JSON.stringify(!preview.ok && preview.problems));
  const result = renderOverlay({
    pr: { owner: 'demo', repo: c.repo, pr: c.pr, sha: SHA, branch: c.branch, author: c.author, now: new Date('2025-01-01T00:00:00Z') },
    service: service.value, app, config: preview.value, templates: assets.templates,
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const dir = join(gitops, result.value.folder);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of result.value.files) await writeFile(join(dir, name), content);
  return { dir, objects: await kustomizeBuild(dir) };
}

async function dryRun(objects: K8sObject[], file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // YAML 1.1 as kubectl reads it: a string such as redis's `"no"` stays quoted, not the boolean false.
  await writeFile(file, objects.map((o) => stringify(o, { version: '1.1' })).join('---\n'));
  return kube.kubectl(['apply', '--dry-run=server', '-f', file]);
}

function withoutNewerFields(objects: K8sObject[]): K8sObject[] {
  return objects.map((o) => {
    if (o.kind !== 'StatefulSet') return o;
    const { [NEWER_THAN_1_20]: _dropped, ...spec } = o.spec as Record<string, unknown>;
    return { ...o, spec };
  });
}

describe('every rendered overlay passes the real API server\'s dry-run', { skip }, () => {
  for (const c of cases) {
    test(c.name, { timeout: 180_000 }, async () => {
      const { dir, objects } = await render(c);
      const namespaces = objects.filter((o) => o.kind === 'Namespace');
      assert.equal(namespaces.length, 1, 'one Namespace per overlay');
      // The Namespace for real (a dry-run of one leaves namespaced objects nowhere to go), then a
      // dry-run of everything, the Namespace included, as Argo CD's sync would send it.
      const created = await kube.kubectl(['create', '-f', '-'], { input: stringify(namespaces[0]) });
      assert.equal(created.code, 0, created.stderr);
      const hasNewer = objects.some((o) => o.kind === 'StatefulSet' && NEWER_THAN_1_20 in (o.spec as object));
      if (hasNewer) {
        // What 1.20 refuses, and only that: the 1.23 field the README names as the reason for its minimum.
        const refused = await dryRun(objects, join(dir, 'as-rendered.yaml'));
        assert.notEqual(refused.code, 0, 'Kubernetes 1.20 does not know persistentVolumeClaimRetentionPolicy');
        // kubectl checks each object against the server's own OpenAPI before sending it.
        const problems = refused.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning:'));
        assert.ok(problems.every((l) => l.includes(NEWER_THAN_1_20)), `only the 1.23 field is refused:\n${refused.stderr}`);
      }
      const result = await dryRun(withoutNewerFields(objects), join(dir, 'for-1.20.yaml'));
      assert.equal(result.code, 0, `the server refused:\n${result.stderr}`);
      const accepted = result.stdout.split('\n').filter((l) => /\((server dry run)\)$/.test(l));
      assert.equal(accepted.length, objects.length, `every object accepted:\n${result.stdout}`);
    });
  }
});

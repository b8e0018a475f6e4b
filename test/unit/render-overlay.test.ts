import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import type { PreviewConfig, ServiceConfig } from '../../src/domain/config-types.ts';
import { InvalidEnvRefError } from '../../src/domain/environment.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { InvalidPrFactsError, renderOverlay, type PrFacts, type RenderInput } from '../../src/domain/render-overlay.ts';

const assets = await loadAssets();
const validators = createConfigValidators(assets.schemas);
const skeletonConfig = await readFile(new URL('../../gitops-repo-skeleton/previewd.yaml', import.meta.url), 'utf8');
const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';

function service(text = skeletonConfig): ServiceConfig {
  const result = loadServiceConfig(text, validators);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.value;
}

function previewConfig(text: string): PreviewConfig {
  const result = loadPreviewConfig(text, validators);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.value;
}

function input(overrides: { pr?: Partial<PrFacts>; config?: string; service?: ServiceConfig } = {}): RenderInput {
  const svc = overrides.service ?? service();
  return {
    pr: { owner: 'demo', repo: 'app', pr: 1, sha: SHA, branch: 'feature/login', author: 'octocat', now: new Date('2025-01-02T03:04:05Z'), ...overrides.pr },
    service: svc,
    app: svc.apps[0]!,
    config: previewConfig(overrides.config ?? ''),
    templates: assets.templates,
  };
}

function rendered(i: RenderInput) {
  const result = renderOverlay(i);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  return result.value;
}

function kustomization(i: RenderInput): Record<string, unknown> & { patches: Array<{ patch: string }> } {
  return parse(rendered(i).files.get('kustomization.yaml')!);
}

describe('renderOverlay: golden', () => {
  const cases: Array<[name: string, config: string]> = [
    ['demo-app-pr-1-defaults', ''],
    ['demo-app-pr-1-addons', 'addons: [redis, postgres]\nenv: { LOG_LEVEL: debug, FEATURE_LOGIN: true }\nreplicas: 2\nttl: 48h\n'],
  ];
  for (const [name, config] of cases) {
    test(name, async () => {
      const files = rendered(input({ config })).files;
      for (const [file, content] of files) {
        const golden = new URL(`../fixtures/golden/${name}/${file}`, import.meta.url);
        if (process.env.UPDATE_GOLDEN === '1') {
          await mkdir(new URL('.', golden), { recursive: true });
          await writeFile(golden, content);
        }
        assert.equal(content, await readFile(golden, 'utf8'), `${name}/${file} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`);
      }
    });
  }
});

describe('renderOverlay: facts', () => {
  test('three files, in the environment folder', () => {
    const out = rendered(input());
    assert.equal(out.folder, 'previews/demo/app/pr-1');
    assert.deepEqual([...out.files.keys()].sort(), ['kustomization.yaml', 'namespace.yaml', 'preview.json']);
  });

  test('deterministic: same input, same bytes; equal configs in another order, same bytes', () => {
    const a = rendered(input({ config: 'addons: [redis, postgres]\nenv: { B: "2", A: "1" }\n' })).files;
    const b = rendered(input({ config: 'env: { A: "1", B: "2" }\naddons: [postgres, redis]\n' })).files;
    assert.deepEqual([...a], [...b]);
  });

  test('preview.json validates, keeps createdAt, expires ttl after now', () => {
    const out = rendered(input({ pr: { createdAt: '2024-12-31T00:00:00.000Z', preservedUntil: '2025-02-01T00:00:00.000Z' }, config: 'ttl: 30m\n' }));
    const json = JSON.parse(out.files.get('preview.json')!);
    assert.deepEqual(validators.previewJson('preview.json', json), []);
    assert.equal(json.createdAt, '2024-12-31T00:00:00.000Z');
    assert.equal(json.updatedAt, '2025-01-02T03:04:05.000Z');
    assert.equal(json.expiresAt, '2025-01-02T03:34:05.000Z');
    assert.equal(json.preservedUntil, '2025-02-01T00:00:00.000Z');
    assert.equal(json.sha, SHA);
    assert.equal(json.repo, 'demo/app');
    assert.equal(json.url, `https://${json.namespace}.preview.example.com`);
    assert.deepEqual(out.preview, json);
  });

  test('images retagged in the tag format, host from the pattern', () => {
    const svc = service(skeletonConfig.replace('tagFormat: "{sha}"', 'tagFormat: "pr-{pr}-{short}"\n    host: "{id}.apps.{domain}"'));
    const i = input({ service: svc, pr: { pr: 77 } });
    const k = kustomization(i);
    assert.deepEqual(k.images, [{ name: 'registry.example.com/previewd/demo', newTag: `pr-77-${SHA.slice(0, 7)}` }]);
    const ns = parse(rendered(i).files.get('namespace.yaml')!);
    assert.match(ns.metadata.annotations['previewd.io/host'], /^app-pr-77-demo-[a-z2-7]{8}\.apps\.preview\.example\.com$/);
  });

  test('labels, namespace, resources and components in order', () => {
    const k = kustomization(input({ config: 'addons: [minio, postgres]\n' }));
    const out = rendered(input());
    assert.equal(k.namespace, out.preview.namespace);
    assert.deepEqual(k.resources, ['../../../../apps/demo/base', 'namespace.yaml']);
    assert.deepEqual(k.components, ['../../../../components/guardrails', '../../../../components/postgres', '../../../../components/minio']);
    const pairs = (k.labels as Array<{ pairs: Record<string, string> }>)[0]!.pairs;
    assert.deepEqual(pairs, { 'app.kubernetes.io/managed-by': 'previewd', 'previewd.io/id': out.preview.id, 'previewd.io/repo': 'demo.app', 'previewd.io/pr': '1' });
  });

  test('env through the document model: hostile values come back exactly', () => {
    const value = 'a: {b}\n- c &x *y !!str "q" \'r\' #';
    const k = kustomization(input({ config: `env: { EVIL: ${JSON.stringify(value)} }\n` }));
    const generator = (k.configMapGenerator as Array<{ name: string; literals: string[] }>)[0]!;
    assert.equal(generator.name, 'preview-env');
    assert.deepEqual(generator.literals, [`EVIL=${value}`]);
  });

  test('webhook strings reach only preview.json, through JSON', () => {
    const branch = 'x"\n: {&a !!tag} ../../etc';
    const author = 'o\u0000"ctocat\n- y';
    const out = rendered(input({ pr: { branch, author } }));
    const json = JSON.parse(out.files.get('preview.json')!);
    assert.equal(json.branch, branch);
    assert.equal(json.author, author);
    for (const file of ['kustomization.yaml', 'namespace.yaml']) assert.ok(!out.files.get(file)!.includes('../../etc'));
  });

  test('the app patch sets replicas, resources and envFrom (preview-env, then add-on secrets)', () => {
    const k = kustomization(input({ config: 'addons: [redis, postgres]\nreplicas: 2\nresources: { limits: { memory: 512Mi } }\n' }));
    const ops = parse(k.patches[0]!.patch) as Array<{ op: string; path: string; value: unknown }>;
    const byPath = Object.fromEntries(ops.map((o) => [o.path, o.value]));
    assert.equal(byPath['/spec/replicas'], 2);
    assert.deepEqual(byPath['/spec/template/spec/containers/0/resources'], { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    assert.deepEqual(byPath['/spec/template/spec/containers/0/envFrom'], [
      { configMapRef: { name: 'preview-env' } },
      { secretRef: { name: 'postgres-connection' } },
      { secretRef: { name: 'redis-connection' } },
    ]);
  });

  test('the quota fits the app, its rolling-update surge, and the add-ons', () => {
    const none = parse(kustomization(input()).patches[1]!.patch);
    // 1 replica + 1 surge of 50m/64Mi .. 500m/256Mi
    assert.deepEqual(none.spec.hard, { 'requests.cpu': '100m', 'requests.memory': '128Mi', 'limits.cpu': '1', 'limits.memory': '512Mi', pods: '2' });
    const all = parse(kustomization(input({ config: 'addons: [postgres, mariadb, mongodb, redis, minio]\nreplicas: 3\n' })).patches[1]!.patch);
    // app: 4 pods; add-ons: requests 450m / 672Mi, limits 2200m / 1344Mi
    assert.deepEqual(all.spec.hard, { 'requests.cpu': '650m', 'requests.memory': '928Mi', 'limits.cpu': '4200m', 'limits.memory': '2368Mi', pods: '9' });
    assert.equal(all.metadata.name, 'preview-quota');
  });
});

describe('renderOverlay: refusals render nothing', () => {
  test('a policy refusal comes back as problems', () => {
    const result = renderOverlay({ ...input(), config: { enabled: true, replicas: 9 } });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map((p) => [p.file, p.path]), [['.github/preview.yaml', '/replicas']]);
  });

  test('a host pattern that overflows is a previewd.yaml problem', () => {
    const svc = service(skeletonConfig.replace('tagFormat: "{sha}"', 'tagFormat: "{sha}"\n    host: "{id}-{namespace}.{domain}"'));
    const result = renderOverlay(input({ service: svc, pr: { repo: 'a-rather-long-repository-name-indeed' } }));
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.problems.map((p) => [p.file, p.path]), [['previewd.yaml', '/apps/0/host']]);
  });

  test('a tag format that makes an over-long tag is a previewd.yaml problem', () => {
    const svc = service(skeletonConfig.replace('tagFormat: "{sha}"', 'tagFormat: "{sha}-{sha}-{sha}-{sha}"'));
    const result = renderOverlay(input({ service: svc }));
    assert.deepEqual(!result.ok && result.problems.map((p) => p.path), ['/apps/0/tagFormat']);
  });

  test('facts no webhook could carry throw', () => {
    assert.throws(() => renderOverlay(input({ pr: { sha: 'abc' } })), InvalidPrFactsError);
    assert.throws(() => renderOverlay(input({ pr: { owner: '../x' } })), InvalidEnvRefError);
    assert.throws(() => renderOverlay(input({ pr: { pr: 0 } })), InvalidEnvRefError);
  });
});

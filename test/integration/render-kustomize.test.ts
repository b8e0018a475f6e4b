import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadAssets } from '../../src/assets/load-assets.ts';
import { skeletonDir } from '../../src/assets/package-root.ts';
import { createConfigValidators } from '../../src/domain/config-validators.ts';
import { ADDONS, type Addon } from '../../src/domain/config-types.ts';
import { findApp } from '../../src/domain/find-app.ts';
import { loadPreviewConfig, loadServiceConfig } from '../../src/domain/load-config.ts';
import { parseCpu, parseMemory } from '../../src/domain/quantity.ts';
import { renderOverlay, type RenderedPreview } from '../../src/domain/render-overlay.ts';
import { kustomizeBuild, type K8sObject } from '../helpers/kustomize-build.ts';
import { kubernetesSchemaProblem } from '../helpers/validate-kubernetes-object.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const IMAGE = 'registry.example.com/previewd/demo';
const CLUSTER_SCOPED = new Set(['Namespace']);

interface Container {
  name: string;
  image: string;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Workload extends K8sObject {
  spec: { replicas?: number; template: { spec: { containers: Container[] } } };
}

const assets = await loadAssets();
const validators = createConfigValidators(assets.schemas);
const sizes = assets.templates.addonSizes;
let gitops = '';

before(async () => {
  gitops = await mkdtemp(join(tmpdir(), 'previewd-kustomize-'));
  await cp(skeletonDir(), gitops, { recursive: true });
});
after(() => rm(gitops, { recursive: true, force: true }));

async function renderInto(pr: number, config: string): Promise<{ out: RenderedPreview; objects: K8sObject[] }> {
  const service = loadServiceConfig(await readFile(join(gitops, 'previewd.yaml'), 'utf8'), validators);
  assert.ok(service.ok, JSON.stringify(!service.ok && service.problems));
  const app = findApp(service.value, 'demo', 'app');
  assert.ok(app);
  const preview = loadPreviewConfig(config, validators);
  assert.ok(preview.ok, JSON.stringify(!preview.ok && preview.problems));
  const result = renderOverlay({
    pr: { owner: 'demo', repo: 'app', pr, sha: SHA, branch: 'feature', author: 'octocat', now: new Date('2025-01-01T00:00:00Z') },
    service: service.value,
    app,
    config: preview.value,
    templates: assets.templates,
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  const dir = join(gitops, result.value.folder);
  await mkdir(dir, { recursive: true });
  for (const [name, content] of result.value.files) await writeFile(join(dir, name), content);
  return { out: result.value, objects: await kustomizeBuild(dir) };
}

function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

function appDeployments(objects: K8sObject[]): Workload[] {
  return byKind(objects, 'Deployment').filter((o) => o.metadata.labels?.['previewd.io/addon'] === undefined) as Workload[];
}

const cases: Array<[name: string, addons: Addon[]]> = [['no add-on', []], ...ADDONS.map((a): [string, Addon[]] => [a, [a]]), ['all add-ons', [...ADDONS]]];

describe('rendered overlays build with kubectl kustomize', () => {
  cases.forEach(([name, addons], i) => {
    test(name, async () => {
      const env = { GREETING: 'hello: {world}', DEBUG: 'true', QUOTED: '"as written"', SINGLE: "'x'", LONE: '"', MULTI: 'a\nb: c', EMPTY: '', EQ: 'a=b' };
      const config = `addons: [${addons.join(', ')}]\nenv: ${JSON.stringify({ ...env, DEBUG: true })}\nreplicas: 2\n`;
      const { out, objects } = await renderInto(100 + i, config);
      const { namespace, id } = out.preview;
      const host = new URL(out.preview.url).hostname;

      // Only the test's namespace: every namespaced object in it, and the one Namespace is it.
      for (const obj of objects) {
        if (CLUSTER_SCOPED.has(obj.kind)) assert.equal(obj.metadata.name, namespace);
        else assert.equal(obj.metadata.namespace, namespace, `${obj.kind}/${obj.metadata.name}`);
        assert.equal(obj.metadata.labels?.['previewd.io/id'], id, `${obj.kind}/${obj.metadata.name} carries previewd.io/id`);
        assert.equal(obj.metadata.labels?.['app.kubernetes.io/managed-by'], 'previewd');
        assert.equal(kubernetesSchemaProblem(obj), undefined);
      }
      assert.equal(byKind(objects, 'Namespace').length, 1);

      // The app: retagged image, replicas, envFrom = preview-env then each add-on's connection Secret.
      const [app, ...others] = appDeployments(objects);
      assert.ok(app && others.length === 0);
      assert.equal(app.spec.replicas, 2);
      const container = app.spec.template.spec.containers[0]!;
      assert.equal(container.image, `${IMAGE}:${SHA}`);
      const envFrom = container.envFrom ?? [];
      assert.match(envFrom[0]?.configMapRef?.name ?? '', /^preview-env-[a-z0-9]+$/);
      const secretRefs = envFrom.slice(1).map((e) => e.secretRef?.name ?? '');
      assert.deepEqual(secretRefs.map((n) => n.replace(/-[a-z0-9]+$/, '')), addons.map((a) => `${a}-connection`));
      const secrets = new Set(byKind(objects, 'Secret').map((s) => s.metadata.name));
      for (const ref of secretRefs) assert.ok(secrets.has(ref), `Secret ${ref} exists`);
      const configMap = byKind(objects, 'ConfigMap').find((c) => c.metadata.name === envFrom[0]?.configMapRef?.name);
      // Exactly what the PR wrote, after kustomize's literal parsing (which strips one pair of quotes).
      assert.deepEqual(configMap?.data, env);

      // The host on every Ingress rule and TLS entry.
      const ingresses = byKind(objects, 'Ingress') as Array<K8sObject & { spec: { rules: Array<{ host: string }>; tls?: Array<{ hosts: string[] }> } }>;
      assert.ok(ingresses.length > 0);
      for (const ing of ingresses) {
        assert.deepEqual(ing.spec.rules.map((r) => r.host), ing.spec.rules.map(() => host));
        for (const tls of ing.spec.tls ?? []) assert.deepEqual(tls.hosts, tls.hosts.map(() => host));
      }

      // The add-ons' workloads, and the quota that holds them all plus a rolling update of the app.
      const workloads = [...byKind(objects, 'Deployment'), ...byKind(objects, 'StatefulSet')] as Workload[];
      assert.deepEqual(workloads.map((w) => w.metadata.labels?.['previewd.io/addon']).filter(Boolean).sort(), [...addons].sort());
      const quota = byKind(objects, 'ResourceQuota').find((q) => q.metadata.name === 'preview-quota') as K8sObject & { spec: { hard: Record<string, string> } };
      assert.equal(quota.spec.hard['services.loadbalancers'], '0', 'the guardrails keys stay');
      const need = { cpu: 0, memory: 0, pods: 0 };
      for (const w of workloads) {
        const pods = (w.spec.replicas ?? 1) + (w === app ? 1 : 0);
        need.pods += pods;
        for (const c of w.spec.template.spec.containers) {
          need.cpu += pods * (parseCpu(c.resources?.limits?.cpu ?? '') ?? Infinity);
          need.memory += pods * (parseMemory(c.resources?.limits?.memory ?? '') ?? Infinity);
        }
      }
      assert.ok(need.cpu <= (parseCpu(quota.spec.hard['limits.cpu'] ?? '') ?? 0), `limits.cpu ${quota.spec.hard['limits.cpu']} holds ${need.cpu}m`);
      assert.ok(need.memory <= (parseMemory(quota.spec.hard['limits.memory'] ?? '') ?? 0), `limits.memory holds ${need.memory}`);
      assert.ok(need.pods <= Number(quota.spec.hard.pods));
    });
  });
});

describe('templates/addons.yaml matches components/<addon>', () => {
  test('each add-on container has the requests and limits of the table', async () => {
    const { objects } = await renderInto(999, `addons: [${ADDONS.join(', ')}]\n`);
    for (const addon of ADDONS) {
      const workload = [...byKind(objects, 'Deployment'), ...byKind(objects, 'StatefulSet')].find((o) => o.metadata.labels?.['previewd.io/addon'] === addon) as Workload | undefined;
      assert.ok(workload, `${addon} has a workload`);
      const [container, ...more] = workload.spec.template.spec.containers;
      assert.equal(more.length, 0, `${addon} has one container`);
      const r = container?.resources;
      const actual = {
        requests: { cpu: parseCpu(r?.requests?.cpu ?? ''), memory: parseMemory(r?.requests?.memory ?? '') },
        limits: { cpu: parseCpu(r?.limits?.cpu ?? ''), memory: parseMemory(r?.limits?.memory ?? '') },
      };
      assert.deepEqual(actual, sizes[addon], addon);
    }
  });
});

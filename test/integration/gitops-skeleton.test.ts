import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { describe, kustomizeBuild, type K8sObject } from '../helpers/kustomize-build.ts';
import { kubernetesSchemaProblem } from '../helpers/validate-kubernetes-object.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const skeleton = path.join(repoRoot, 'gitops-repo-skeleton');
const namespace = 'pv-shop-42-acme';
const addons = ['postgres', 'mariadb', 'mongodb', 'redis', 'minio'] as const;
type Addon = (typeof addons)[number];

interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}
interface AddonContract {
  keys: string[];
  resources: Resources;
}

/**
 * The add-on half of docs/render-contract.md, read from the document itself so that the components
 * and the contract cannot drift apart silently.
 */
async function readContract(): Promise<Record<Addon, AddonContract>> {
  const text = await readFile(path.join(repoRoot, 'docs', 'render-contract.md'), 'utf8');
  const contract: Partial<Record<Addon, Partial<AddonContract>>> = {};
  for (const addon of addons) {
    const keysLine = new RegExp(`^\\s*- ${addon}: (.+)$`, 'm').exec(text);
    const row = new RegExp(`^\\s*\\|\\s*${addon}\\s*\\|\\s*(\\S+) / (\\S+)\\s*\\|\\s*(\\S+) / (\\S+)\\s*\\|`, 'm').exec(text);
    assert.ok(keysLine?.[1], `render-contract.md lists the connection keys of ${addon}`);
    assert.ok(row, `render-contract.md has a resources row for ${addon}`);
    const [, reqCpu, reqMem, limCpu, limMem] = row as unknown as [string, string, string, string, string];
    contract[addon] = {
      keys: [...keysLine[1].matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1] as string).sort(),
      resources: { requests: { cpu: reqCpu, memory: reqMem }, limits: { cpu: limCpu, memory: limMem } },
    };
  }
  return contract as Record<Addon, AddonContract>;
}

// Loose accessors for the parts of pod specs the tests look at.
interface Container {
  name: string;
  image: string;
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  resources?: Resources;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels?: Record<string, string> };
  spec: {
    securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
    containers: Container[];
    initContainers?: Container[];
    volumes?: { name: string; emptyDir?: unknown }[];
  };
}
interface Workload extends K8sObject {
  spec: { template: PodTemplate; volumeClaimTemplates?: { metadata: { labels?: Record<string, string> } }[] };
}

function isWorkload(obj: K8sObject): obj is Workload {
  return obj.kind === 'Deployment' || obj.kind === 'StatefulSet';
}

function addonOf(obj: { metadata: { labels?: Record<string, string> } }): string | undefined {
  return obj.metadata.labels?.['previewd.io/addon'];
}

function decode(secret: K8sObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** A GitOps tree in a temp dir with one preview overlay, written the way the contract says render writes it. */
async function buildOverlay(work: string, name: string, chosen: readonly Addon[]): Promise<K8sObject[]> {
  const gitops = path.join(work, name);
  await cp(skeleton, gitops, { recursive: true });
  const folder = path.join(gitops, 'previews', 'acme', 'shop', 'pr-42');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'namespace.yaml'), stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
  const kustomization: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    resources: ['namespace.yaml', '../../../../apps/demo/base'],
    components: ['../../../../components/guardrails', ...chosen.map((a) => `../../../../components/${a}`)],
  };
  if (chosen.length > 0) {
    kustomization.patches = [
      {
        target: { kind: 'Deployment', labelSelector: '!previewd.io/addon' },
        patch: stringify([
          {
            op: 'add',
            path: '/spec/template/spec/containers/0/envFrom',
            value: chosen.map((a) => ({ secretRef: { name: `${a}-connection` } })),
          },
        ]),
      },
    ];
  }
  await writeFile(path.join(folder, 'kustomization.yaml'), stringify(kustomization));
  return kustomizeBuild(folder);
}

function assertValid(objects: K8sObject[]): void {
  const problems = objects.map(kubernetesSchemaProblem).filter((p): p is string => p !== undefined);
  assert.deepEqual(problems, []);
}

function assertRestricted(workload: Workload): void {
  const pod = workload.spec.template.spec;
  const where = describe(workload);
  assert.equal(pod.securityContext?.runAsNonRoot, true, `${where}: runAsNonRoot`);
  assert.ok(typeof pod.securityContext?.runAsUser === 'number' && pod.securityContext.runAsUser > 0, `${where}: a non-root runAsUser`);
  assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${where}: seccompProfile`);
  for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${where}/${c.name}: allowPrivilegeEscalation`);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], `${where}/${c.name}: drop ALL`);
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${where}/${c.name}: readOnlyRootFilesystem`);
    assert.ok(c.readinessProbe && c.livenessProbe, `${where}/${c.name}: probes`);
  }
}

let work: string;
let contract: Record<Addon, AddonContract>;
let plain: K8sObject[];

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'previewd-skeleton-'));
  contract = await readContract();
  plain = await buildOverlay(work, 'plain', []);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

suite('apps/demo/base', () => {
  test('builds, validates, and is the restricted demo app the contract describes', async () => {
    const objects = await kustomizeBuild(path.join(skeleton, 'apps', 'demo', 'base'));
    assertValid(objects);
    assert.deepEqual(objects.map(describe).sort(), ['Deployment/demo', 'Ingress/demo', 'Service/demo']);
    for (const obj of objects) {
      assert.equal(obj.metadata.labels?.['app.kubernetes.io/name'], 'demo', `${describe(obj)} label`);
      // The overlay sets the namespace; a base that sets one would fight it.
      assert.equal(obj.metadata.namespace, undefined, `${describe(obj)} has no namespace`);
      assert.equal(addonOf(obj), undefined, `${describe(obj)} is not an add-on`);
    }
    const deployment = objects.find((o) => o.kind === 'Deployment') as Workload;
    const app = deployment.spec.template.spec.containers[0];
    assert.equal(app?.name, 'app');
    assert.equal(app.image, 'registry.example.com/previewd/demo:latest');
    assert.deepEqual(app.ports?.map((p) => [p.name, p.containerPort]), [['http', 8080]]);
    assert.ok(app.resources?.requests.cpu && app.resources.limits.memory, 'requests and limits');
    assertRestricted(deployment);
    const tmp = app.volumeMounts?.find((m) => m.mountPath === '/tmp');
    const tmpVolume = deployment.spec.template.spec.volumes?.find((v) => v.name === tmp?.name);
    assert.ok(tmpVolume?.emptyDir, '/tmp is an emptyDir');

    const ingress = objects.find((o) => o.kind === 'Ingress') as K8sObject & {
      spec: { rules: { host: string }[]; tls: { hosts: string[]; secretName: string }[] };
    };
    assert.deepEqual(ingress.spec.rules.map((r) => r.host), ['demo.preview.example.com']);
    assert.deepEqual(ingress.spec.tls[0]?.hosts, ['demo.preview.example.com']);
    assert.ok(ingress.spec.tls[0]?.secretName);
  });
});

suite('components/guardrails', () => {
  test('the overlay with only the guardrails lands in the namespace with the named objects', () => {
    assertValid(plain);
    for (const obj of plain) {
      if (obj.kind === 'Namespace') continue;
      assert.equal(obj.metadata.namespace, namespace, `${describe(obj)} is in ${namespace}`);
    }
    const names = (kind: string): string[] => plain.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
    assert.deepEqual(names('ResourceQuota'), ['preview-quota']);
    assert.deepEqual(names('LimitRange'), ['preview-limits']);
    assert.deepEqual(names('NetworkPolicy'), ['allow-dns-egress', 'allow-ingress-controller', 'allow-same-namespace', 'default-deny']);
    // No add-on leaks in without being chosen.
    assert.deepEqual(plain.filter((o) => addonOf(o) !== undefined).map(describe), []);
  });

  test('the network policies say what the contract says', () => {
    const policy = (name: string): { spec: Record<string, unknown> } =>
      plain.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name) as unknown as { spec: Record<string, unknown> };
    assert.deepEqual(policy('default-deny').spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    assert.deepEqual(policy('allow-ingress-controller').spec.ingress, [
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
    ]);
    assert.deepEqual(policy('allow-dns-egress').spec.egress, [
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
    const quota = plain.find((o) => o.kind === 'ResourceQuota') as unknown as { spec: { hard: Record<string, string> } };
    for (const key of ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']) assert.ok(quota.spec.hard[key], `quota sets ${key}`);
  });
});

function assertAddon(objects: K8sObject[], addon: Addon): void {
  const own = objects.filter((o) => addonOf(o) === addon);
  const kinds = own.map(describe).sort();
  // Its Service is named after it, and so are both generated Secrets' prefixes.
  assert.ok(kinds.includes(`Service/${addon}`), `${addon}: Service named ${addon} (${kinds.join(', ')})`);
  const workloads = own.filter(isWorkload);
  assert.equal(workloads.length, 1, `${addon}: one workload`);

  const connections = objects.filter((o) => o.kind === 'Secret' && o.metadata.name.startsWith(`${addon}-connection-`));
  assert.equal(connections.length, 1, `${addon}: one generated ${addon}-connection Secret, name-hashed`);
  const connection = decode(connections[0] as K8sObject);
  assert.deepEqual(Object.keys(connection).sort(), contract[addon].keys, `${addon}: connection keys`);
  for (const [key, value] of Object.entries(connection)) assert.ok(value.length > 0, `${addon}: ${key} is set`);

  // Every URL in the connection points at the add-on's own Service, on a port it serves.
  const service = own.find((o) => o.kind === 'Service') as K8sObject & { spec: { ports: { port: number }[] } };
  const urlKeys = Object.keys(connection).filter((k) => /(_URL|_URI|_ENDPOINT)$/.test(k));
  assert.ok(urlKeys.length > 0, `${addon}: has a URL key`);
  for (const key of urlKeys) {
    const url = new URL(connection[key] as string);
    assert.equal(url.hostname, addon, `${addon}: ${key} host`);
    assert.ok(service.spec.ports.some((p) => String(p.port) === url.port), `${addon}: ${key} port ${url.port} is served`);
  }

  for (const workload of workloads) {
    assert.equal(addonOf(workload.spec.template), addon, `${describe(workload)}: pod template label`);
    for (const claim of workload.spec.volumeClaimTemplates ?? []) assert.equal(addonOf(claim), addon, `${describe(workload)}: claim label`);
    const pod = workload.spec.template.spec;
    // The renderer sizes the quota from the contract's table: one container, exactly those resources.
    assert.equal(pod.initContainers, undefined, `${describe(workload)}: no init containers`);
    assert.equal(pod.containers.length, 1, `${describe(workload)}: one container`);
    assert.deepEqual(pod.containers[0]?.resources, contract[addon].resources, `${describe(workload)}: resources`);
    // Upstream images, plain references: no registry host prefix.
    const image = pod.containers[0]?.image ?? '';
    assert.ok(!/^[^/]*[.:][^/]*\//.test(image), `${describe(workload)}: ${image} has no registry host`);
    assertRestricted(workload);
    // Its own credentials resolve to a generated Secret that exists.
    for (const ref of pod.containers[0]?.envFrom ?? []) {
      if (!ref.secretRef) continue;
      assert.ok(objects.some((o) => o.kind === 'Secret' && o.metadata.name === ref.secretRef?.name), `${describe(workload)}: ${ref.secretRef.name} exists`);
    }
  }
  if (workloads[0]?.kind === 'StatefulSet') {
    assert.ok((workloads[0].spec.volumeClaimTemplates ?? []).length > 0, `${addon}: a volumeClaimTemplate`);
  }
}

function assertOverlay(objects: K8sObject[], chosen: readonly Addon[]): void {
  assertValid(objects);
  for (const obj of objects) {
    if (obj.kind === 'Namespace') continue;
    assert.equal(obj.metadata.namespace, namespace, `${describe(obj)} is in ${namespace}`);
  }
  // The base and the guardrails come through unlabelled: a component must not relabel the app.
  const plainNames = new Set(plain.map(describe));
  for (const obj of objects) {
    if (plainNames.has(describe(obj))) assert.equal(addonOf(obj), undefined, `${describe(obj)} is not labelled as an add-on`);
    else assert.ok(chosen.includes(addonOf(obj) as Addon), `${describe(obj)} carries previewd.io/addon of a chosen add-on`);
  }
  for (const addon of chosen) assertAddon(objects, addon);

  // The envFrom patch reached the app's first container only, with the hash-suffixed names.
  const app = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'demo') as Workload;
  const refs = (app.spec.template.spec.containers[0]?.envFrom ?? []).map((r) => r.secretRef?.name ?? '');
  assert.equal(refs.length, chosen.length);
  chosen.forEach((addon, i) => {
    const generated = objects.find((o) => o.kind === 'Secret' && o.metadata.name.startsWith(`${addon}-connection-`));
    assert.equal(refs[i], generated?.metadata.name, `envFrom names the generated ${addon}-connection Secret`);
    assert.notEqual(refs[i], `${addon}-connection`, 'the reference carries the hash suffix');
  });
  for (const workload of objects.filter(isWorkload).filter((w) => addonOf(w) !== undefined)) {
    const names = (workload.spec.template.spec.containers[0]?.envFrom ?? []).map((r) => r.secretRef?.name ?? '');
    assert.ok(!names.some((n) => n.includes('-connection')), `${describe(workload)} is not patched like the app`);
  }
}

suite('add-on components', () => {
  for (const addon of addons) {
    test(`base + guardrails + ${addon} with the envFrom patch`, async () => {
      assertOverlay(await buildOverlay(work, addon, [addon]), [addon]);
    });
  }
  test('base + guardrails + every add-on', async () => {
    assertOverlay(await buildOverlay(work, 'all', addons), addons);
  });
});

test('the schema validation used above rejects a broken object', () => {
  const broken = structuredClone(plain.find((o) => o.kind === 'ResourceQuota') as K8sObject);
  broken.spec = { hard: 'lots' };
  assert.ok(kubernetesSchemaProblem(broken));
});

import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { crdProblems, loadCrds, type CrdVersion } from '../helpers/argo-crds.ts';
import { describe, kustomizeBuild, type K8sObject } from '../helpers/kustomize-build.ts';
import { kubernetesSchemaProblem } from '../helpers/validate-kubernetes-object.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const argocdDir = path.join(repoRoot, 'argocd');
const gitopsUrl = 'https://git.example.com/platform/gitops.git';

async function readManifests(): Promise<Map<string, K8sObject[]>> {
  const files = new Map<string, K8sObject[]>();
  for (const file of (await readdir(argocdDir)).sort()) {
    if (!file.endsWith('.yaml') || file === 'kustomization.yaml') continue;
    const docs = parseAllDocuments(await readFile(path.join(argocdDir, file), 'utf8'));
    files.set(file, docs.map((d) => d.toJS() as K8sObject).filter(Boolean));
  }
  return files;
}

let crds: Map<string, CrdVersion>;
let manifests: Map<string, K8sObject[]>;
let work: string;

function one(kind: string): K8sObject & { spec: Record<string, unknown> } {
  const found = [...manifests.values()].flat().filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind} in argocd/`);
  return found[0] as K8sObject & { spec: Record<string, unknown> };
}

before(async () => {
  [crds, manifests] = await Promise.all([loadCrds(), readManifests()]);
  work = await mkdtemp(path.join(os.tmpdir(), 'previewd-argocd-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('argocd/*.yaml validate against the real Argo CD CRDs and the Kubernetes schemas', () => {
  assert.deepEqual([...manifests.keys()], ['applicationset.yaml', 'appproject.yaml', 'rbac-readonly.yaml', 'rbac.yaml']);
  const problems: string[] = [];
  for (const obj of [...manifests.values()].flat()) {
    if (obj.apiVersion.startsWith('argoproj.io/')) problems.push(...crdProblems(crds, obj));
    else problems.push(...[kubernetesSchemaProblem(obj)].filter((p): p is string => p !== undefined));
    assert.equal(obj.metadata.namespace, 'argocd', `${describe(obj)} is in argocd`);
  }
  assert.deepEqual(problems, []);
});

test('the CRD validation above catches a wrong type and a misspelt field', () => {
  const appSet = structuredClone(one('ApplicationSet'));
  appSet.spec.goTemplate = 'yes';
  (appSet.spec.syncPolicy as Record<string, unknown>).preserveResourceOnDeletion = false;
  const problems = crdProblems(crds, appSet);
  assert.ok(problems.some((p) => p.includes('/spec/goTemplate')), problems.join('\n'));
  assert.ok(problems.some((p) => p.includes('/spec/syncPolicy/preserveResourceOnDeletion: unknown field')), problems.join('\n'));
});

test('kubectl kustomize argocd/ builds all three files into argocd', async () => {
  const built = await kustomizeBuild(argocdDir);
  // rbac-readonly.yaml is the webhook mode's alternative to rbac.yaml, not installed beside it.
  const expected = [...manifests].filter(([file]) => file !== 'rbac-readonly.yaml').flatMap(([, objects]) => objects).map(describe).sort();
  assert.deepEqual(built.map(describe).sort(), expected);
  for (const obj of built) assert.equal(obj.metadata.namespace, 'argocd', `${describe(obj)} namespace`);
  const problems = built.filter((o) => o.apiVersion.startsWith('argoproj.io/')).flatMap((o) => crdProblems(crds, o));
  assert.deepEqual(problems, []);
});

interface AppSetSpec {
  goTemplate: boolean;
  goTemplateOptions: string[];
  generators: { git: { repoURL: string; revision: string; files: { path: string }[] } }[];
  syncPolicy: { preserveResourcesOnDeletion: boolean };
  template: {
    metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string>; finalizers: string[] };
    spec: {
      project: string;
      source: { repoURL: string; path: string };
      destination: { server: string; namespace: string };
      syncPolicy: { automated: { prune: boolean; selfHeal: boolean }; retry: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } } };
    };
  };
}

test('the ApplicationSet makes one Application per preview.json as the contract says', async () => {
  const appSet = one('ApplicationSet');
  assert.equal(appSet.metadata.name, 'previews');
  const spec = appSet.spec as unknown as AppSetSpec;
  assert.equal(spec.goTemplate, true);
  assert.deepEqual(spec.goTemplateOptions, ['missingkey=error']);
  assert.equal(spec.generators.length, 1);
  assert.equal(spec.generators[0]?.git.repoURL, gitopsUrl);
  assert.deepEqual(spec.generators[0]?.git.files, [{ path: 'previews/*/*/*/preview.json' }]);
  assert.equal(spec.syncPolicy.preserveResourcesOnDeletion, false);
  const { metadata, spec: app } = spec.template;
  assert.equal(metadata.name, '{{ .id }}');
  assert.equal(metadata.labels['app.kubernetes.io/managed-by'], 'previewd');
  assert.equal(metadata.labels['previewd.io/id'], '{{ .id }}');
  assert.equal(metadata.annotations['link.argocd.argoproj.io/preview'], '{{ get . "url" }}');
  assert.ok(Object.values(metadata.annotations).includes('{{ get . "repo" }}'), 'an annotation carries the repo');
  assert.deepEqual(metadata.finalizers, ['resources-finalizer.argocd.argoproj.io']);
  assert.equal(app.project, 'previews');
  assert.equal(app.source.repoURL, gitopsUrl);
  assert.equal(app.source.path, '{{ .path.path }}');
  assert.deepEqual(app.destination, { server: 'https://kubernetes.default.svc', namespace: '{{ .namespace }}' });
  assert.deepEqual(app.syncPolicy.automated, { prune: true, selfHeal: true });
  assert.ok(app.syncPolicy.retry.limit > 0 && app.syncPolicy.retry.backoff.factor > 1, 'retry with backoff');

  // Only the string fields the contract allows: a number such as pr would print as a float.
  const text = await readFile(path.join(argocdDir, 'applicationset.yaml'), 'utf8');
  const contract = await readFile(path.join(repoRoot, 'docs', 'render-contract.md'), 'utf8');
  const allowedLine = /string fields of `preview\.json` \(([^)]*)\)/.exec(contract)?.[1];
  assert.ok(allowedLine, 'render-contract.md lists the string fields the template may use');
  const allowed = new Set([...allowedLine.matchAll(/`(\w+)`/g)].map((m) => m[1] as string));
  const references = [...text.matchAll(/\{\{-?\s*([^}]*?)\s*-?\}\}/g)].map((m) => m[1] as string);
  assert.ok(references.length >= 5, 'the template uses parameters');
  // Strict only where there is no Application without it; every other field through `get` ("" if missing).
  const strict = new Set(['.id', '.namespace', '.path.path']);
  for (const ref of references) {
    const optional = /^get \. "(\w+)"$/.exec(ref)?.[1];
    if (optional !== undefined) assert.ok(allowed.has(optional) && !strict.has(`.${optional}`), `{{ ${ref} }} reads one of ${[...allowed].join(', ')}`);
    else assert.ok(strict.has(ref), `{{ ${ref} }} is one of the strict ${[...strict].join(', ')}; read any other field with {{ get . "name" }}`);
  }
});

/** Argo CD matches project resource lists with globs on group and kind. */
function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

test('the AppProject fences previews in and admits everything a preview overlay makes', async () => {
  const project = one('AppProject');
  assert.equal(project.metadata.name, 'previews');
  const spec = project.spec as {
    sourceRepos: string[];
    destinations: { server: string; namespace: string }[];
    clusterResourceWhitelist: { group: string; kind: string; name?: string }[];
    namespaceResourceBlacklist?: { group: string; kind: string }[];
  };
  assert.deepEqual(spec.sourceRepos, [gitopsUrl]);
  assert.deepEqual(spec.destinations, [{ server: 'https://kubernetes.default.svc', namespace: 'pv-*' }]);
  // Only Namespaces of the preview prefix (Argo CD >= 3.3 reads `name`): never kube-system.
  assert.deepEqual(spec.clusterResourceWhitelist, [{ group: '', kind: 'Namespace', name: 'pv-*' }]);
  const clusterAllowed = (group: string, kind: string, name: string): boolean =>
    spec.clusterResourceWhitelist.some((r) => globMatch(r.group, group) && globMatch(r.kind, kind) && (r.name === undefined || globMatch(r.name, name)));
  for (const name of ['kube-system', 'default', 'argocd', 'kube-public']) assert.equal(clusterAllowed('', 'Namespace', name), false, `Namespace ${name} is refused`);

  // An overlay with the base, the guardrails and every add-on, as render writes it.
  const namespace = 'pv-shop-42-acme';
  const gitops = path.join(work, 'gitops');
  await cp(path.join(repoRoot, 'gitops-repo-skeleton'), gitops, { recursive: true });
  const folder = path.join(gitops, 'previews', 'acme', 'shop', 'pr-42');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'namespace.yaml'), stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
  await writeFile(
    path.join(folder, 'kustomization.yaml'),
    stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace,
      resources: ['namespace.yaml', '../../../../apps/demo/base'],
      components: ['guardrails', 'postgres', 'mariadb', 'mongodb', 'redis', 'minio'].map((c) => `../../../../components/${c}`),
    }),
  );
  const objects = await kustomizeBuild(folder);
  assert.ok(spec.destinations.some((d) => globMatch(d.namespace, namespace)), `${namespace} is an allowed destination`);
  for (const obj of objects) {
    const group = obj.apiVersion.includes('/') ? (obj.apiVersion.split('/')[0] as string) : '';
    if (obj.metadata.namespace === undefined) {
      assert.ok(clusterAllowed(group, obj.kind, obj.metadata.name), `${describe(obj)} is allowed cluster-wide`);
    } else {
      const denied = (spec.namespaceResourceBlacklist ?? []).find((r) => globMatch(r.group, group) && globMatch(r.kind, obj.kind));
      assert.equal(denied, undefined, `${describe(obj)} is not blacklisted`);
    }
  }
  // The guardrails' kinds in particular.
  for (const kind of ['ResourceQuota', 'LimitRange', 'NetworkPolicy']) assert.ok(objects.some((o) => o.kind === kind), `the overlay has a ${kind}`);
});

type Role = K8sObject & { rules: { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[] };
function grantsOf(file: string): string[] {
  const objects = manifests.get(file) ?? [];
  assert.deepEqual(objects.map(describe).sort(), ['Role/previewd', 'RoleBinding/previewd', 'ServiceAccount/previewd'], file);
  const binding = objects.find((o) => o.kind === 'RoleBinding') as K8sObject & {
    roleRef: { kind: string; name: string };
    subjects: { kind: string; name: string; namespace: string }[];
  };
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'previewd' });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'previewd', namespace: 'argocd' }]);
  const role = objects.find((o) => o.kind === 'Role') as Role;
  return role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}${r.resourceNames ? `/${r.resourceNames.join(',')}` : ''}: ${[...r.verbs].sort().join(',')}`))).sort();
}

test('previewd may read Applications and refresh, nothing more, only in argocd', () => {
  assert.deepEqual(grantsOf('rbac.yaml'), ['argoproj.io/applications: list,patch,watch', 'argoproj.io/applicationsets/previews: patch']);
  // No cluster-wide grant anywhere in argocd/.
  assert.ok(![...manifests.values()].flat().some((o) => o.kind.startsWith('Cluster')));
});

test('rbac-readonly.yaml: the same ServiceAccount, Role and RoleBinding, with no write verb at all', () => {
  assert.deepEqual(grantsOf('rbac-readonly.yaml'), ['argoproj.io/applications: list,watch']);
});

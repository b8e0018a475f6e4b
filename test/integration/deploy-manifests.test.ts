import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { SECRET_SETTINGS } from '../../src/domain/load-settings.ts';
import { crdProblems, loadCrds, type CrdVersion } from '../helpers/argo-crds.ts';
import { describe, kustomizeBuild, type K8sObject } from '../helpers/kustomize-build.ts';
import { kubernetesSchemaProblem } from '../helpers/validate-kubernetes-object.ts';

// argocd/previewd/: previewd's own deployment. Built with the real `kubectl kustomize` (offline), each
// object validated (kubernetes-models, the Argo CD CRDs, a minimal PrometheusRule schema), and the
// dashboard and alerts held to the metric names of docs/metrics.md.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const deployDir = path.join(repoRoot, 'argocd', 'previewd');
const SECRET_NAME = 'previewd';
const DATA_DIR = '/var/lib/previewd';

interface Container {
  name: string;
  image: string;
  args?: string[];
  ports: { name: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: unknown } }[];
  startupProbe?: { httpGet: { path: string; port: string | number } };
  livenessProbe?: { httpGet: { path: string; port: string | number } };
  readinessProbe?: { httpGet: { path: string; port: string | number } };
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type: string };
    privileged?: boolean;
  };
  volumeMounts: { name: string; mountPath: string }[];
}

interface DeploymentSpec {
  replicas: number;
  strategy: { type: string };
  template: {
    metadata: { annotations: Record<string, string>; labels: Record<string, string> };
    spec: {
      serviceAccountName: string;
      securityContext: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
      containers: Container[];
      volumes: { name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }[];
    };
  };
}

/** One documented metric: docs/metrics.md's table. */
interface MetricDoc {
  type: string;
  labels: Map<string, Set<string> | undefined>;
}

/** docs/metrics.md's table: name → type and labels (with their documented values, when listed). */
function parseMetricsDoc(markdown: string): Map<string, MetricDoc> {
  const metrics = new Map<string, MetricDoc>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`([a-z_:][a-z0-9_:]*)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const labels = new Map<string, Set<string> | undefined>();
    // "`event`, `outcome` (`accepted`, `ignored`)" or "`action` (create, update)": names outside the parentheses.
    for (const m of (cells[3] ?? '').matchAll(/`(\w+)`\s*(?:\(([^)]*)\))?/g)) {
      const values = m[2]?.split(',').map((v) => v.replace(/`/g, '').trim());
      labels.set(m[1] as string, values ? new Set(values) : undefined);
    }
    // Backticked values inside parentheses were matched as names too: drop them.
    for (const [label, values] of [...labels]) if (values) for (const v of values) if (v !== label) labels.delete(v);
    metrics.set(name, { type: cells[2] ?? '', labels });
  }
  return metrics;
}

const PROMQL_FUNCTIONS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'topk', 'bottomk', 'quantile', 'stddev',
  'rate', 'irate', 'increase', 'delta', 'deriv', 'changes', 'resets',
  'histogram_quantile', 'time', 'vector', 'scalar', 'absent', 'absent_over_time',
  'max_over_time', 'min_over_time', 'avg_over_time', 'last_over_time', 'clamp_min', 'clamp_max', 'round', 'abs',
]);
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);
// Labels every scraped series carries besides its own.
const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'container']);

/**
 * Every problem with the metric names and labels a PromQL expression uses: each series must be in
 * docs/metrics.md (a histogram's _bucket/_sum/_count included) or one of prom-client's default metrics,
 * each matcher and grouping label one the metric has, each documented label value one of those listed.
 */
function promqlProblems(expr: string, docs: Map<string, MetricDoc>, defaults: Set<string>): string[] {
  const problems: string[] = [];
  const labelsOf = (name: string): Map<string, Set<string> | undefined> | undefined => {
    if (docs.has(name)) return docs.get(name)?.labels;
    const base = /^(.*)_(bucket|sum|count)$/.exec(name);
    const doc = base ? docs.get(base[1] as string) : undefined;
    if (base && doc?.type === 'histogram') return new Map([...doc.labels, ...(base[2] === 'bucket' ? [['le', undefined] as const] : [])]);
    if (defaults.has(name)) return new Map();
    return undefined;
  };
  const used = new Map<string, Map<string, Set<string> | undefined>>();
  const selectors = /([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}/g;
  for (const m of expr.matchAll(selectors)) {
    const name = m[1] as string;
    const labels = labelsOf(name);
    if (!labels) continue; // reported below with the bare names
    for (const matcher of (m[2] as string).matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)) {
      const [, label, op, value] = matcher as unknown as [string, string, string, string];
      if (!labels.has(label) && !TARGET_LABELS.has(label)) problems.push(`${name}: no label ${label}`);
      const values = labels.get(label);
      if (values && (op === '=' || op === '!=') && !values.has(value)) problems.push(`${name}{${label}="${value}"}: not one of ${[...values].join(', ')}`);
    }
  }
  const grouping: string[] = [];
  const stripped = expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_all, _kw, labels: string) => {
      grouping.push(...labels.split(',').map((l) => l.trim()).filter(Boolean));
      return ' ';
    });
  for (const m of stripped.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, word, call] = m as unknown as [string, string, string | undefined];
    if (/^\d/.test(word) || PROMQL_KEYWORDS.has(word)) continue;
    if (call) {
      if (!PROMQL_FUNCTIONS.has(word)) problems.push(`unknown function ${word}()`);
      continue;
    }
    const labels = labelsOf(word);
    if (labels) used.set(word, labels);
    else problems.push(`${word}: not a metric of docs/metrics.md nor a prom-client default`);
  }
  if (used.size === 0 && problems.length === 0) problems.push('no metric');
  for (const label of grouping) {
    if (![...used.values()].some((labels) => labels.has(label)) && !TARGET_LABELS.has(label)) problems.push(`grouping by ${label}, which none of ${[...used.keys()].join(', ')} has`);
  }
  return problems.map((p) => `${expr}: ${p}`);
}

// A minimal PrometheusRule schema (monitoring.coreos.com/v1): the fields the Prometheus Operator's CRD
// knows for groups and rules, nothing else, so a misspelt field fails as it would be dropped.
const prometheusRuleSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'monitoring.coreos.com/v1' },
    kind: { const: 'PrometheusRule' },
    metadata: { type: 'object', required: ['name'] },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'rules'],
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' },
              rules: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['expr'],
                  oneOf: [{ required: ['alert'] }, { required: ['record'] }],
                  properties: {
                    alert: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                    record: { type: 'string' },
                    expr: { type: 'string', minLength: 1 },
                    for: { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' },
                    keep_firing_for: { type: 'string' },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    annotations: { type: 'object', additionalProperties: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
}

let built: K8sObject[];
let crds: Map<string, CrdVersion>;
let metrics: Map<string, MetricDoc>;
let defaults: Set<string>;
let settingsSchema: { properties: Record<string, { writeOnly?: boolean }> };
let secretExample: K8sObject & { stringData: Record<string, string> };

before(async () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  defaults = new Set(registry.getMetricsAsArray().map((m) => m.name));
  [built, crds, metrics, settingsSchema, secretExample] = await Promise.all([
    kustomizeBuild(deployDir),
    loadCrds(),
    readFile(path.join(repoRoot, 'docs', 'metrics.md'), 'utf8').then(parseMetricsDoc),
    readFile(path.join(repoRoot, 'schema', 'settings.schema.json'), 'utf8').then((t) => JSON.parse(t) as typeof settingsSchema),
    readFile(path.join(deployDir, 'secret.example.yaml'), 'utf8').then((t) => parse(t) as typeof secretExample),
  ]);
});

function one(kind: string, name?: string): K8sObject {
  const found = built.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `exactly one ${kind}${name ? `/${name}` : ''} in the build`);
  return found[0] as K8sObject;
}

function deployment(): DeploymentSpec {
  return one('Deployment', 'previewd').spec as DeploymentSpec;
}

function container(): Container {
  const containers = deployment().template.spec.containers;
  assert.equal(containers.length, 1);
  return containers[0] as Container;
}

function rules(): Rule[] {
  const spec = one('PrometheusRule').spec as { groups: { rules: Rule[] }[] };
  return spec.groups.flatMap((g) => g.rules);
}

function isSecretSetting(name: string): boolean {
  return (SECRET_SETTINGS as readonly string[]).includes(name) || settingsSchema.properties[name]?.writeOnly === true;
}

test('kubectl kustomize argocd/previewd builds offline into previewd\'s objects, each in its namespace', () => {
  assert.deepEqual(built.map((o) => `${describe(o)}@${o.metadata.namespace ?? ''}`).map((d) => d.replace(/^ConfigMap\/previewd-[a-z0-9]{10}@/, 'ConfigMap/previewd-<hash>@')).sort(), [
    'ConfigMap/previewd-<hash>@previewd',
    'ConfigMap/previewd-grafana-dashboard@previewd',
    'Deployment/previewd@previewd',
    'Namespace/previewd@',
    'PersistentVolumeClaim/previewd-data@previewd',
    'PrometheusRule/previewd@previewd',
    'RoleBinding/previewd-namespace-previewd@argocd',
    'Service/previewd@previewd',
    'ServiceAccount/previewd@previewd',
  ]);
  // Real values never come from here: no Secret is built (secret.example.yaml is not a resource), and
  // the Application that deploys this folder is not inside it.
  assert.ok(!built.some((o) => o.kind === 'Secret' || o.kind === 'Application'));
});

test('every object validates: kubernetes-models for the standard kinds, a minimal schema for the PrometheusRule', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateRule = ajv.compile(prometheusRuleSchema);
  const problems: string[] = [];
  for (const obj of built) {
    if (obj.kind === 'PrometheusRule') {
      if (!validateRule(obj)) problems.push(...(validateRule.errors ?? []).map((e) => `${describe(obj)}${e.instancePath}: ${e.message}`));
    } else {
      const problem = kubernetesSchemaProblem(obj);
      if (problem) problems.push(problem);
    }
  }
  assert.deepEqual(problems, []);
  // The schema check bites: a misspelt field and a bad duration are refused.
  const broken = structuredClone(one('PrometheusRule')) as K8sObject & { spec: { groups: { rules: Record<string, unknown>[] }[] } };
  const rule = broken.spec.groups[0]?.rules[0] as Record<string, unknown>;
  rule.fro = rule.for;
  rule.for = '1 hour';
  assert.equal(validateRule(broken), false);
  assert.equal(validateRule.errors?.length, 2, JSON.stringify(validateRule.errors));
});

test('the Application deploys argocd/previewd and validates against the real Application CRD', async () => {
  const docs = parseAllDocuments(await readFile(path.join(deployDir, 'application.yaml'), 'utf8')).map((d) => d.toJS() as K8sObject);
  assert.equal(docs.length, 1);
  const app = docs[0] as K8sObject;
  assert.deepEqual(crdProblems(crds, app), []);
  assert.equal(app.kind, 'Application');
  assert.equal(app.metadata.namespace, 'argocd');
  const spec = app.spec as { project: string; source: { repoURL: string; path: string }; destination: { server: string; namespace: string }; syncPolicy: { automated: object } };
  assert.equal(spec.source.repoURL, 'https://git.example.com/platform/previewd-deploy.git');
  assert.equal(spec.source.path, 'argocd/previewd');
  assert.deepEqual(spec.destination, { server: 'https://kubernetes.default.svc', namespace: 'previewd' });
  assert.notEqual(spec.project, 'previews', 'not the project that fences previews into pv-*');
  assert.ok(spec.syncPolicy.automated);
  // The CRD check bites on this Application too.
  const broken = structuredClone(app) as K8sObject & { spec: { source: Record<string, unknown> } };
  broken.spec.source.pathh = 'x';
  assert.ok(crdProblems(crds, broken).some((p) => p.includes('/spec/source/pathh: unknown field')));
});

test('the Deployment: one replica, Recreate, probes on /healthz and /readyz, resources', () => {
  const spec = deployment();
  // One writer of the GitOps clone; the old pod is gone before the new one starts.
  assert.equal(spec.replicas, 1);
  assert.equal(spec.strategy.type, 'Recreate');
  const c = container();
  const [first, ...rest] = c.image.split('/');
  assert.ok(rest.length === 0 || !/[.:]|^localhost$/.test(first ?? ''), 'a bare image name, no registry host');
  assert.ok(!c.image.endsWith(':latest') && c.image.includes(':'), 'a pinned tag');
  const port = c.ports.find((p) => p.containerPort === 3000);
  assert.ok(port, 'listens on 3000');
  const probePort = (probe: { httpGet: { port: string | number } } | undefined): boolean => probe?.httpGet.port === port.name || probe?.httpGet.port === 3000;
  assert.equal(c.livenessProbe?.httpGet.path, '/healthz');
  assert.equal(c.readinessProbe?.httpGet.path, '/readyz');
  assert.equal(c.startupProbe?.httpGet.path, '/healthz');
  assert.ok(probePort(c.livenessProbe) && probePort(c.readinessProbe) && probePort(c.startupProbe), 'probes hit the container port');
  assert.ok(c.resources.requests?.cpu && c.resources.requests.memory, 'CPU and memory requests');
  assert.ok(c.resources.limits?.memory, 'a memory limit');
  const annotations = spec.template.metadata.annotations;
  assert.equal(annotations['prometheus.io/scrape'], 'true');
  assert.equal(annotations['prometheus.io/path'], '/metrics');
  assert.equal(annotations['prometheus.io/port'], '3000');
  // The Service reaches the pod.
  const service = one('Service', 'previewd').spec as { selector: Record<string, string>; ports: { targetPort: string | number }[] };
  for (const [k, v] of Object.entries(service.selector)) assert.equal(spec.template.metadata.labels[k], v, `selector ${k}`);
  assert.ok(service.ports.every((p) => p.targetPort === port.name || p.targetPort === 3000));
});

test('the Deployment is restricted: non-root, read-only root, no capabilities, RuntimeDefault seccomp', () => {
  const pod = deployment().template.spec;
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok((pod.securityContext.runAsUser ?? 0) > 0, 'a non-zero UID');
  assert.equal(pod.securityContext.seccompProfile?.type, 'RuntimeDefault');
  const sc = container().securityContext;
  assert.equal(sc.runAsNonRoot, true);
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.deepEqual(sc.capabilities?.drop, ['ALL']);
  assert.equal(sc.capabilities?.add, undefined);
  assert.notEqual(sc.privileged, true);
  assert.equal(sc.seccompProfile?.type, 'RuntimeDefault');
  // The namespace enforces the same level.
  assert.equal(one('Namespace', 'previewd').metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
});

test('DATA_DIR is the PersistentVolumeClaim, /tmp an emptyDir; the ServiceAccount is previewd\'s', () => {
  const pod = deployment().template.spec;
  const mounts = new Map(container().volumeMounts.map((m) => [m.mountPath, m.name]));
  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  const config = one('ConfigMap', built.find((o) => o.kind === 'ConfigMap' && /^previewd-[a-z0-9]{10}$/.test(o.metadata.name))?.metadata.name).data as Record<string, string>;
  assert.equal(config.DATA_DIR, DATA_DIR);
  const data = volumes.get(mounts.get(DATA_DIR) ?? '');
  assert.equal(data?.persistentVolumeClaim?.claimName, 'previewd-data');
  one('PersistentVolumeClaim', 'previewd-data');
  assert.ok(volumes.get(mounts.get('/tmp') ?? '')?.emptyDir, '/tmp is an emptyDir');
  assert.equal(pod.serviceAccountName, 'previewd');
  assert.equal(one('ServiceAccount', 'previewd').metadata.namespace, 'previewd');
});

test('the Deployment and the Dockerfile agree: the user, DATA_DIR, the port, the command', async () => {
  const dockerfile = await readFile(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const uid = [...dockerfile.matchAll(/^USER\s+(\d+)/gm)].at(-1)?.[1];
  assert.equal(deployment().template.spec.securityContext.runAsUser, Number(uid), 'runAsUser is the image\'s USER');
  assert.match(dockerfile, new RegExp(`DATA_DIR=${DATA_DIR}\\b`));
  assert.match(dockerfile, /^EXPOSE 3000$/m);
  assert.deepEqual(container().args, ['serve']);
});

test('the RoleBinding gives previewd/previewd the Role of argocd/rbac.yaml, in argocd', async () => {
  const rbac = parseAllDocuments(await readFile(path.join(repoRoot, 'argocd', 'rbac.yaml'), 'utf8')).map((d) => d.toJS() as K8sObject);
  const role = rbac.find((o) => o.kind === 'Role');
  assert.ok(role, 'argocd/rbac.yaml defines the Role');
  const binding = one('RoleBinding') as K8sObject & { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string; namespace: string }[] };
  assert.equal(binding.metadata.namespace, role.metadata.namespace, 'bound where the Role is');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: deployment().template.spec.serviceAccountName, namespace: 'previewd' }]);
  // Its own name: it never overwrites rbac.yaml's RoleBinding when both are applied.
  assert.ok(!rbac.some((o) => o.kind === 'RoleBinding' && o.metadata.name === binding.metadata.name));
  // No Role or ClusterRole of its own: the permissions are defined once.
  assert.ok(!built.some((o) => /Role$/.test(o.kind)));
});

test('secrets only by reference: every secretKeyRef names the Secret previewd and a documented key; no inline secret value', () => {
  const c = container();
  const env = c.env ?? [];
  const keys = new Set(Object.keys(secretExample.stringData));
  const referenced = new Set<string>();
  for (const variable of env) {
    assert.ok(settingsSchema.properties[variable.name], `${variable.name} is a setting of schema/settings.schema.json`);
    if (isSecretSetting(variable.name)) assert.equal(variable.value, undefined, `${variable.name} has no inline value`);
    const ref = variable.valueFrom?.secretKeyRef;
    if (!ref) continue;
    assert.equal(ref.name, SECRET_NAME, `${variable.name} comes from the Secret ${SECRET_NAME}`);
    assert.equal(ref.key, variable.name, `${variable.name}: the key has the variable's name`);
    referenced.add(ref.key);
  }
  // Every secret setting previewd needs for this setup is referenced, and documented in the example.
  for (const name of ['WEBHOOK_SECRET', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITOPS_TOKEN', 'ADMIN_TOKEN']) {
    assert.ok(referenced.has(name), `${name} is read from the Secret`);
    assert.ok(keys.has(name), `secret.example.yaml documents ${name}`);
  }
  for (const key of keys) assert.ok(referenced.has(key), `secret.example.yaml's ${key} is used`);
  for (const from of c.envFrom ?? []) assert.equal(from.secretRef, undefined, 'no envFrom of a whole Secret: each key is named');
  // The ConfigMap holds settings, none of them secret.
  const config = built.find((o) => o.kind === 'ConfigMap' && /^previewd-[a-z0-9]{10}$/.test(o.metadata.name)) as K8sObject;
  assert.deepEqual((c.envFrom ?? []).map((f) => f.configMapRef?.name), [config.metadata.name]);
  for (const name of Object.keys(config.data as object)) {
    assert.ok(settingsSchema.properties[name], `ConfigMap key ${name} is a setting`);
    assert.ok(!isSecretSetting(name), `ConfigMap key ${name} is not a secret`);
  }
  // The example holds placeholders only, and is not part of the kustomization.
  assert.equal(secretExample.metadata.name, SECRET_NAME);
  assert.equal(secretExample.metadata.namespace, 'previewd');
  for (const [key, value] of Object.entries(secretExample.stringData)) assert.match(value, /^(CHANGE-ME|\d+)$/, `${key} is a placeholder`);
  assert.equal(kubernetesSchemaProblem(secretExample), undefined);
});

test('no secret-looking value anywhere in the built manifests', () => {
  const text = JSON.stringify(built);
  assert.ok(!/(ghp_|gho_|ghs_|github_pat_|-----BEGIN [A-Z ]*PRIVATE KEY)/.test(text));
});

test('the PromQL checker catches a misspelt metric, label, value and function', () => {
  const check = (expr: string): string[] => promqlProblems(expr, metrics, defaults);
  assert.deepEqual(check('sum(increase(previewd_pushes_total{result="error"}[15m])) > 0'), []);
  assert.deepEqual(check('histogram_quantile(0.95, sum by (le) (rate(previewd_reconcile_duration_seconds_bucket[5m])))'), []);
  assert.equal(check('increase(previewd_push_total[15m]) > 0').length, 1);
  assert.equal(check('preview_ready == 0').length, 1);
  assert.equal(check('increase(previewd_pushes_total{results="error"}[15m]) > 0').length, 1);
  assert.equal(check('increase(previewd_pushes_total{result="failed"}[15m]) > 0').length, 1);
  assert.equal(check('sum by (outcome) (previewd_pushes_total)').length, 1);
  assert.equal(check('increse(previewd_pushes_total[15m])').length, 1);
  assert.equal(check('previewd_queue_depth_bucket').length, 1, 'only histograms have _bucket');
});

test('the alerts: the required ones exist, each is well formed and uses only documented metrics', () => {
  const all = rules();
  const problems = all.flatMap((r) => promqlProblems(r.expr, metrics, defaults));
  assert.deepEqual(problems, []);
  assert.equal(new Set(all.map((r) => r.alert)).size, all.length, 'alert names are unique');
  for (const r of all) {
    assert.ok(r.for, `${r.alert} waits before firing`);
    assert.match(r.labels?.severity ?? '', /^(warning|critical)$/, `${r.alert} severity`);
    assert.ok(r.annotations?.summary && r.annotations.description, `${r.alert} says what and why`);
  }
  const find = (test: (r: Rule) => boolean, what: string): Rule => {
    const found = all.find(test);
    assert.ok(found, what);
    return found;
  };
  const noneReady = find((r) => r.expr.includes('previewd_previews{state="ready"}'), 'no preview ready while environments exist');
  assert.equal(noneReady.for, '1h');
  find((r) => /previewd_pushes_total\{result="error"\}/.test(r.expr), 'pushes failing');
  find((r) => r.expr.includes('previewd_last_publish_success_timestamp_seconds'), 'publishing stale');
  find((r) => /previewd_github_rate_limit_remaining\s*<\s*500/.test(r.expr), 'GitHub rate limit low');
  find((r) => r.expr.includes('previewd_watch_restarts_total'), 'watch restarting');
  find((r) => /previewd_ready\s*==\s*0/.test(r.expr), 'previewd not ready');
});

test('the Grafana dashboard parses, has the Grafana 10 fields, and a panel per documented metric', async () => {
  const text = await readFile(path.join(deployDir, 'grafana-dashboard.json'), 'utf8');
  const dashboard = JSON.parse(text) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Panel[];
    templating: { list: { name: string; type: string }[] };
    time: { from: string; to: string };
  };
  for (const field of ['annotations', 'editable', 'graphTooltip', 'links', 'panels', 'refresh', 'schemaVersion', 'tags', 'templating', 'time', 'timezone', 'title', 'uid', 'version']) {
    assert.ok(field in dashboard, `the dashboard has ${field}`);
  }
  assert.ok(dashboard.uid && dashboard.title);
  assert.ok(dashboard.schemaVersion >= 36, 'Grafana 9/10 schema');
  assert.ok(dashboard.time.from && dashboard.time.to);
  assert.ok(dashboard.templating.list.some((v) => v.name === 'datasource' && v.type === 'datasource'), 'a datasource variable');
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  const panels = dashboard.panels.filter((p) => p.type !== 'row');
  const problems: string[] = [];
  for (const panel of panels) {
    assert.ok(panel.title && panel.gridPos.w > 0 && panel.gridPos.h > 0 && panel.gridPos.x + panel.gridPos.w <= 24, `${panel.title}: gridPos`);
    assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: uses the datasource variable`);
    assert.ok(panel.targets && panel.targets.length > 0, `${panel.title}: has a query`);
    const refIds = panel.targets.map((t) => t.refId);
    assert.equal(new Set(refIds).size, refIds.length, `${panel.title}: refIds are unique`);
    for (const target of panel.targets) problems.push(...promqlProblems(target.expr.replace(/\$__rate_interval/g, '5m'), metrics, defaults));
  }
  assert.deepEqual(problems, []);
  for (const name of metrics.keys()) {
    const suffixes = metrics.get(name)?.type === 'histogram' ? ['_bucket', '_count', '_sum'] : [''];
    const shown = panels.some((p) => p.targets?.some((t) => suffixes.some((s) => new RegExp(`\\b${name}${s}\\b`).test(t.expr))));
    assert.ok(shown, `a panel shows ${name}`);
  }
  // Shipped as the ConfigMap Grafana's sidecar picks up, with the file's exact content.
  const configMap = one('ConfigMap', 'previewd-grafana-dashboard');
  assert.equal(configMap.metadata.labels?.grafana_dashboard, '1');
  assert.equal((configMap.data as Record<string, string>)['grafana-dashboard.json'], text);
});

test('docs/metrics.md parses into the metrics the service declares', () => {
  // A guard on the parser itself: a change of the table's layout must not make the checks above vacuous.
  assert.ok(metrics.size >= 12, `${metrics.size} metrics parsed`);
  assert.deepEqual([...(metrics.get('previewd_webhooks_total')?.labels.keys() ?? [])], ['event', 'outcome']);
  assert.ok(metrics.get('previewd_pushes_total')?.labels.get('result')?.has('error'));
  assert.ok(metrics.get('previewd_commits_total')?.labels.get('action')?.has('create'));
  assert.equal(metrics.get('previewd_reconcile_duration_seconds')?.type, 'histogram');
});

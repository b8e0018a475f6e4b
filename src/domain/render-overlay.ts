import { Scalar, stringify, type Document } from 'yaml';
import { SERVICE_CONFIG_FILE, type Checked } from './config-problem.ts';
import type { AppRegistration, PreviewConfig, ServiceConfig } from './config-types.ts';
import { envFolder, type EnvRef } from './environment.ts';
import type { FileSet } from './file-change.ts';
import { hostName, InvalidNameError, namespaceName, previewId, repoLabel } from './names.ts';
import { formatPreviewJson, type PreviewJson } from './preview-json.ts';
import { previewQuota } from './preview-quota.ts';
import { resolvePreview, type EffectivePreview } from './resolve-preview.ts';
import { imageTag } from './build-wait-outcome.ts';
import type { RenderTemplates } from './compile-templates.ts';

export type { RenderTemplates };

/** What the pull request is, from the webhook or the API. Times come in so that output is deterministic. */
export interface PrFacts extends EnvRef {
  sha: string;
  branch: string;
  author: string;
  now: Date;
  /** From the environment's existing preview.json, so that an update keeps it. */
  createdAt?: string;
  preservedUntil?: string | null;
  /** `/preview sleep`: the app's Deployments at zero replicas until `/preview wake`. */
  sleeping?: boolean;
}


export interface RenderInput {
  pr: PrFacts;
  service: ServiceConfig;
  app: AppRegistration;
  /** The PR's `.github/preview.yaml`, loaded; `{ enabled: true }` when the repo has none. */
  config: PreviewConfig;
  templates: RenderTemplates;
}

export interface RenderedPreview {
  /** `previews/<owner>/<repo>/pr-<n>`: where `files` go. */
  folder: string;
  files: FileSet;
  preview: PreviewJson;
  effective: EffectivePreview;
}

export class InvalidPrFactsError extends Error {
  override name = 'InvalidPrFactsError';
}

/** From the environment folder (4 levels deep) back to the GitOps repository's root. */
const TO_ROOT = '../../../..';
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const SHA_RE = /^([0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The files of one preview environment: `kustomization.yaml`, `namespace.yaml`, `preview.json`.
 * Pure and deterministic. Policy refusals come back as problems and nothing is rendered; facts that no
 * webhook could carry (a bad sha, owner or PR number) throw.
 */
export function renderOverlay(input: RenderInput): Checked<RenderedPreview> {
  const { pr, service, app } = input;
  const folder = envFolder(pr);
  const sha = pr.sha.toLowerCase();
  if (!SHA_RE.test(sha)) throw new InvalidPrFactsError(`head sha ${JSON.stringify(pr.sha)} is not a full commit sha (40 or 64 hex digits)`);

  const resolved = resolvePreview(service, app, input.config);
  if (!resolved.ok) return resolved;
  const effective = resolved.value;

  const appPath = `/apps/${Math.max(0, service.apps.indexOf(app))}`;
  const namespace = namespaceName(pr, service.namespacePrefix);
  const id = previewId(pr);
  let host: string;
  try {
    host = hostName(app.host, { namespace, id, pr: pr.pr, domain: service.domain });
  } catch (err) {
    if (!(err instanceof InvalidNameError)) throw err;
    return { ok: false, problems: [{ file: SERVICE_CONFIG_FILE, path: `${appPath}/host`, message: err.message, accepted: 'a pattern that gives DNS labels of at most 63 characters, e.g. {namespace}.{domain}' }] };
  }
  const tag = imageTag(app, sha, pr.pr);
  if (!TAG_RE.test(tag)) {
    return { ok: false, problems: [{ file: SERVICE_CONFIG_FILE, path: `${appPath}/tagFormat`, message: `image tag ${JSON.stringify(tag)} is not a valid tag`, accepted: 'a format giving at most 128 letters, digits, ".", "_" and "-", not starting with "." or "-"' }] };
  }

  const labels = {
    'app.kubernetes.io/managed-by': 'previewd',
    'previewd.io/id': id,
    'previewd.io/repo': repoLabel(pr),
    'previewd.io/pr': String(pr.pr),
  };
  const now = pr.now.toISOString();
  const preview: PreviewJson = {
    id,
    namespace,
    repo: `${pr.owner}/${pr.repo}`.toLowerCase(),
    pr: pr.pr,
    sha,
    branch: pr.branch,
    url: `https://${host}`,
    author: pr.author,
    createdAt: pr.createdAt ?? now,
    updatedAt: now,
    expiresAt: new Date(pr.now.getTime() + effective.ttlMs).toISOString(),
    preservedUntil: pr.preservedUntil ?? null,
    ...(pr.sleeping ? { sleeping: true as const } : {}),
  };
  const files = new Map<string, string>([
    ['kustomization.yaml', renderKustomization(input, { namespace, labels, tag, effective })],
    ['namespace.yaml', renderNamespace(input.templates.namespace.clone(), namespace, host)],
    ['preview.json', formatPreviewJson(preview)],
  ]);
  return { ok: true, value: { folder, files, preview, effective } };
}

interface KustomizationFacts {
  namespace: string;
  labels: Record<string, string>;
  tag: string;
  effective: EffectivePreview;
}

function renderKustomization(input: RenderInput, facts: KustomizationFacts): string {
  const doc = input.templates.kustomization.clone();
  const { effective } = facts;
  doc.set('namespace', facts.namespace);
  doc.set('resources', doc.createNode([`${TO_ROOT}/${input.app.base}`, 'namespace.yaml']));
  doc.set('components', doc.createNode([`${TO_ROOT}/components/guardrails`, ...effective.addons.map((a) => `${TO_ROOT}/components/${a}`)]));
  doc.setIn(['labels', 0, 'pairs'], doc.createNode(facts.labels));
  doc.set('images', doc.createNode(input.app.images.map((name) => ({ name, newTag: facts.tag }))));
  doc.setIn(['configMapGenerator', 0, 'literals'], doc.createNode(effective.env.map(([name, value]) => kustomizeLiteral(name, value))));

  const envFrom = [{ configMapRef: { name: 'preview-env' } }, ...effective.addons.map((a) => ({ secretRef: { name: `${a}-connection` } }))];
  const container = '/spec/template/spec/containers/0';
  const appPatch = [
    { op: 'add', path: '/spec/replicas', value: input.pr.sleeping ? 0 : effective.replicas },
    { op: 'add', path: `${container}/resources`, value: effective.resources },
    { op: 'add', path: `${container}/envFrom`, value: envFrom },
  ];
  const quotaPatch = {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'preview-quota' },
    spec: { hard: previewQuota(effective, input.templates.addonSizes) },
  };
  doc.setIn(['patches', 0, 'patch'], blockText(appPatch));
  doc.setIn(['patches', 1, 'patch'], blockText(quotaPatch));
  return doc.toString({ lineWidth: 0 });
}

function renderNamespace(doc: Document, namespace: string, host: string): string {
  doc.setIn(['metadata', 'name'], namespace);
  doc.setIn(['metadata', 'annotations'], doc.createNode({ 'previewd.io/host': host }));
  return doc.toString({ lineWidth: 0 });
}

/**
 * kustomize's `NAME=value` literal. The name matches [A-Za-z_][A-Za-z0-9_]*, so the first '=' splits it.
 * kustomize strips one pair of matching quotes around a value; a value that has them gets one more pair,
 * so that the ConfigMap holds exactly what the PR wrote.
 */
function kustomizeLiteral(name: string, value: string): string {
  const quoted = value.length >= 2 && value[0] === value[value.length - 1] && (value[0] === '"' || value[0] === "'");
  return `${name}=${quoted ? `"${value}"` : value}`;
}

/** A patch, serialized by the yaml library and kept as a literal block so that it reads as YAML. */
function blockText(value: unknown): Scalar {
  const scalar = new Scalar(stringify(value, { lineWidth: 0 }));
  scalar.type = Scalar.BLOCK_LITERAL;
  return scalar;
}

import { checkResources } from './check-resources.ts';
import { pointerSegment, PREVIEW_CONFIG_FILE, type Checked, type ConfigProblem } from './config-problem.ts';
import { ADDONS, type Addon, type AppRegistration, type PreviewConfig, type Resources, type ServiceConfig } from './config-types.ts';
import { parseDuration } from './duration.ts';
import { oneOf } from './load-config.ts';

export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Used where previewd.yaml's defaults leave a request or limit out. */
const FALLBACK_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

export interface CompleteResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** What one preview gets once the PR's wishes are granted within the policy. */
export interface EffectivePreview {
  enabled: boolean;
  /** In the fixed order of ADDONS, so that equal sets render equal files. */
  addons: Addon[];
  /** Sorted by name. */
  env: Array<[name: string, value: string]>;
  replicas: number;
  ttl: string;
  ttlMs: number;
  resources: CompleteResources;
  paths: string[] | null;
}

/** The add-ons an app's pull requests may ask for: the app's list, within the policy's. */
export function allowedAddons(service: ServiceConfig, app: AppRegistration): Addon[] {
  const policy = service.policy.allowedAddons;
  return ADDONS.filter((a) => policy.includes(a) && (app.addons === undefined || app.addons.includes(a)));
}

/**
 * Applies the policy to a PR's `.github/preview.yaml` (already schema-valid) and merges the defaults.
 * Every refusal comes back, each pointing into `.github/preview.yaml`.
 */
export function resolvePreview(service: ServiceConfig, app: AppRegistration, config: PreviewConfig): Checked<EffectivePreview> {
  const file = PREVIEW_CONFIG_FILE;
  const problems: ConfigProblem[] = [];
  const { policy, defaults } = service;

  const allowed = allowedAddons(service, app);
  (config.addons ?? []).forEach((addon, i) => {
    if (!allowed.includes(addon)) problems.push({ file, path: `/addons/${i}`, message: `add-on "${addon}" is not allowed`, accepted: oneOf(allowed) });
  });

  const ttl = config.ttl ?? defaults.ttl;
  const ttlMs = parseDuration(ttl) ?? 0;
  if (ttlMs > (parseDuration(policy.maxTtl) ?? 0)) {
    problems.push({ file, path: '/ttl', message: `ttl ${ttl} is above the policy's maximum`, accepted: `at most ${policy.maxTtl}` });
  }

  const replicas = config.replicas ?? defaults.replicas;
  if (replicas > policy.caps.replicas) {
    problems.push({ file, path: '/replicas', message: `${replicas} replicas is above the cap`, accepted: `at most ${policy.caps.replicas}` });
  }

  const env = Object.entries(config.env ?? {}).map(([name, value]): [string, string] => [name, String(value)]);
  for (const [name] of env) {
    if (!ENV_NAME_RE.test(name)) {
      problems.push({ file, path: `/env/${pointerSegment(name)}`, message: `${JSON.stringify(name)} is not an environment variable name`, accepted: 'a name matching [A-Za-z_][A-Za-z0-9_]*' });
    }
  }
  env.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const resources = mergeResources(defaults.resources, config.resources);
  if (config.resources !== undefined) problems.push(...checkResources(file, '/resources', resources, policy.caps));

  if (problems.length > 0) return { ok: false, problems };
  const addons = ADDONS.filter((a) => config.addons?.includes(a) === true);
  return { ok: true, value: { enabled: config.enabled ?? true, addons, env, replicas, ttl, ttlMs, resources, paths: config.paths ?? null } };
}

function mergeResources(defaults: Resources, pr: Resources | undefined): CompleteResources {
  return {
    requests: { ...FALLBACK_RESOURCES.requests, ...defaults.requests, ...pr?.requests },
    limits: { ...FALLBACK_RESOURCES.limits, ...defaults.limits, ...pr?.limits },
  };
}

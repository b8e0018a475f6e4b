import { PREVIEW_CONFIG_FILE, SERVICE_CONFIG_FILE, type Checked, type ConfigProblem } from './config-problem.ts';
import type { PreviewConfig, ServiceConfig } from './config-types.ts';
import type { ConfigValidators } from './config-validators.ts';
import { parseDuration } from './duration.ts';
import { parseYamlSource } from './parse-yaml-source.ts';
import { checkResources } from './check-resources.ts';
import { globProblem } from './wait-for.ts';

/** Parses and validates `previewd.yaml` (the text of the GitOps repository's copy). */
export function loadServiceConfig(text: string, validators: ConfigValidators): Checked<ServiceConfig> {
  const parsed = parseYamlSource(SERVICE_CONFIG_FILE, text);
  if (!parsed.ok) return parsed;
  const problems = validators.service(SERVICE_CONFIG_FILE, parsed.value);
  if (problems.length > 0) return { ok: false, problems };
  const config = parsed.value as ServiceConfig;
  const more = checkServiceConfig(config);
  return more.length > 0 ? { ok: false, problems: more } : { ok: true, value: config };
}

/**
 * Parses and validates an app repository's `.github/preview.yaml`; null text (no such file) means
 * all defaults. The policy is checked later, against the app it is for (see resolvePreview).
 */
export function loadPreviewConfig(text: string | null, validators: ConfigValidators): Checked<PreviewConfig> {
  const parsed = parseYamlSource(PREVIEW_CONFIG_FILE, text ?? '');
  if (!parsed.ok) return parsed;
  const problems = trustedOnly(validators.previewConfig(PREVIEW_CONFIG_FILE, parsed.value));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: parsed.value as PreviewConfig };
}

/**
 * `waitFor` is trusted policy: a PR that could shorten or drop it would deploy an image its CI has not
 * built. The schema already refuses the key; this says why, instead of "unknown setting".
 */
function trustedOnly(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.map((p) => p.path === '/waitFor' && p.message.startsWith('unknown setting')
    ? { ...p, message: '"waitFor" is trusted policy: only previewd.yaml in the GitOps repository sets what a commit waits for', accepted: 'no waitFor here; ask the platform team to change the app\'s waitFor in previewd.yaml' }
    : p);
}

/** Rules of previewd.yaml that a schema cannot say: its own defaults must sit within its own policy. */
function checkServiceConfig(config: ServiceConfig): ConfigProblem[] {
  const file = SERVICE_CONFIG_FILE;
  const problems: ConfigProblem[] = [];
  const maxTtl = parseDuration(config.policy.maxTtl) ?? 0;
  if ((parseDuration(config.defaults.ttl) ?? 0) > maxTtl) {
    problems.push({ file, path: '/defaults/ttl', message: `the default ttl ${config.defaults.ttl} is above policy.maxTtl`, accepted: `at most ${config.policy.maxTtl}` });
  }
  if (config.defaults.replicas > config.policy.caps.replicas) {
    problems.push({ file, path: '/defaults/replicas', message: `the default replicas ${config.defaults.replicas} is above policy.caps.replicas`, accepted: `at most ${config.policy.caps.replicas}` });
  }
  problems.push(...checkResources(file, '/defaults/resources', config.defaults.resources, config.policy.caps));
  problems.push(...waitForProblems(config.defaults.waitFor?.checks ?? [], '/defaults/waitFor/checks'));
  config.apps.forEach((app, i) => {
    problems.push(...waitForProblems(app.waitFor?.checks ?? [], `/apps/${i}/waitFor/checks`));
    (app.addons ?? []).forEach((addon, j) => {
      if (!config.policy.allowedAddons.includes(addon)) {
        problems.push({ file, path: `/apps/${i}/addons/${j}`, message: `add-on "${addon}" is not in policy.allowedAddons`, accepted: oneOf(config.policy.allowedAddons) });
      }
    });
  });
  return problems;
}

function waitForProblems(checks: readonly string[], path: string): ConfigProblem[] {
  return checks.flatMap((glob, j) => {
    const why = globProblem(glob);
    return why === null ? [] : [{ file: SERVICE_CONFIG_FILE, path: `${path}/${j}`, message: `${JSON.stringify(glob)} is not a usable glob: ${why}`, accepted: 'a check name, or a glob such as "ci / *"' }];
  });
}

export function oneOf(values: readonly string[]): string {
  return values.length === 0 ? 'none' : `one of ${values.join(', ')}`;
}

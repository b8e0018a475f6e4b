import type { Checked, ConfigProblem } from './config-problem.ts';
import { PREVIEW_CONFIG_FILE } from './config-problem.ts';
import type { AppRegistration, PreviewConfig, ServiceConfig } from './config-types.ts';
import type { ConfigValidators } from './config-validators.ts';
import { loadPreviewConfig } from './load-config.ts';
import { parseYamlSource } from './parse-yaml-source.ts';
import { resolvePreview } from './resolve-preview.ts';

/**
 * Every problem of a `.github/preview.yaml` at once: the schema's, and the policy's for the settings
 * the schema accepted. A PR author who fixes what one run said should not meet a second list after.
 * The settings the schema refused are left out of the policy check (their problem is already said).
 */
export function checkPreviewConfig(text: string | null, service: ServiceConfig, app: AppRegistration, validators: ConfigValidators): Checked<PreviewConfig> {
  const loaded = loadPreviewConfig(text, validators);
  if (loaded.ok) {
    const resolved = resolvePreview(service, app, loaded.value);
    return resolved.ok ? loaded : resolved;
  }
  const parsed = parseYamlSource(PREVIEW_CONFIG_FILE, text ?? '');
  if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) return loaded;
  const refusedKeys = new Set(loaded.problems.map((p) => topLevelKey(p.path)));
  if (refusedKeys.has('')) return loaded;
  const rest = Object.fromEntries(Object.entries(parsed.value).filter(([key]) => !refusedKeys.has(key)));
  // What is left must pass the schema on its own, or the policy would read values of the wrong type.
  if (validators.previewConfig(PREVIEW_CONFIG_FILE, rest).length > 0) return loaded;
  const resolved = resolvePreview(service, app, rest as PreviewConfig);
  const policy: ConfigProblem[] = resolved.ok ? [] : resolved.problems;
  return { ok: false, problems: [...loaded.problems, ...policy] };
}

// The first segment of a JSON pointer ('' for the whole file), unescaped (RFC 6901).
function topLevelKey(path: string): string {
  return (path.split('/')[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
}

import type { ConfigSchemas } from '../domain/config-validators.ts';
import { compileTemplates, type RenderTemplates } from '../domain/compile-templates.ts';
import type { SettingsSchema } from '../domain/load-settings.ts';
import { loadSettingsSchema } from './load-settings-schema.ts';
import { packageRoot, readAsset } from './package-root.ts';

export interface Assets {
  schemas: ConfigSchemas;
  templates: RenderTemplates;
  /** schema/settings.schema.json and its validator, for loadSettings (src/domain/load-settings.ts). */
  settingsSchema: SettingsSchema;
}

/** Reads `schema/*.json` and `templates/*.yaml` (parsed and checked); call once at start-up and pass the result around. */
export async function loadAssets(root: string = packageRoot()): Promise<Assets> {
  const read = (path: string): Promise<string> => readAsset(root, path);
  const json = async (path: string): Promise<object> => JSON.parse(await read(path)) as object;
  const [service, previewConfig, previewJson, settingsSchema, kustomization, namespace, addons] = await Promise.all([
    json('schema/previewd.schema.json'),
    json('schema/preview-config.schema.json'),
    json('schema/preview.schema.json'),
    loadSettingsSchema(root),
    read('templates/kustomization.yaml'),
    read('templates/namespace.yaml'),
    read('templates/addons.yaml'),
  ]);
  return { schemas: { service, previewConfig, previewJson }, templates: compileTemplates({ kustomization, namespace, addons }), settingsSchema };
}

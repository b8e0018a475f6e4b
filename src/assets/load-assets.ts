import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ConfigSchemas } from '../domain/config-validators.ts';
import { compileTemplates, type RenderTemplates } from '../domain/compile-templates.ts';

/**
 * The project's root: two levels above this file, both as source (src/assets/) and compiled
 * (dist/assets/), so that schemas, templates and the skeleton are found whatever the cwd.
 */
export function packageRoot(): string {
  return fileURLToPath(new URL('../../', import.meta.url));
}

/** The GitOps skeleton shipped with the project. */
export function skeletonDir(root: string = packageRoot()): string {
  return `${root}gitops-repo-skeleton`;
}

export interface Assets {
  schemas: ConfigSchemas;
  templates: RenderTemplates;
  /** schema/settings.schema.json, for loadSettings (src/domain/load-settings.ts). */
  settingsSchema: object;
}

export class AssetLoadError extends Error {
  override name = 'AssetLoadError';
}

/** Reads `schema/*.json` and `templates/*.yaml` (parsed and checked); call once at start-up and pass the result around. */
export async function loadAssets(root: string = packageRoot()): Promise<Assets> {
  const read = async (path: string): Promise<string> => {
    try {
      return await readFile(`${root}${path}`, 'utf8');
    } catch (err) {
      throw new AssetLoadError(`cannot read ${path} under ${root}: is the project installed whole?`, { cause: err });
    }
  };
  const json = async (path: string): Promise<object> => JSON.parse(await read(path)) as object;
  const [service, previewConfig, previewJson, settingsSchema, kustomization, namespace, addons] = await Promise.all([
    json('schema/previewd.schema.json'),
    json('schema/preview-config.schema.json'),
    json('schema/preview.schema.json'),
    json('schema/settings.schema.json'),
    read('templates/kustomization.yaml'),
    read('templates/namespace.yaml'),
    read('templates/addons.yaml'),
  ]);
  return { schemas: { service, previewConfig, previewJson }, templates: compileTemplates({ kustomization, namespace, addons }), settingsSchema };
}

import type { SettingsSchema, SettingsValidate } from '../domain/load-settings.ts';
import { validate } from '../generated/settings-validator.ts';
import { packageRoot, readAsset } from './package-root.ts';

/**
 * schema/settings.schema.json with its validator compiled ahead of time (src/generated, `npm run
 * generate`): every command reads its settings through this, and none loads Ajv's compiler for it.
 * The schema itself is still read, for the variables' names and `x-accepted` words in the messages.
 */
export async function loadSettingsSchema(root: string = packageRoot()): Promise<SettingsSchema> {
  return { schema: JSON.parse(await readAsset(root, 'schema/settings.schema.json')) as object, validate: validate as SettingsValidate };
}

import { DataDirUnusableError, ensureDataDir } from '../adapters/data-dir.ts';
import { loadSettingsSchema } from '../assets/load-settings-schema.ts';
import { loadSettings, type Settings } from '../domain/load-settings.ts';
import { SettingsError, SetupError, type CliIo } from './command.ts';

/**
 * The service's settings from the environment (the same for every command). Only the settings schema is
 * read here: a command that renders loads the rest of the assets itself (loadAssets), so that `list`
 * and `history` parse no template. DATA_DIR is checked (and made) here, before anything uses it: an
 * unusable one is exit code 2.
 */
export async function loadCliSettings(io: CliIo): Promise<Settings> {
  const loaded = loadSettings(io.env, await loadSettingsSchema(), io.cwd);
  if (!loaded.ok) throw new SettingsError(loaded.problems);
  try {
    await ensureDataDir(loaded.settings.dataDir);
  } catch (err) {
    if (err instanceof DataDirUnusableError) throw new SetupError(err.message, { cause: err });
    throw err;
  }
  return loaded.settings;
}

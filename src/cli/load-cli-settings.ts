import { DataDirUnusableError, ensureDataDir } from '../adapters/data-dir.ts';
import { loadAssets, type Assets } from '../assets/load-assets.ts';
import { loadSettings, type Settings } from '../domain/load-settings.ts';
import { SettingsError, SetupError, type CliIo } from './command.ts';

/**
 * The service's settings from the environment (the same for every command), with the assets.
 * DATA_DIR is checked (and made) here, before anything uses it: an unusable one is exit code 2.
 */
export async function loadCliSettings(io: CliIo): Promise<{ settings: Settings; assets: Assets }> {
  const assets = await loadAssets();
  const loaded = loadSettings(io.env, assets.settingsSchema, io.cwd);
  if (!loaded.ok) throw new SettingsError(loaded.problems);
  try {
    await ensureDataDir(loaded.settings.dataDir);
  } catch (err) {
    if (err instanceof DataDirUnusableError) throw new SetupError(err.message, { cause: err });
    throw err;
  }
  return { settings: loaded.settings, assets };
}

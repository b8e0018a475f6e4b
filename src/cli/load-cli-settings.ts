import { loadAssets, type Assets } from '../assets/load-assets.ts';
import { loadSettings, type Settings } from '../domain/load-settings.ts';
import type { CliIo } from './command.ts';

/** Thrown when settings are invalid: the command prints every problem and exits 2. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(readonly problems: string[]) {
    super(`invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The service's settings from the environment (the same for every command), with the assets. */
export async function loadCliSettings(io: CliIo): Promise<{ settings: Settings; assets: Assets }> {
  const assets = await loadAssets();
  const loaded = loadSettings(io.env, assets.settingsSchema, io.cwd);
  if (!loaded.ok) throw new SettingsError(loaded.problems);
  return { settings: loaded.settings, assets };
}

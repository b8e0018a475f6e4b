import { DataDirLockedError, DataDirUnusableError, lockDataDir } from '../adapters/data-dir.ts';
import { createLogger } from '../adapters/logger.ts';
import { createMetrics } from '../adapters/metrics.ts';
import { loadAssets } from '../assets/load-assets.ts';
import { createCluster } from '../service/create-cluster.ts';
import { createForge } from '../service/create-forge.ts';
import { ListenError } from '../service/listen-error.ts';
import { startService } from '../service/start-service.ts';
import { EXIT, SetupError, type CliIo } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** `previewd serve`: one process per DATA_DIR (a lock), exit 2 at once when it cannot listen. */
export async function runServe(args: string[], io: CliIo): Promise<number> {
  parseCommandLine(args, { options: {} });
  const settings = await loadCliSettings(io);
  const assets = await loadAssets();
  let lock;
  try {
    lock = await lockDataDir(settings.dataDir);
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof DataDirUnusableError) throw new SetupError(err.message, { cause: err });
    throw err;
  }
  try {
    const log = createLogger(settings.logLevel, io.stdout, settings.logFormat);
    const metrics = createMetrics();
    const forge = createForge(settings.github, log, metrics);
    let service;
    try {
      service = await startService({ settings, assets, log, forge, reports: forge, lifecycle: forge, checks: forge, cluster: await createCluster(settings, log, metrics), metrics });
    } catch (err) {
      if (err instanceof ListenError) throw new SetupError(err.message, { cause: err });
      throw err;
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    log.info({ signal }, 'signal received');
    await service.stop();
    return EXIT.done;
  } finally {
    await lock.release();
  }
}

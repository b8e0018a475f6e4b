import { createLogger } from '../adapters/logger.ts';
import { createMetrics } from '../adapters/metrics.ts';
import { createCluster } from '../service/create-cluster.ts';
import { createForge } from '../service/create-forge.ts';
import { startService } from '../service/start-service.ts';
import type { Command } from './command.ts';
import { loadCliSettings } from './load-cli-settings.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve GitHub webhooks and keep previews in step (what npm start runs)',
  usage: `Usage: previewd serve

Serves POST /webhooks/github, /healthz, /readyz and /metrics. Settings come from environment variables (README.md,
"Settings"); with none at all, previewd runs on its embedded defaults: a local GitOps repository in
DATA_DIR (./.previewd), a generated webhook secret, no GitHub reporting and no cluster.
SIGTERM or SIGINT: stop taking events, finish and publish what was accepted, exit 0.`,
  async run(_args, io) {
    const { settings, assets } = await loadCliSettings(io);
    const log = createLogger(settings.logLevel, io.stdout);
    const metrics = createMetrics();
    const forge = createForge(settings.github, log, metrics);
    const service = await startService({ settings, assets, log, forge, reports: forge, lifecycle: forge, cluster: createCluster(settings, log, metrics), metrics });
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    });
    log.info({ signal }, 'signal received');
    await service.stop();
    return 0;
  },
};

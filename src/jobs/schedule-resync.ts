import { schedule } from 'node-cron';

export interface ScheduledJob {
  stop(): Promise<void>;
}

/**
 * Runs the resync round on RESYNC_SCHEDULE. The round only enqueues, so it is short; a round still
 * running when the next is due is skipped rather than stacked.
 */
export function scheduleResync(expression: string, round: () => Promise<unknown>, log: { warn(obj: object, msg: string): void }): ScheduledJob {
  const task = schedule(expression, async () => {
    try {
      await round();
    } catch (err) {
      log.warn({ err }, 'resync round failed; the next one will try again');
    }
  }, { name: 'previewd-resync', noOverlap: true });
  return {
    async stop() {
      await task.destroy();
    },
  };
}

import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * A request's child logger that is made only when a line at an enabled level is written. Fastify
 * makes one per request; on the webhook route, at the usual levels, most requests write nothing, and
 * a pino child costs more than the route's own logic.
 */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Record<string, unknown>, options: object): FastifyBaseLogger {
  let real: FastifyBaseLogger | undefined;
  const get = (): FastifyBaseLogger => (real ??= logger.child(bindings, options));
  const lazy = {
    get level() {
      return logger.level;
    },
    set level(value: string) {
      get().level = value;
    },
    silent: () => undefined,
    child: (more: object, opts?: object) => get().child(more, opts),
  } as unknown as FastifyBaseLogger;
  for (const level of LEVELS) {
    (lazy as unknown as Record<Level, (...args: unknown[]) => void>)[level] = (...args: unknown[]) => {
      if (!(logger as unknown as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.(level) && real === undefined) return;
      (get()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  return lazy;
}

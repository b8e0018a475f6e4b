import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * Paths that may hold a secret, wherever a log call puts them. pino removes them before a line is
 * written, so a careless `log.info({ settings })` cannot leak a token.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization', 'req.headers["x-hub-signature-256"]', 'req.headers["x-hub-signature"]',
  'headers.authorization', '*.headers.authorization', 'request.headers.authorization',
  'token', '*.token', 'secret', '*.secret', 'webhookSecret', '*.webhookSecret', 'privateKey', '*.privateKey',
  'password', '*.password', 'adminToken', '*.adminToken', 'auth', '*.auth',
];

/**
 * pino, secrets redacted. `format` pretty prints each line readably (pino-pretty, after redaction);
 * json keeps one JSON object a line; absent, pretty when the destination is a terminal.
 */
export function createLogger(level: string, destination?: DestinationStream, format?: 'json' | 'pretty'): Logger {
  const out = destination ?? process.stdout;
  const pretty = format === 'pretty' || (format === undefined && (out as { isTTY?: boolean }).isTTY === true);
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (!pretty) return pino(options, out);
  const prettify = pinoPretty.prettyFactory({ colorize: (out as { isTTY?: boolean }).isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(options, { write: (line: string) => void out.write(prettify(line)) });
}
